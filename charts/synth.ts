import type { FleetSpec } from "../fleet";
import { fleetReplications } from "./fleet-charts";
import { applyRollout, KeptTree, RolloutChange, RolloutRender } from "./kept-waves";
import { RenderedFile, renderFleet, RenderOptions } from "./render";
import { loadReplicated, REPLICATED_DIR } from "./replicated";
import { Replication } from "./replicate";
import { writeTreeAtomic } from "./write-tree";

export interface SynthOptions extends RenderOptions {
  /** Folder of user YAML replicated to every cluster. @default the repository's `replicated/` */
  readonly replicatedDir?: string;
  /** The replications to render. @default fleetReplications(fleet, <replicatedDir>) */
  readonly replications?: readonly Replication[];
  /**
   * The tree the agents apply now (`readKeptTree` of its folder): waves that have not been
   * promoted keep their files from it. @default none: every cluster from the current source
   */
  readonly kept?: KeptTree;
  /** A promotion, halt or resume written with this render (operations/rollout/). */
  readonly change?: RolloutChange;
}

/** The whole tree (or the part `options.clusters` names), in memory and validated, with each wave where `rollout.json` says it is. */
export function renderTree(fleet: FleetSpec, options: SynthOptions = {}): RenderedFile[] {
  return renderRollout(fleet, options).files;
}

/** `renderTree`, with the rollout state it writes and the clusters that keep their files. */
export function renderRollout(fleet: FleetSpec, options: SynthOptions = {}): RolloutRender {
  const replications = options.replications ?? fleetReplications(fleet, loadReplicated(options.replicatedDir ?? REPLICATED_DIR));
  return applyRollout(fleet, renderFleet(fleet, replications, options), options.kept, options.root ?? "gitops", options.change, options.clusters);
}

/**
 * `npm run synth` and `npm run plan`: renders and validates everything first, then
 * replaces `dir` in one swap, with the `.eks-fleet-tree` marker at its root. A failure anywhere leaves the previous tree untouched.
 */
export function synthTree(fleet: FleetSpec, dir: string, options: SynthOptions = {}): RenderedFile[] {
  const files = renderTree(fleet, options);
  writeTreeAtomic(dir, files, options.root);
  return files;
}
