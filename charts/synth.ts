import type { FleetSpec } from "../fleet";
import { fleetReplications } from "./fleet-charts";
import { RenderedFile, renderFleet, RenderOptions } from "./render";
import { loadReplicated, REPLICATED_DIR } from "./replicated";
import { Replication } from "./replicate";
import { writeTreeAtomic } from "./write-tree";

export interface SynthOptions extends RenderOptions {
  /** Folder of user YAML replicated to every cluster. @default the repository's `replicated/` */
  readonly replicatedDir?: string;
  /** The replications to render. @default fleetReplications(fleet, <replicatedDir>) */
  readonly replications?: readonly Replication[];
}

/** The whole tree, in memory and validated. */
export function renderTree(fleet: FleetSpec, options: SynthOptions = {}): RenderedFile[] {
  const replications = options.replications ?? fleetReplications(fleet, loadReplicated(options.replicatedDir ?? REPLICATED_DIR));
  return renderFleet(fleet, replications, options);
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
