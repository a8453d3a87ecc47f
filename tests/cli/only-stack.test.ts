import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/plan";
import { PlanDocument } from "../../cli/plan-document";
import { readKeptTree, renderTree, synthTree } from "../../charts";
import { fleetFromStackFile } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-only-stack-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = writeStackFile(path.join(dir, "Pulumi.split.yaml"), fleetConfig(3, { stacks: "per-cluster" }));

/** `npm run plan -- --only-stack STACK` in-process, into its own folder. */
async function planOnly(stack: string, config = file): Promise<{ status: number; plan: PlanDocument; out: string; printed: string }> {
  const out = path.join(dir, "plans", stack);
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const status = await main(["--config", config, "--out", out, "--only-stack", stack]);
    return { status, plan: JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")), out, printed: log.mock.calls.flat().join("\n") };
  } finally {
    log.mockRestore();
  }
}

describe("npm run plan -- --only-stack", () => {
  it("plans a cluster stack's resources alone and writes that cluster's part of the tree", async () => {
    const { status, plan, out } = await planOnly("split.c1");
    expect(new Set(plan.resources.map((r) => r.stack))).toEqual(new Set(["split.c1"]));
    // Judged as CrossGuard judges that stack: its bucket's replication is the links stack's, named in its pack config.
    expect([status, plan.violations]).toEqual([0, []]);
    expect(new Set(plan.resources.flatMap((r) => (r.cluster ? [r.cluster] : [])))).toEqual(new Set(["c1"]));
    // The other clusters' folders are not the stack's: a preview of c1 renders and writes only c1's,
    // byte for byte what the whole fleet's render gives it.
    expect(fs.readdirSync(path.join(out, "gitops", "clusters"))).toEqual(["c1"]);
    const whole = renderTree(fleetFromStackFile(file).spec).filter((f) => f.path.startsWith("clusters/c1/"));
    expect(whole.length).toBeGreaterThan(10);
    expect(whole.map((f) => [f.path, fs.readFileSync(path.join(out, "gitops", f.path), "utf8")])).toEqual(whole.map((f) => [f.path, f.content]));
    // The fleet's own files (the rollout state, the override record) are the whole tree's, which the whole plan writes.
    expect(fs.readdirSync(path.join(out, "gitops")).filter((name) => !name.startsWith("."))).toEqual(["clusters"]);
  });

  it("writes no cluster folder for a stack that holds no cluster", async () => {
    const { plan, out } = await planOnly("split");
    expect(new Set(plan.resources.map((r) => r.stack))).toEqual(new Set(["split"]));
    expect(fs.existsSync(path.join(out, "gitops", "clusters"))).toBe(false);
  });

  it("keeps a later wave's files from the stack's own tree, as the whole plan does", async () => {
    // The stack's tree at one source; then a new namespace, which reaches the first wave only.
    const project = fs.mkdtempSync(path.join(dir, "waves-"));
    fs.copyFileSync(path.resolve(__dirname, "../../Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
    const before = fleetConfig(3, { stacks: "per-cluster" });
    const stackFile = writeStackFile(path.join(project, "Pulumi.waves.yaml"), before);
    synthTree(fleetFromStackFile(stackFile).spec, path.join(project, "gitops"));
    writeStackFile(stackFile, { ...before, namespaces: [...before.namespaces, { name: "billing", admins: ["billing-admins"] }] });
    const { spec } = fleetFromStackFile(stackFile);
    const whole = renderTree(spec, { kept: readKeptTree(path.join(project, "gitops")) });
    const fresh = renderTree(spec);
    const later = spec.waves.at(-1)!.clusters[0];
    const folder = (files: readonly { path: string; content: string }[], cluster: string) => files.filter((f) => f.path.startsWith(`clusters/${cluster}/`));
    // The later wave keeps what it runs: its folder is not what the source renders today.
    expect(folder(whole, later)).not.toEqual(folder(fresh, later));
    const { status, out } = await planOnly(`waves.${later}`, stackFile);
    expect(status).toBe(0);
    const written = folder(whole, later).map((f) => ({ path: f.path, content: fs.readFileSync(path.join(out, "gitops", f.path), "utf8") }));
    expect(written).toEqual(folder(whole, later));
  });
});
