import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fleetConfig, writeStackFile } from "../tests/fixtures/fleets";
import { exitReport, PEAK_RSS } from "./exit-report";
import { ensurePeer, PEER_PACKAGES, runPeer } from "./peer";

/**
 * `npm run bench`: `npm run plan` of generated fleets (3, 10, 50, 100 clusters), each run in
 * a fresh process, beside the peer (EKS Blueprints for CDK synthesizing the same fleet with
 * `node app.js`) at 3 and 10 clusters, after one untimed run of each. Wall time, CPU time
 * and peak memory, medians of BENCH_RUNS runs (default 3), and their ratios. Targets: at most
 * half the peer's time at 10 clusters, 100 clusters within 12× of 10, under 600 MiB at 100.
 * Then the same fleets split into a stack per cluster (largest stack ≤ 150 resources), and the
 * preview of one cluster's stack of a 30-cluster fleet, no slower than the whole 3-cluster plan.
 */
const SIZES = (process.env.BENCH_SIZES ?? "3,10,50,100").split(",").map(Number);
const PEER_SIZES = [3, 10].filter((n) => SIZES.includes(n));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROOT = path.join(__dirname, "..");
/** `npm run plan` as package.json spells it (node <flags> -r ./cli/register.js cli/plan.ts), so the benchmark starts the plan with the same flags. */
const [, ...PLAN_ARGS]: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.plan.split(" ");

interface Sample {
  resources?: number;
  /** The resources of the plan's largest stack (plan.json `stacks`). */
  largestStack?: number;
  wallMs: number;
  /** User + system time of all the process's threads: steadier than wall time on a busy machine. */
  cpuMs: number;
  peakRssMiB: number;
}

/**
 * One `npm run plan` of a generated fleet, started exactly as the script starts it, with the
 * peak-memory preload the peer gets too: evaluation, policies, the GitOps tree, plan.json.
 */
function ours(size: number, overrides: Record<string, unknown> = {}, args: (stack: string) => string[] = () => []): Sample {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-bench-"));
  try {
    const stack = `bench${size}`;
    const config = writeStackFile(path.join(dir, `Pulumi.${stack}.yaml`), fleetConfig(size, overrides));
    const out = path.join(dir, "out");
    const started = performance.now();
    const run = spawnSync(process.execPath, ["-r", PEAK_RSS, ...PLAN_ARGS, "--config", config, "--out", out, ...args(stack)], { cwd: ROOT, encoding: "utf8" });
    const wallMs = Math.round(performance.now() - started);
    if (run.status !== 0) throw new Error(`plan of ${size} clusters failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
    const { resources, stacks } = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    const largestStack = Math.max(...(stacks as { resources: number }[]).map((s) => s.resources));
    return { resources: resources.length, largestStack, wallMs, ...exitReport(run.stderr) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time, CPU time and peak memory of `RUNS` samples, interleaved by the caller. */
function median(samples: Sample[]): Sample {
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { resources: samples[0].resources, largestStack: samples[0].largestStack, wallMs: mid(samples.map((s) => s.wallMs)), cpuMs: mid(samples.map((s) => s.cpuMs)), peakRssMiB: mid(samples.map((s) => s.peakRssMiB)) };
}

const peer = PEER_SIZES.length > 0 ? ensurePeer() : undefined;
const oursRuns = new Map<number, Sample[]>(SIZES.map((n) => [n, []]));
const peerRuns = new Map<number, Sample[]>(PEER_SIZES.map((n) => [n, []]));
// One untimed run each: our first run after an install or edit compiles the sources, and
// both sides then start from a warm file cache.
ours(3);
if (peer && "dir" in peer) runPeer(peer.dir, 3);
// Runs alternate between sizes and sides, so a burst of load on the machine hits both.
for (let run = 0; run < RUNS; run++) {
  for (const size of SIZES) {
    oursRuns.get(size)!.push(ours(size));
    if (peer && "dir" in peer && peerRuns.has(size)) peerRuns.get(size)!.push(runPeer(peer.dir, size));
  }
}

const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`offline plan vs EKS Blueprints synth · median of ${RUNS} · ${os.cpus().length} cores · load average ${load}`);
console.log("clusters  resources  wall ms  CPU ms  peak MiB  peer wall ms  peer CPU ms  peer MiB  time vs peer  CPU vs peer  memory vs peer");
const medians = new Map([...oursRuns].map(([n, s]) => [n, median(s)]));
for (const [size, s] of medians) {
  const p = peerRuns.get(size)?.length ? median(peerRuns.get(size)!) : undefined;
  const ratio = (a: number, b: number, width: number) => `${(a / b).toFixed(2)}×`.padStart(width);
  const cells = [String(size).padStart(8), String(s.resources).padStart(9), String(s.wallMs).padStart(7), String(s.cpuMs).padStart(6), String(s.peakRssMiB).padStart(8)];
  if (p) cells.push(String(p.wallMs).padStart(12), String(p.cpuMs).padStart(11), String(p.peakRssMiB).padStart(8), ratio(s.wallMs, p.wallMs, 12), ratio(s.cpuMs, p.cpuMs, 11), ratio(s.peakRssMiB, p.peakRssMiB, 14));
  console.log(cells.join("  "));
}
if (peer && "skipped" in peer) console.log(peer.skipped);
else if (peer) console.log(`peer: ${PEER_PACKAGES.join(" ")}, node app.js (CloudFormation synth of one blueprint stack per cluster)`);
const ten = medians.get(10);
const hundred = medians.get(100);
if (ten && hundred) console.log(`100 clusters / 10 clusters wall time: ${(hundred.wallMs / ten.wallMs).toFixed(1)}× (target ≤ 12×); peak memory at 100: ${hundred.peakRssMiB} MiB (target < 600)`);
const tenPeer = peerRuns.get(10)?.length ? median(peerRuns.get(10)!) : undefined;
if (ten && tenPeer) console.log(`10 clusters vs the peer: ${(ten.wallMs / tenPeer.wallMs).toFixed(2)}× its wall time (target ≤ 0.5×)`);

if (!process.env.BENCH_SIZES) {
  // Stacks (fleet.stacks: per-cluster): the whole fleet planned stack by stack, and the preview
  // of a change to one cluster of 30 (`--only-stack`), against the whole plan of 3 clusters.
  const runs = (sample: () => Sample) => median(Array.from({ length: RUNS }, sample));
  const perCluster = (size: number) => runs(() => ours(size, { stacks: "per-cluster" }));
  const oneOf30 = runs(() => ours(30, { stacks: "per-cluster" }, (stack) => ["--only-stack", `${stack}.c7`]));
  const three = medians.get(3) ?? runs(() => ours(3));
  const [tenSplit, hundredSplit] = [perCluster(10), perCluster(100)];
  console.log(`\nStacks (fleet.stacks: per-cluster), median of ${RUNS}`);
  console.log("plan                                   resources  largest stack  wall ms  CPU ms  peak MiB");
  const row = (label: string, s: Sample) => console.log([label.padEnd(37), String(s.resources).padStart(9), String(s.largestStack).padStart(13), String(s.wallMs).padStart(7), String(s.cpuMs).padStart(6), String(s.peakRssMiB).padStart(8)].join("  "));
  row("10 clusters, every stack", tenSplit);
  row("100 clusters, every stack", hundredSplit);
  row("30 clusters, --only-stack <s>.c7", oneOf30);
  row("3 clusters, one stack", three);
  console.log(`100 / 10 clusters: ${(hundredSplit.wallMs / tenSplit.wallMs).toFixed(1)}× (target ≤ 12×), ${hundredSplit.peakRssMiB} MiB at 100 (target < 600); largest stack ${hundredSplit.largestStack} (target ≤ 150)`);
  console.log(`one cluster's stack of 30 vs the 3-cluster fleet: ${(oneOf30.wallMs / three.wallMs).toFixed(2)}× wall, ${(oneOf30.cpuMs / three.cpuMs).toFixed(2)}× CPU (target ≤ 1×)`);

  // The GitOps synthesis benchmark (100 clusters × 200 objects against bare cdk8s), in its own process.
  console.log("\nGitOps synthesis (charts/ render + validate against bare cdk8s)");
  spawnSync(process.execPath, ["-r", "./cli/register.js", path.join("bench", "synth.ts")], { cwd: ROOT, stdio: "inherit" });
}
