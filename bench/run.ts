import { spawnSync } from "child_process";
import * as path from "path";

/**
 * `npm run bench`: plans generated fleets of 3, 10, 50 and 100 clusters, each in a fresh
 * process started the way `npm run plan` starts (wall time includes start-up), and prints time and peak
 * memory per size. Targets: 10 clusters in about 1.5 s; cost per added cluster constant.
 */
const SIZES = (process.env.BENCH_SIZES ?? "3,10,50,100").split(",").map(Number);
const ROOT = path.join(__dirname, "..");

interface Sample {
  size: number;
  resources: number;
  planMs: number;
  peakRssMiB: number;
  wallMs: number;
}

function sample(size: number): Sample {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(__dirname, "plan-once.ts"), String(size)], { cwd: ROOT, encoding: "utf8" });
  const wallMs = Math.round(performance.now() - started);
  if (run.status !== 0) throw new Error(`plan of ${size} clusters failed:\n${run.stderr}`);
  return { ...JSON.parse(run.stdout.trim().split("\n").pop()!), wallMs };
}

const samples = SIZES.map(sample);
console.log("offline plan (index.ts under the mock engine, plan.json written)");
console.log("clusters  resources  wall ms  in-process ms  ms/cluster  peak RSS MiB");
for (const s of samples) {
  console.log(
    `${String(s.size).padStart(8)}  ${String(s.resources).padStart(9)}  ${String(s.wallMs).padStart(7)}  ${String(s.planMs).padStart(13)}  ${(s.planMs / s.size).toFixed(0).padStart(10)}  ${String(s.peakRssMiB).padStart(12)}`,
  );
}
const ten = samples.find((s) => s.size === 10);
const hundred = samples.find((s) => s.size === 100);
if (ten && hundred) console.log(`100 clusters / 10 clusters wall time: ${(hundred.wallMs / ten.wallMs).toFixed(1)}× (target ≤ 12×)`);

// The GitOps synthesis benchmark (100 clusters × 200 objects against bare cdk8s), in its own process.
console.log("\nGitOps synthesis (charts/ render + validate against bare cdk8s)");
spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(__dirname, "synth.ts")], { cwd: ROOT, stdio: "inherit" });
