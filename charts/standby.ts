import type { ClusterSpec } from "../fleet";

/**
 * Annotations of the apps layer: `eks-fleet.io/apps` says on each object what its cluster's
 * state did to it (`warm` or `stopped`), `eks-fleet.io/warm-replicas` sets a workload's
 * replica count on a warm standby (default 1, never above its own count).
 */
export const APPS_STATE_ANNOTATION = "eks-fleet.io/apps";
export const WARM_REPLICAS_ANNOTATION = "eks-fleet.io/warm-replicas";
/** A DaemonSet on a stopped cluster selects nodes with this label, which no node carries. */
export const STOPPED_NODE_LABEL = { "eks-fleet.io/apps": "stopped" } as const;

const SCALED = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);
const SUSPENDED = new Set(["CronJob", "Job"]);

type Manifest = Record<string, any>;

/**
 * The apps layer as a cluster of this state must run it. Suspending the GitOps agent would
 * leave applied workloads running (fluxcd/kustomize-controller docs, "Suspend"), so the
 * state is written into the manifests both Flux and Argo CD apply: a demoted cluster that
 * comes back reads from Git that its apps stop, without anyone reaching it.
 * - running: unchanged;
 * - warm: workloads at their warm replica count, autoscaler minimums lowered to it (so load
 *   scales them up after a failover), CronJobs and Jobs suspended (one copy writes);
 * - stopped: workloads at zero (a HorizontalPodAutoscaler does not act on a zero-replica
 *   target), CronJobs and Jobs suspended, DaemonSets on no node. Objects stay, so a
 *   promotion only scales up: volumes, Services and ConfigMaps are kept.
 */
export function appsManifest(manifest: Manifest, cluster: ClusterSpec): Manifest {
  if (cluster.apps === "running") return manifest;
  const kind = String(manifest.kind);
  const changed = structuredClone(manifest);
  const spec = (changed.spec ??= {});
  if (SCALED.has(kind)) {
    spec.replicas = cluster.apps === "warm" ? warmReplicas(manifest) : 0;
  } else if (kind === "HorizontalPodAutoscaler" && cluster.apps === "warm") {
    spec.minReplicas = Math.min(spec.minReplicas ?? 1, warmReplicas(manifest));
  } else if (SUSPENDED.has(kind)) {
    spec.suspend = true;
  } else if (kind === "DaemonSet" && cluster.apps === "stopped") {
    const pod = ((spec.template ??= {}).spec ??= {});
    pod.nodeSelector = { ...(pod.nodeSelector ?? {}), ...STOPPED_NODE_LABEL };
  } else {
    return manifest;
  }
  changed.metadata = { ...changed.metadata, annotations: { ...(changed.metadata?.annotations ?? {}), [APPS_STATE_ANNOTATION]: cluster.apps } };
  return changed;
}

function warmReplicas(manifest: Manifest): number {
  const own = manifest.kind === "HorizontalPodAutoscaler" ? manifest.spec?.minReplicas ?? 1 : manifest.spec?.replicas ?? 1;
  const raw = String(manifest.metadata?.annotations?.[WARM_REPLICAS_ANNOTATION] ?? "1");
  if (!/^\d+$/.test(raw)) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name}: annotation ${WARM_REPLICAS_ANNOTATION} must be a whole number, got '${raw}'`);
  }
  return Math.min(own, Number(raw));
}
