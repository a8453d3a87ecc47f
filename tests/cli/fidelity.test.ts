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
import { fleetFromStackFile } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";

/**
 * The fast path (`npm run plan`: the swc loader with deferred modules, FastMonitor, the SDK
 * without its bookkeeping, tree rules on the in-memory render) against the reference: the
 * SDK's MockMonitor with its own bookkeeping, the tree written, read back and checked from disk.
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
argocd.gitops = { ...argocd.gitops, engine: "argocd" };
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

/** The modules a `node -r cli/register.js` process running `script` loaded, as it reports them on its last stderr line. */
function modulesLoadedBy(script: string): Promise<string[]> {
  const wrapped = `(async () => { ${script}; process.stderr.write("\\n" + JSON.stringify(Object.keys(require.cache))); })().catch((err) => { console.error(err); process.exit(70); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "./cli/register.js", "-e", wrapped], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stderr.trim().split("\n").pop()!)) : reject(new Error(`${script} exited ${code}:\n${stderr}`))));
  });
}

/** One process plans every fleet, as `npm run plan` would; another does what the tree worker does (cli/tree-worker.ts). */
async function fastPlans(): Promise<{ planThread: string[]; treeThread: string[] }> {
  const plans = modulesLoadedBy(`
    const { main } = require("./cli/plan");
    for (const [name, file] of ${JSON.stringify(Object.entries(FLEETS))}) await main(["--config", file, "--out", ${JSON.stringify(dir)} + "/fast/" + name])`);
  // The worker gets the fleet the main thread read, cloned: here, as JSON.
  const spec = JSON.stringify(fleetFromStackFile(FLEETS.prod).spec);
  const tree = modulesLoadedBy(`
    const files = require("./charts/synth").renderTree(${spec});
    require("./policies/evaluate-tree").evaluateTree(require("./cli/rendered-tree").treeOfRendered(files));
    require("./charts/write-tree")`);
  return { planThread: await plans, treeThread: await tree };
}

describe("the fast plan against the reference engine", () => {
  let loaded: { planThread: string[]; treeThread: string[] };
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
    for (const name of ["prod", "argocd"]) {
      const files = renderTree(fleetFromStackFile(FLEETS[name]).spec);
      expect(treeOfRendered(files)).toEqual(loadTree(path.join(dir, "reference", name, "gitops")));
    }
  });

  it("never loads what a plan does not use: TypeScript, npm's arborist, gRPC, unused AWS namespaces and Kubernetes API groups, whole model indexes, locales", () => {
    const { planThread, treeThread } = loaded;
    const both = [...planThread, ...treeThread];
    const packages = (files: string[], pattern: RegExp) => files.filter((file) => pattern.test(file.split(path.sep).join("/")));
    expect(packages(both, /\/node_modules\/typescript\//)).toEqual([]);
    expect(packages(both, /\/node_modules\/@npmcli\/arborist\//)).toEqual([]);
    expect(packages(both, /\/@pulumi\/pulumi\/automation\//)).toEqual([]);
    expect(packages(both, /\/@pulumi\/aws\/sagemaker\//)).toEqual([]);
    expect(packages(both, /\/@pulumi\/kubernetes\/(apps|admissionregistration|networking)\//)).toEqual([]);
    expect(packages(both, /\/kubernetes-models\/v1\/Pod\.js$/)).toEqual([]);
    // The SDK's engine connection (gRPC loads http2 and tls), which the mock monitor replaces.
    expect(packages(both, /\/node_modules\/@grpc\//)).toEqual([]);
    expect(packages(both, /\/node_modules\/@opentelemetry\//)).toEqual([]);
    expect(packages(both, /\/@pulumi\/pulumi\/proto\/\w+_grpc_pb\.js$/)).toEqual([]);
    expect(packages(both, /\/zod\/v4\/locales\/(?!en\.cjs$)/)).toEqual([]);
    expect(packages(both, /\/cdk8s\/node_modules\/yaml\//)).toEqual([]);
    expect(packages(both, /\/cdk8s-plus-30\/lib\/(?!imports\/)/)).toEqual([]);
    expect(packages(both, /\/node_modules\/(glob|ajv-i18n|semver)\//)).toEqual([]);
    expect(packages(both, /\/@pulumi\/policy\/server\.js$|\/proto\/analyzer_pb\.js$/)).toEqual([]);
    // The plan's own thread leaves the tree to its worker (no cdk8s, no models), which loads no
    // Pulumi SDK and, given the fleet already read, not its schema either.
    expect(packages(planThread, /\/node_modules\/(cdk8s|cdk8s-plus-30|kubernetes-models)\//)).toEqual([]);
    expect(packages(treeThread, /\/node_modules\/(@pulumi|zod)\//)).toEqual([]);
    // ...while what each side does use was really loaded.
    expect(packages(planThread, /\/@pulumi\/aws\/s3\/bucket(V2)?\.js$/).length).toBeGreaterThan(0);
    expect(packages(planThread, /\/@pulumi\/kubernetes\/helm\/v3\/release\.js$/)).toHaveLength(1);
    expect(packages(planThread, /\/@pulumi\/pulumi\/proto\/resource_pb\.js$/)).toHaveLength(1);
    expect(packages(planThread, /\/@pulumi\/policy\/policy\.js$/)).toHaveLength(1);
    expect(packages(treeThread, /\/kubernetes-models\/v1\/Namespace\.js$/)).toHaveLength(1);
    expect(packages(treeThread, /\/cdk8s-plus-30\/lib\/imports\/k8s\.js$/)).toHaveLength(1);
    expect(packages(planThread, /\/zod\/v4\/locales\/en\.cjs$/)).toHaveLength(1);
  });
});
