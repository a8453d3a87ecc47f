import type { FleetSpec } from "../fleet/spec";
import { fleetStacks, hubStackClusters, StackKind } from "./stacks";

/** One job of the deploy workflow's matrices: a stack, the fleet stack whose file it reads, its wave. */
export interface MatrixEntry {
  readonly stack: string;
  /** The fleet stack: its file (`Pulumi.<fleet>.yaml`) names the roles CI assumes. */
  readonly fleet: string;
  /** A cluster stack's rollout wave (1-based). */
  readonly wave?: number;
}

/**
 * What the deploy workflow's four jobs run, one matrix job per stack (pulumi/actions): `fleet`
 * (fleet stacks and single-stack fleets) first, then `hubs` (the cluster stacks of Argo CD hubs
 * with spokes, which their spokes' stacks read: deploy/stacks.ts `deployStages`), then `clusters`, then
 * `links`, each job waiting for the one before. `only`: the stacks a change touches (`npm run diff --
 * --touched-stacks`); the rest are left out.
 */
export interface DeployMatrix {
  readonly fleet: MatrixEntry[];
  readonly hubs: MatrixEntry[];
  readonly clusters: MatrixEntry[];
  readonly links: MatrixEntry[];
}

/** The matrix job that deploys a stack of `kind` (`hub`: an Argo CD hub's with spokes): the workflow job of the same id runs it. */
export function matrixJob(kind: StackKind, hub = false): keyof DeployMatrix {
  return kind === "cluster" ? (hub ? "hubs" : "clusters") : kind === "links" ? "links" : "fleet";
}

export function deployMatrix(fleets: readonly { readonly fleetStack: string; readonly spec: FleetSpec }[], only?: ReadonlySet<string>): DeployMatrix {
  const matrix: DeployMatrix = { fleet: [], hubs: [], clusters: [], links: [] };
  for (const { fleetStack, spec } of fleets) {
    const waveOf = new Map(spec.waves.flatMap((w) => w.clusters.map((c) => [c, w.index + 1] as const)));
    const hubs = new Set(hubStackClusters(spec));
    for (const stack of fleetStacks(spec, fleetStack)) {
      if (only && !only.has(stack.name)) continue;
      const entry = { stack: stack.name, fleet: fleetStack };
      matrix[matrixJob(stack.kind, hubs.has(stack.cluster ?? ""))].push(stack.kind === "cluster" ? { ...entry, wave: waveOf.get(stack.cluster!)! } : entry);
    }
  }
  // A wave's stacks before the next wave's: the order GitHub starts matrix jobs in when max-parallel holds some back.
  matrix.clusters.sort((a, b) => a.wave! - b.wave!);
  return matrix;
}
