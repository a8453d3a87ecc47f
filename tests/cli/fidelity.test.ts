import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthTree } from "../../charts";
import { planStack } from "../../cli/engine/plan-stack";
import { treeOfRendered } from "../../cli/rendered-tree";
import { stableJson } from "../../cli/write";
import { evaluateTree, sortViolations } from "../../policies/evaluate";
import { loadTree } from "../../policies/tree";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";

/**
 * The fast path (`npm run plan`: the swc loader with deferred modules, FastMonitor, plain
 * promises, tree rules on the in-memory render) against the reference: the SDK's MockMonitor
 * with its own promise bookkeeping, the tree written, read back and checked from disk.
 * Same plan.json byte for byte, same tree, for every fleet shape the tests use.
 */
const ROOT = path.join(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-fidelity-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackFile(name: string, fleet: unknown): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  return writeStackFile(file, fleet);
}

const argocd = fleetConfig(3);
argocd.gitops = { ...argocd.gitops, engine: "argocd", hub: "c1" };
const activeActive = fleetConfig(2, { mode: "active-active" });
for (const cluster of activeActive.clusters) delete cluster.role;
const FLEETS: Record<string, string> = {
  prod: path.join(ROOT, "Pulumi.prod.yaml"),
  argocd: stackFile("argocd", argocd),
  "active-active": stackFile("active-active", activeActive),
  // Three regions, one of them outside the allowed list: the plan carries violations.
  regions: stackFile("regions", fleetConfig(3, { policy: { allowedRegions: ["us-east-1", "us-west-2"] } })),
};

/** The plan as it was computed before the fast path existed. */
async function referencePlan(configFile: string, out: string): Promise<string> {
  const { spec, document } = await planStack(configFile, [], "reference");
  const tree = path.join(out, "gitops");
  synthTree(spec, tree, { root: path.relative(process.cwd(), tree) || "gitops" });
  return stableJson({ ...document, violations: sortViolations([...document.violations, ...evaluateTree(loadTree(tree))]) });
}

/** Every file under `root`, relative path → content. */
function filesUnder(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    files[path.relative(root, full)] = fs.readFileSync(full, "utf8");
  }
  return files;
}

/** One `node -r cli/register.js` process plans every fleet, as `npm run plan` would, and lists the modules it loaded. */
function fastPlans(): Promise<string[]> {
  const script = `
    const { main } = require("./cli/plan");
    (async () => {
      for (const [name, file] of ${JSON.stringify(Object.entries(FLEETS))}) await main(["--config", file, "--out", ${JSON.stringify(dir)} + "/fast/" + name]);
      process.stderr.write("\\n" + JSON.stringify(Object.keys(require.cache)));
    })().catch((err) => { console.error(err); process.exit(70); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "./cli/register.js", "-e", script], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stderr.trim().split("\n").pop()!)) : reject(new Error(`fast plan exited ${code}:\n${stderr}`))));
  });
}

describe("the fast plan against the reference engine", () => {
  let loaded: string[];
  const reference: Record<string, string> = {};

  beforeAll(async () => {
    const fast = fastPlans(); // runs beside the in-process reference plans
    for (const [name, file] of Object.entries(FLEETS)) reference[name] = await referencePlan(file, path.join(dir, "reference", name));
    loaded = await fast;
  }, 180_000);

  it.each(Object.keys(FLEETS))("%s: identical plan.json and GitOps tree", (name) => {
    const fast = path.join(dir, "fast", name);
    expect(fs.readFileSync(path.join(fast, "plan.json"), "utf8")).toBe(reference[name]);
    expect(filesUnder(path.join(fast, "gitops"))).toEqual(filesUnder(path.join(dir, "reference", name, "gitops")));
  });

  it("the regions fleet exercises the violations path", () => {
    expect(JSON.parse(reference.regions).violations.length).toBeGreaterThan(0);
  });

  it("the tree rules see in memory what they would read back from disk", () => {
    const { renderTree } = require("../../charts") as typeof import("../../charts");
    const { fleetFromStackFile } = require("../../fleet") as typeof import("../../fleet");
    for (const name of ["prod", "argocd"]) {
      const files = renderTree(fleetFromStackFile(FLEETS[name]).spec);
      expect(treeOfRendered(files)).toEqual(loadTree(path.join(dir, "reference", name, "gitops")));
    }
  });

  it("never loads what a plan does not use: TypeScript, npm's arborist, gRPC, unused AWS namespaces, whole model indexes, locales", () => {
    const packages = (pattern: RegExp) => loaded.filter((file) => pattern.test(file.split(path.sep).join("/")));
    expect(packages(/\/node_modules\/typescript\//)).toEqual([]);
    expect(packages(/\/node_modules\/@npmcli\/arborist\//)).toEqual([]);
    expect(packages(/\/@pulumi\/pulumi\/automation\//)).toEqual([]);
    expect(packages(/\/@pulumi\/aws\/sagemaker\//)).toEqual([]);
    expect(packages(/\/kubernetes-models\/v1\/Pod\.js$/)).toEqual([]);
    // The SDK's engine connection (gRPC loads http2 and tls), which the mock monitor replaces.
    expect(packages(/\/node_modules\/@grpc\//)).toEqual([]);
    expect(packages(/\/node_modules\/@opentelemetry\//)).toEqual([]);
    expect(packages(/\/@pulumi\/pulumi\/proto\/\w+_grpc_pb\.js$/)).toEqual([]);
    expect(packages(/\/zod\/v4\/locales\/(?!en\.cjs$)/)).toEqual([]);
    expect(packages(/\/cdk8s\/node_modules\/yaml\//)).toEqual([]);
    expect(packages(/\/cdk8s-plus-30\/lib\/(?!imports\/)/)).toEqual([]);
    expect(packages(/\/node_modules\/(glob|ajv-i18n|semver)\//)).toEqual([]);
    expect(packages(/\/@pulumi\/policy\/server\.js$|\/proto\/analyzer_pb\.js$/)).toEqual([]);
    // ...while what the plan does use was really loaded.
    expect(packages(/\/@pulumi\/aws\/s3\/bucket(V2)?\.js$/).length).toBeGreaterThan(0);
    expect(packages(/\/kubernetes-models\/v1\/Namespace\.js$/)).toHaveLength(1);
    expect(packages(/\/@pulumi\/pulumi\/proto\/resource_pb\.js$/)).toHaveLength(1);
    expect(packages(/\/@pulumi\/policy\/policy\.js$/)).toHaveLength(1);
    expect(packages(/\/zod\/v4\/locales\/en\.cjs$/)).toHaveLength(1);
    expect(packages(/\/cdk8s-plus-30\/lib\/imports\/k8s\.js$/)).toHaveLength(1);
  });
});
