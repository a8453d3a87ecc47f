import type { FleetSpec } from "../fleet/spec";
import { FleetStack, regionHub } from "./stacks";

/**
 * The clusters whose folders of the GitOps tree a stack's agents apply: what its CrossGuard
 * run judges of the tree (policies/gitops-tree.ts reads them from the stack's resources) and
 * what `plan --only-stack` renders, checks and writes. A single stack applies every folder:
 * the whole tree (undefined). With Flux, a cluster's stack holds its Kustomizations, over its
 * own folders; with Argo CD, a region's links stack holds the Secrets that register each of
 * the region's clusters with its hub, naming their folders (components/fleet.ts, `buildLinks`).
 * The fleet, addresses and replication stacks apply none. (A fleet spans two regions at least, so no
 * stack but a single one applies every cluster's folders.)
 */
export function treePart(spec: FleetSpec, stack: FleetStack): readonly string[] | undefined {
  if (stack.kind === "single") return undefined;
  if (spec.gitops.engine === "flux") return stack.kind === "cluster" ? [stack.cluster!] : [];
  if (stack.kind !== "links" || !regionHub(spec, stack.region!)) return [];
  return spec.clusters.filter((c) => c.region === stack.region).map((c) => c.name);
}
