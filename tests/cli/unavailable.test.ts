import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { reportFailure } from "../../cli/errors";
import { main as failover } from "../../cli/failover";
import { main as plan } from "../../cli/plan";
import { run } from "../support/outage-play";
import { tempDir } from "../support/temp-dirs";

const ROOT = path.resolve(__dirname, "../..");
const PROD = path.join(ROOT, "Pulumi.prod.yaml");

/** tests/support/outage-probe.ts in a process of its own: each scenario's outcome with us-east-1 down. */
function probe(): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "./cli/register.js", "tests/support/outage-probe.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`outage probe exited ${code}:\n${err}`))));
  });
}

describe("planning with a region unavailable", () => {
  let probed: Promise<Record<string, string>>;
  // Runs beside the in-process plans below.
  beforeAll(() => {
    probed = probe();
    probed.catch(() => undefined);
  });

  it("plans the prod fleet with us-east-1 (its primary's and home region) down: exit 0, the same plan", async () => {
    const out = tempDir("eks-fleet-outage-");
    const down = await run(plan, ["--config", PROD, "--out", path.join(out, "down"), "--unavailable", "us-east-1"]);
    const up = await run(plan, ["--config", PROD, "--out", path.join(out, "up")]);
    expect([down.code, up.code]).toEqual([0, 0]);
    const read = (dir: string) => fs.readFileSync(path.join(out, dir, "plan.json"), "utf8");
    expect(read("down")).toBe(read("up"));
    // The failed cluster's Kubernetes provider is registered: configured with its cluster unreachable, it is no error.
    expect(JSON.parse(read("down")).resources.some((r: any) => r.type === "pulumi:providers:kubernetes" && r.region === "us-east-1")).toBe(true);
  });

  it("plans the prod fleet with every region down: nothing at all is looked up or validated at run time", async () => {
    const out = tempDir("eks-fleet-outage-all-");
    expect(await run(plan, ["--config", PROD, "--out", out, "--unavailable", "us-east-1", "--unavailable", "us-west-2"])).toMatchObject({ code: 0 });
  });

  it("plays the promotion to usw2 with us-east-1 down: exit 0, nothing to deploy", async () => {
    const file = path.join(tempDir("eks-fleet-outage-failover-"), "Pulumi.prod.yaml");
    fs.copyFileSync(PROD, file);
    const { code, printed } = await run(failover, ["--config", file, "--to", "usw2", "--dry-run", "--unavailable", "us-east-1"]);
    expect([code, printed]).toEqual([0, expect.stringContaining("Resources: none change (roles live in Git only).")]);
    expect(fs.readFileSync(file, "utf8")).toBe(fs.readFileSync(PROD, "utf8"));
  });

  it("refuses a region the fleet cannot use, as bad input", async () => {
    expect(await run(plan, ["--config", PROD, "--unavailable", "us-east-9"])).toEqual({ code: 2, printed: "--unavailable: 'us-east-9' is not an AWS region the fleet supports" });
  });

  describe("names the first call a change would make into the region (both engines)", () => {
    const outcome = async (scenario: string) => (await probed)[scenario];

    it("a hosted-zone lookup through the home region's provider", async () => {
      const expected = "RegionUnavailableError: --unavailable us-east-1: the data source aws:route53/getZone:getZone through provider aws-us-east-1 calls us-east-1 on every run";
      expect([await outcome("lookup fast"), await outcome("lookup reference")]).toEqual([expected, expected]);
      // The same program while us-east-1 is up: only the outage fails it.
      expect(await outcome("lookup while available fast")).toBe("ok");
    });

    it("the same fleet whose providers validate their credentials when configured (the skip flags removed)", async () => {
      const expected = "RegionUnavailableError: --unavailable us-east-1: provider aws-us-east-1 validates its credentials with STS in us-east-1 when configured (skipCredentialsValidation is not set)";
      expect([await outcome("validating fast"), await outcome("validating reference")]).toEqual([expected, expected]);
    });

    it("a provider of another region that looks the account up through IAM, which us-east-1 serves", async () => {
      expect(await outcome("account fast")).toBe(
        "RegionUnavailableError: --unavailable us-east-1: provider aws-us-west-2 looks up the account with IAM, served from us-east-1, when configured (skipRequestingAccountId is not set)",
      );
    });

    it("a remote component, and a read through the failed cluster's Kubernetes provider", async () => {
      expect(await outcome("remote fast")).toBe(
        "RegionUnavailableError: --unavailable us-east-1: c0-eks (eks:index:Cluster) is a component its provider plugin builds, calling us-east-1, on every run",
      );
      const configFile = "RegionUnavailableError: --unavailable us-east-1: c0-lbc-crds (kubernetes:yaml/v2:ConfigFile) is a component the Kubernetes provider builds on every run and refuses to build while its cluster in us-east-1 is unreachable";
      expect([await outcome("configfile fast"), await outcome("configfile reference")]).toEqual([configFile, configFile]);
      expect(await outcome("read reference")).toBe(
        "RegionUnavailableError: --unavailable us-east-1: reading kubernetes:core/v1:ConfigMap c0-aws-auth through provider c0-k8s calls us-east-1 on every run",
      );
    });
  });
});

describe("RegionUnavailableError", () => {
  it("is bad input: one line, exit 2", async () => {
    const { RegionUnavailableError } = await import("../../cli/engine/outage");
    const printed: string[] = [];
    expect(reportFailure(new RegionUnavailableError("us-east-1", "provider aws-us-east-1 validates its credentials"), (line) => printed.push(line))).toBe(2);
    expect(printed).toEqual(["--unavailable us-east-1: provider aws-us-east-1 validates its credentials"]);
  });
});
