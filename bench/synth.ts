import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiObject, App, Chart } from "cdk8s";
import * as YAML from "yaml";
import { renderTree, writeTreeAtomic } from "../charts";
import { FleetSpec, parseFleet } from "../fleet";
import { fleetConfig } from "../tests/fixtures/fleets";

/** 23 namespaces × 8 objects + the per-cluster set (ingress, RBAC, store, secret, schedule, CRD, info) = 200 per cluster. */
export const BENCH_NAMESPACES = 23;

export interface SynthBenchRow {
  readonly case: string;
  readonly clusters: number;
  readonly objects: number;
  readonly ms: number;
  readonly ratio: number;
}

export function benchFleet(clusters = 100): FleetSpec {
  const namespaces = Array.from({ length: BENCH_NAMESPACES }, (_, i) => ({ name: `team-${i}`, admins: [`team-${i}-admins`] }));
  return parseFleet(fleetConfig(clusters, { namespaces, secrets: [{ name: "team-0/db", namespace: "team-0" }] }), "us-east-1");
}

/**
 * Bare cdk8s: the same manifests as plain ApiObjects, an App and a Chart per cluster (as
 * synth does, so neither side pays for one huge construct tree), `toJson`, YAML per object.
 */
function bareCdk8s(perCluster: readonly (readonly Record<string, unknown>[])[]): number {
  let count = 0;
  perCluster.forEach((manifests, c) => {
    const chart = new Chart(new App(), `c${c}`);
    manifests.forEach((m, i) => new ApiObject(chart, `o${i}`, m as never));
    for (const object of chart.toJson()) count += YAML.stringify(object).length > 0 ? 1 : 0;
  });
  return count;
}

function median(run: () => void, times: number): number {
  const samples = Array.from({ length: times }, () => {
    const start = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)];
}

/**
 * Synth of `clusters` × ~200 objects beside bare cdk8s rendering the same objects. The
 * target: the full synth (typed constructs, replication, validation, canonical YAML)
 * within 1.5× of bare cdk8s.
 */
export function benchSynth(clusters = 100, times = 3): SynthBenchRow[] {
  const fleet = benchFleet(clusters);
  const files = renderTree(fleet); // warm-up: loads the schema models once
  const perCluster = fleet.clusters.map((c) =>
    files.filter((f) => f.path.startsWith(`clusters/${c.name}/`) && !f.path.endsWith("kustomization.yaml")).map((f) => YAML.parse(f.content)),
  );
  const objects = perCluster.reduce((n, list) => n + list.length, 0);
  bareCdk8s(perCluster);

  const bare = median(() => bareCdk8s(perCluster), times);
  const unvalidated = median(() => renderTree(fleet, { validate: false }), times);
  const full = median(() => renderTree(fleet), times);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  // Once: disk-bound, and it says nothing about rendering.
  const write = median(() => writeTreeAtomic(path.join(dir, "gitops"), files), 1);
  fs.rmSync(dir, { recursive: true, force: true });

  const row = (name: string, ms: number): SynthBenchRow => ({ case: name, clusters, objects, ms: Math.round(ms), ratio: Math.round((ms / bare) * 100) / 100 });
  return [row("bare cdk8s (ApiObject + toJson + YAML)", bare), row("synth, no validation", unvalidated), row("synth (render + validate)", full), row("write tree (atomic swap)", write)];
}

if (require.main === module) {
  const rows = benchSynth(Number(process.env.BENCH_CLUSTERS ?? 100));
  console.table(rows);
  const synth = rows[2];
  console.log(`synth is ${synth.ratio}× bare cdk8s (target ≤ 1.5×) for ${synth.clusters} clusters × ${Math.round(synth.objects / synth.clusters)} objects`);
  process.exitCode = synth.ratio <= 1.5 ? 0 : 1;
}
