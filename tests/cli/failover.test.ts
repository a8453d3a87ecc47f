import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/failover";
import { promote } from "../../cli/failover/promote";
import { planStack } from "../../cli/engine/plan-stack";
import { UsageError } from "../../cli/errors";
import { FleetConfigError } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const PROJECT = path.resolve(__dirname, "../..");
const PROD = fs.readFileSync(path.join(PROJECT, "Pulumi.prod.yaml"), "utf8");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-failover-test-"));
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

/** A scratch copy of the prod stack file with extra comments where an edit could lose them. */
function prodCopy(text = PROD.replace("        role: secondary", "        role: secondary   # warm standby\n        # promote with npm run failover"), folder = dir): string {
  const file = path.join(folder, "Pulumi.prod.yaml");
  fs.writeFileSync(file, text);
  return file;
}

function stackFileOf(fleet: unknown): string {
  const file = path.join(dir, "Pulumi.test.yaml");
  return writeStackFile(file, fleet);
}

describe("npm run failover", () => {
  describe("promoting usw2 in the prod stack file", () => {
    // One promotion (two plans and two renders), shared: each test reads what that run returned, wrote and printed.
    let shared: string;
    let run: { code: number; file: string; before: string; after: string; printed: string };
    beforeAll(async () => {
      shared = tempDir("eks-fleet-failover-test-");
      const file = prodCopy(undefined, shared);
      const before = fs.readFileSync(file, "utf8");
      const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
      try {
        const code = await main(["--config", file, "--to", "usw2"]);
        const printed = log.mock.calls.map((args) => args.join(" ")).join("\n");
        run = { code, file, before, after: fs.readFileSync(file, "utf8"), printed };
      } finally {
        log.mockRestore();
      }
    });

    it("swaps the roles and changes nothing else in the file: comments, key order and spacing stay", () => {
      const { before, after } = run;
      expect(run.code).toBe(0);

      const changed = before.split("\n").map((line, i) => [line, after.split("\n")[i]]).filter(([a, b]) => a !== b);
      expect(changed).toEqual([
        ["        role: primary", "        role: secondary"],
        ["        role: secondary   # warm standby", "        role: primary   # warm standby"],
      ]);
      expect(after).toContain("  aws:region: us-east-1                 # home region: Route 53, the secrets' primary copies");
      expect(after).toContain("        # promote with npm run failover");
      expect(after.split("\n").length).toBe(before.split("\n").length);
    });

    it("leaves a fleet that still plans, with the roles swapped and the records as they were", async () => {
      const { document } = await planStack(run.file);
      expect(document.clusters).toEqual([
        { name: "use1", region: "us-east-1", role: "secondary" },
        { name: "usw2", region: "us-west-2", role: "primary" },
      ]);
      const primary = document.resources.find((r) => r.name === "dns-primary")!;
      expect(primary.inputs).toMatchObject({ setIdentifier: "primary", aliases: [{ name: "_serving.api.example.com", evaluateTargetHealth: true }] });
    });

    it("prints the role changes, the health answers that move the traffic, and that no resource changes", () => {
      const { printed } = run;
      expect(printed).toContain("Promoted usw2 to primary in Pulumi.prod.yaml:");
      expect(printed).toContain("use1  us-east-1       primary → secondary");
      expect(printed).toContain("usw2  us-west-2       secondary → primary");
      expect(printed).toContain("Health answers (serving / takeover) once the agents apply the tree:\n  use1  us-east-1       yes / no → no / yes\n  usw2  us-west-2       no / yes → yes / no");
      expect(printed).toContain("~ clusters/usw2/traffic/configmap-ingress-health-answers.yaml");
      expect(printed).toContain("Resources: none change (roles live in Git only).");
      expect(printed).toContain("Traffic moves when the agents apply the commit: no Pulumi run, no Route 53 call, nothing in us-east-1.");
      expect(printed).not.toContain("--target");
      // The file as the user names it from here (outside the working directory: its full path), and the tree synth renders.
      expect(printed).toContain(`Next: \`npm run synth -- --config ${run.file}\`, commit ${run.file} and gitops/,`);
    });
  });

  it("writes nothing on --dry-run", async () => {
    const file = prodCopy();
    const before = fs.readFileSync(file, "utf8");
    await main(["--config", file, "--to", "usw2", "--dry-run"]);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it.each([
    ["an unknown cluster", ["--to", "euw1"], "--to: no cluster named 'euw1' in Pulumi.prod.yaml (clusters: use1, usw2)"],
    ["the current primary", ["--to", "use1"], "--to: 'use1' is already the primary"],
    ["an empty --to", ["--to", ""], "--to: name the cluster to promote, or leave --to out to promote the takeover standby"],
  ])("refuses %s and leaves the file alone", async (_, args, message) => {
    const file = prodCopy();
    const before = fs.readFileSync(file, "utf8");
    const run = main(["--config", file, ...args]);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("promotes the takeover standby when --to is left out: the primary's backup partner, not just any standby", async () => {
    const raw = fleetConfig(3);
    raw.clusters[0].backupPartner = "c2";
    const file = stackFileOf(raw);
    await main(["--config", file]);
    const roles = fs.readFileSync(file, "utf8").match(/role: \w+/g);
    expect(roles).toEqual(["role: secondary", "role: secondary", "role: primary"]);
    expect((console.log as jest.Mock).mock.calls.flat().join("\n")).toContain("Promoted c2 to primary in Pulumi.test.yaml (the takeover standby: c0's backup partner, already holding its backups):");
  });

  it("refuses an active-active fleet", async () => {
    const raw = fleetConfig(2, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    await expect(main(["--config", stackFileOf(raw), "--to", "c1"])).rejects.toThrow(
      "--to: fleet 'prod' is active-active: every cluster already serves traffic, there is no primary to move",
    );
  });

  it("refuses an invalid stack file with its config path", async () => {
    const file = stackFileOf(fleetConfig(2, { accountId: "123" }));
    const run = main(["--config", file, "--to", "c1"]);
    await expect(run).rejects.toThrow(FleetConfigError);
    await expect(run).rejects.toThrow("fleet.accountId:");
  });

  it("exits 2 with one line from the command line", () => {
    const file = prodCopy();
    const run = spawnSync(process.execPath, ["-r", path.join(PROJECT, "cli/register.js"), path.join(PROJECT, "cli/failover.ts"), "--config", file, "--to", "use1"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe("--to: 'use1' is already the primary");
  }, 30_000);
});

describe("promote", () => {
  it("edits flow-style clusters and keeps a quoted role quoted", () => {
    const text = `${PROD.slice(0, PROD.indexOf("    clusters:"))}    clusters:
      - { name: c0, region: us-east-1, role: primary, vpcCidr: 10.0.0.0/16, nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 } }
      - { name: c1, region: us-west-2, role: "secondary", vpcCidr: 10.1.0.0/16, nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 } } # standby
`;
    const { text: after, changes, spec } = promote(text, "c1");
    expect(after).toContain("{ name: c0, region: us-east-1, role: secondary, vpcCidr");
    expect(after).toContain('{ name: c1, region: us-west-2, role: "primary", vpcCidr');
    expect(after).toContain("} # standby");
    expect(changes.map((c) => `${c.cluster}:${c.from}→${c.to}`)).toEqual(["c0:primary→secondary", "c1:secondary→primary"]);
    expect(spec.primary?.name).toBe("c1");
  });
});
