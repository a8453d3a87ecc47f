import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { reportFailure } from "../../cli/errors";
import { main } from "../../cli/plan";
import { PlanDocument } from "../../cli/plan-document";
import { offeredVersions } from "../../fleet/versions";
import { policyConfigOf } from "../../cli/policy-run";
import { parseFleet } from "../../fleet";
import { fleetConfig, stackConfig, writeStackFile } from "../fixtures/fleets";

const ROOT = path.join(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-plan-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackFile(name: string, fleet: unknown): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  return writeStackFile(file, fleet);
}

/** Runs the real command line, as a user would; `change` names a program change to apply first (tests/support/program-changes.ts). */
function cli(args: string[], change?: string) {
  const preload = change ? ["-r", path.join(ROOT, "tests/support/with-change.ts")] : [];
  return spawnSync(process.execPath, ["-r", path.join(ROOT, "cli/register.js"), ...preload, path.join(ROOT, "cli/plan.ts"), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PROGRAM_CHANGE: change ?? "" },
  });
}

describe("npm run plan", () => {
  let plan: PlanDocument;
  let text: string;
  let printed: string;
  const out = path.join(dir, "out");

  beforeAll(async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await main(["--config", stackFile("three", fleetConfig(3)), "--out", out])).toBe(0);
    text = fs.readFileSync(path.join(out, "plan.json"), "utf8");
    plan = JSON.parse(text);
    printed = log.mock.calls.flat().join("\n");
    expect(printed).toMatch(/c1\s+us-west-2\s+secondary\s+10\.1\.0\.0\/16/);
    log.mockRestore();
  });

  it("writes plan.json with the contract's fields", () => {
    expect(Object.keys(plan).sort()).toEqual(["clusters", "cost", "dr", "estimate", "project", "resources", "rollout", "stack", "stacks", "violations"]);
    expect(Object.keys(plan.cost!).sort()).toEqual(["assumptions", "clusters", "fleetWide", "lines", "monthlyUsd"]);
    expect(plan).toMatchObject({ stack: "three", project: "eks-fleet" });
    expect(plan.clusters).toEqual([
      { name: "c0", region: "us-east-1", role: "primary" },
      { name: "c1", region: "us-west-2", role: "secondary" },
      { name: "c2", region: "eu-west-1", role: "secondary" },
    ]);
    expect(plan.dr.rtoSeconds).toBe(90);
    const options = ["protect", "retainOnDelete", "propertyDependencies", "ignoreChanges", "replaceOnChanges", "replacementTrigger", "replaceWith", "deleteBeforeReplace", "aliases"];
    for (const r of plan.resources) expect(Object.keys(r).filter((k) => !options.includes(k)).sort()).toEqual(["cluster", "dependsOn", "inputs", "name", "parent", "region", "stack", "type", "urn"]);
    // One stack (fleet.stacks: single): every resource in it, one section counting them all.
    expect(new Set(plan.resources.map((r) => r.stack))).toEqual(new Set(["three"]));
    expect(plan.stacks).toEqual([{ name: "three", kind: "single", reads: [], resources: plan.resources.length }]);
  });

  it("prints the monthly cost of each cluster, fleet-wide and in total: the figures of plan.json", () => {
    const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const cost = plan.cost!;
    for (const c of plan.clusters) expect(printed).toMatch(new RegExp(`^  ${c.name}\\s.*${usd(cost.clusters[c.name]).replace(/[$.]/g, "\\$&")}/month$`, "m"));
    expect(printed).toContain(`fleet-wide: `);
    expect(printed).toContain(` · ${usd(cost.fleetWide)}/month`);
    expect(printed).toContain(`Cost: about ${usd(cost.monthlyUsd)} a month on-demand (`);
    expect(cost.monthlyUsd).toBeGreaterThan(0);
  });

  it("records which resources are protected or retained, so a preview can say how to really delete them", () => {
    const flagged = (flag: "protect" | "retainOnDelete") => plan.resources.filter((r) => r[flag]).map((r) => r.name).sort();
    expect(flagged("retainOnDelete")).toEqual(["c0-backup-bucket", "c0-backup-key", "c1-backup-bucket", "c1-backup-key", "c2-backup-bucket", "c2-backup-key"]);
    expect(flagged("protect")).toEqual(["secrets-key-us-east-1", "secrets-payments-db-credentials", "secrets-repository-password"]);
    // Keys that die with their cluster or region are neither.
    expect(plan.resources.find((r) => r.name === "c0-secrets" && r.type === "aws:kms/key:Key")).not.toHaveProperty("protect");
  });

  it("records what each resource waits for: input-derived dependencies, explicit dependsOn and providers", () => {
    const urns = new Set(plan.resources.map((r) => r.urn));
    const byName = (name: string) => plan.resources.find((r) => r.name === name)!;
    for (const r of plan.resources) {
      expect(r.dependsOn).toEqual([...r.dependsOn].sort());
      for (const dep of r.dependsOn) expect(urns.has(dep)).toBe(true);
    }
    // The service account takes the role ARN as an input; the release waits for it and installs through the cluster's provider.
    expect(byName("c0-velero-service-account").dependsOn).toContain(byName("c0-velero-irsa-role").urn);
    const velero = byName("c0-velero-release").dependsOn;
    expect(velero).toEqual(expect.arrayContaining([byName("c0-velero-service-account").urn, byName("c0-velero-repository-password").urn, byName("c0-k8s").urn]));
    expect(velero).not.toContain(byName("c1-k8s").urn);
    expect(byName("c0-k8s").dependsOn).toContain(byName("c0-nodes-group").urn);
  });

  it("sorts resources by URN and tags each with its cluster and region", () => {
    const urns = plan.resources.map((r) => r.urn);
    expect(urns).toEqual([...urns].sort());
    const eks = plan.resources.filter((r) => r.type === "aws:eks/cluster:Cluster");
    expect(eks.map((r) => [r.cluster, r.region])).toEqual([["c0", "us-east-1"], ["c1", "us-west-2"], ["c2", "eu-west-1"]]);
    for (const r of plan.resources.filter((r) => r.type.startsWith("aws:"))) expect(r.region).not.toBeNull();
    const parents = new Set(plan.resources.map((r) => r.urn));
    for (const r of plan.resources) if (r.parent !== null) expect(parents.has(r.parent)).toBe(true);
  });

  it("redacts secrets", () => {
    expect(text).not.toContain("certificate-authority-data");
    expect(plan.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.kubeconfig).toBe("[secret]");
  });

  it("is byte-for-byte stable across runs", async () => {
    const again = path.join(dir, "again");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    await main(["--config", path.join(dir, "Pulumi.three.yaml"), "--out", again]);
    log.mockRestore();
    expect(fs.readFileSync(path.join(again, "plan.json"), "utf8")).toBe(text);
  });

  it("serializes two plans into one folder: both succeed, and the folder holds one plan and no work files", async () => {
    const shared = path.join(dir, "shared");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const config = path.join(dir, "Pulumi.three.yaml");
    expect(await Promise.all([main(["--config", config, "--out", shared]), main(["--config", config, "--out", shared])])).toEqual([0, 0]);
    log.mockRestore();
    expect(fs.readFileSync(path.join(shared, "plan.json"), "utf8")).toBe(text);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith(".shared"))).toEqual([]);
    expect(fs.readdirSync(shared).sort()).toEqual(["gitops", "plan.json", "policy-config.three.json"]);
  });

  it("writes the stack's pack config, derived from the fleet config, and names it in the deploy command it prints", () => {
    const written = JSON.parse(fs.readFileSync(path.join(out, "policy-config.three.json"), "utf8"));
    const raw = fleetConfig(3);
    expect(written).toEqual(JSON.parse(JSON.stringify(policyConfigOf(stackConfig(raw, "us-east-1", "three"), parseFleet(raw, "us-east-1")))));
    expect(printed).toMatch(/`pulumi up --stack three --policy-pack policies --policy-pack-config \S*policy-config\.three\.json` deploys it/);
  });

  it("writes one pack config per stack of a per-cluster fleet, and removes those of stacks the fleet no longer has", async () => {
    const stacks = path.join(dir, "stacks");
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, "policy-config.two.c9.json"), "{}");
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await main(["--config", stackFile("two", fleetConfig(2, { stacks: "per-cluster" })), "--out", stacks])).toBe(0);
    log.mockRestore();
    const written = JSON.parse(fs.readFileSync(path.join(stacks, "plan.json"), "utf8")) as PlanDocument;
    expect(fs.readdirSync(stacks).filter((f) => f.startsWith("policy-config.")).sort()).toEqual(written.stacks!.map((s) => `policy-config.${s.name}.json`).sort());
  });

  it("exits 2 on bad input with one line per problem, no stack trace, and writes nothing", () => {
    const bad = fleetConfig(3);
    bad.clusters[1].vpcCidr = "10.0.0.0/16";
    bad.kubernetesVersion = "1.10";
    const badOut = path.join(dir, "bad-out");
    const run = cli(["--config", stackFile("bad", bad), "--out", badOut]);
    // Where the stack file holds the version, as line:column.
    const lines = fs.readFileSync(path.join(dir, "Pulumi.bad.yaml"), "utf8").split("\n");
    const row = lines.findIndex((l) => l.includes("kubernetesVersion:"));
    const kubernetesVersionLine = `${row + 1}:${lines[row].indexOf('"1.10"') + 1}`;
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n").sort()).toEqual([
      expect.stringMatching(/^Pulumi\.bad\.yaml:\d+:\d+: fleet\.clusters\[c1\]\.vpcCidr: '10\.0\.0\.0\/16' overlaps fleet\.clusters\[c0\]\.vpcCidr \(10\.0\.0\.0\/16\)$/),
      `Pulumi.bad.yaml:${kubernetesVersionLine}: fleet.kubernetesVersion: '1.10' is not a version EKS offers; choose one EKS offers today (${offeredVersions(new Date()).join(", ")})`,
    ]);
    expect(fs.existsSync(badOut)).toBe(false);
  });

  it("exits 2 on a problem found while evaluating, and leaves no plan, staged tree, lock or folder behind", () => {
    // Providers that validate their credentials when configured, planned with us-east-1 down.
    // A real process: the rest of the program keeps failing after the first error is reported.
    const config = path.join(dir, "Pulumi.three.yaml");
    const down = (args: string[]) => cli([...args, "--unavailable", "us-east-1"], "validating");
    const problem = /^--unavailable us-east-1: provider aws-us-east-1 validates its credentials with STS in us-east-1 when configured[^\n]*$/;

    const fresh = down(["--config", config, "--out", path.join("new-parent", "deeper", "out")]);
    expect([fresh.status, fresh.stderr.trim()]).toEqual([2, expect.stringMatching(problem)]);
    expect(fs.existsSync(path.join(dir, "new-parent"))).toBe(false);

    // Over an earlier plan: that plan and its tree stay exactly as they were.
    const before = fs.readdirSync(dir).sort();
    const over = down(["--config", config, "--out", out]);
    expect([over.status, over.stderr.trim()]).toEqual([2, expect.stringMatching(problem)]);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(fs.readdirSync(out).sort()).toEqual(["gitops", "plan.json", "policy-config.three.json"]);
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe(text);
  });

  it("exits 2 on an unknown flag", async () => {
    // What the command line prints and exits with (runCommand), without starting another process.
    const printed: string[] = [];
    const failure = await main(["--stak", "prod"]).then(() => undefined, (err: unknown) => err);
    expect(reportFailure(failure, (line) => printed.push(line))).toBe(2);
    expect(printed.join("\n")).toContain("Unknown option '--stak'");
    expect(printed.join("\n")).not.toMatch(/\n\s+at /);
  });
});
