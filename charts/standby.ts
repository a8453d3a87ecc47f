import type { AppsState, ClusterSpec } from "../fleet";

/**
 * Annotations of the apps layer: `eks-fleet.io/apps` says on each object what its cluster's
 * state did to it (`warm` or `stopped`), `eks-fleet.io/warm-replicas` sets a workload's
 * replica count on a warm standby (default 1, never above its own count).
 */
export const APPS_STATE_ANNOTATION = "eks-fleet.io/apps";
export const WARM_REPLICAS_ANNOTATION = "eks-fleet.io/warm-replicas";
/**
 * What the standby state changed on an object, as JSON pointers to the values it had before
 * (`[value]`, or `[]` where there was none): `runningManifest` puts them back. A wave that has
 * not been promoted keeps its files while a failover changes roles (charts/kept-waves.ts), so
 * the renderer must turn those files back into the running form and apply the new state.
 */
export const APPS_ORIGINAL_ANNOTATION = "eks-fleet.io/apps-original";
/** A DaemonSet on a stopped cluster selects nodes with this label, which no node carries. */
export const STOPPED_NODE_LABEL = { "eks-fleet.io/apps": "stopped" } as const;
/** KEDA holds a ScaledObject's target at this count and stops scaling it (keda.sh docs, "Pause autoscaling"). */
export const KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";
/** KEDA stops creating Jobs for a ScaledJob while this is "true" (kedacore/keda#3828). */
export const KEDA_PAUSED = "autoscaling.keda.sh/paused";

type Manifest = Record<string, any>;

/** `group/Kind`, the core group written as an empty group: how this module names a kind. */
const kindOf = (m: Manifest) => `${String(m.apiVersion ?? "").split("/").slice(0, -1).join("/")}/${m.kind}`;

/** Workloads with a replica count (an autoscaler may own it). */
const SCALED = new Set(["apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet", "/ReplicationController", "argoproj.io/Rollout"]);
const SUSPENDED = new Set(["batch/CronJob", "batch/Job"]);
const HPA = new Set(["autoscaling/HorizontalPodAutoscaler"]);
const KEDA_SCALED_OBJECT = "keda.sh/ScaledObject";
const KEDA_SCALED_JOB = "keda.sh/ScaledJob";
const DAEMON_SET = "apps/DaemonSet";
const PDB = "policy/PodDisruptionBudget";
/** Every kind that runs pods which this module knows how to hold at a standby's scale. */
const KNOWN_POD_RUNNERS = [...SCALED, ...SUSPENDED, DAEMON_SET, KEDA_SCALED_JOB].map((k) => k.replace(/^\//, "")).sort();

/**
 * The apps layer as a cluster of this state must run it. Suspending the GitOps agent would
 * leave applied workloads running (fluxcd/kustomize-controller docs, "Suspend"), so the
 * state is written into the manifests both Flux and Argo CD apply: a demoted cluster that
 * comes back reads from Git that its apps stop, without anyone reaching it.
 * - running: unchanged;
 * - warm: workloads at their warm replica count, except those an autoscaler owns (a
 *   HorizontalPodAutoscaler or KEDA ScaledObject targets them): they carry no `replicas`, so
 *   the agent never resets what the autoscaler chose under load, and the autoscaler's
 *   minimum, lowered to the warm count, keeps them warm. CronJobs, Jobs and ScaledJobs are
 *   suspended (one copy writes);
 * - stopped: workloads at zero (a HorizontalPodAutoscaler does not act on a zero-replica
 *   target; KEDA is paused at zero), CronJobs, Jobs and ScaledJobs suspended, DaemonSets on
 *   no node. Objects stay, so a promotion only scales up: volumes, Services and ConfigMaps
 *   are kept.
 * On both, a PodDisruptionBudget allows one pod out at a time, so a budget written for full
 * scale never blocks a node drain (upgrades, Karpenter consolidation) beside a warm replica.
 * Anything else that runs pods is refused: a standby would run it at full scale.
 */
export function appsLayer(manifests: readonly Manifest[], cluster: ClusterSpec): Manifest[] {
  const state = cluster.apps;
  if (state === "running") return [...manifests];
  const owners = autoscalerTargets(manifests);
  const byKey = new Map(manifests.map((m) => [targetKey(m.metadata?.namespace, kindOf(m), m.metadata?.name), m]));
  return manifests.map((m) => standbyManifest(m, state, owners, byKey));
}

function standbyManifest(manifest: Manifest, state: Exclude<AppsState, "running">, owners: ReadonlySet<string>, byKey: ReadonlyMap<string, Manifest>): Manifest {
  const kind = kindOf(manifest);
  const changed = structuredClone(manifest);
  const spec = (changed.spec ??= {});
  const annotations: Record<string, string> = { ...(changed.metadata?.annotations ?? {}) };
  const originals: Record<string, [unknown] | []> = {};
  // Every change goes through these two, so what it replaced is recorded.
  const set = (at: Manifest, key: string, value: unknown, pointer: string) => {
    originals[pointer] = key in at ? [at[key]] : [];
    at[key] = value;
  };
  const remove = (at: Manifest, key: string, pointer: string) => {
    originals[pointer] = key in at ? [at[key]] : [];
    delete at[key];
  };
  const annotation = (key: string, value: string) => set(annotations, key, value, `/metadata/annotations/${escapePointer(key)}`);
  if (SCALED.has(kind)) {
    const autoscaled = owners.has(targetKey(manifest.metadata?.namespace, kind, manifest.metadata?.name));
    if (state === "stopped") set(spec, "replicas", 0, "/spec/replicas");
    else if (autoscaled) remove(spec, "replicas", "/spec/replicas");
    else set(spec, "replicas", warmReplicas(manifest, manifest.spec?.replicas ?? 1), "/spec/replicas");
  } else if (HPA.has(kind) || kind === KEDA_SCALED_OBJECT) {
    const keda = kind === KEDA_SCALED_OBJECT;
    if (state === "stopped") {
      // An HPA does not act on a target at zero; KEDA would scale it up from zero on its triggers.
      if (!keda) return manifest;
      annotation(KEDA_PAUSED_REPLICAS, "0");
    } else {
      const field = keda ? "minReplicaCount" : "minReplicas";
      const own = spec[field] ?? (keda ? 0 : 1);
      const target = byKey.get(targetKey(manifest.metadata?.namespace, targetKind(spec.scaleTargetRef), spec.scaleTargetRef?.name));
      set(spec, field, Math.min(own, warmReplicas(manifest, own, target)), `/spec/${field}`);
    }
  } else if (SUSPENDED.has(kind)) {
    set(spec, "suspend", true, "/spec/suspend");
  } else if (kind === KEDA_SCALED_JOB) {
    annotation(KEDA_PAUSED, "true");
  } else if (kind === DAEMON_SET) {
    if (state !== "stopped") return manifest;
    const pod = ((spec.template ??= {}).spec ??= {});
    set(pod, "nodeSelector", { ...(pod.nodeSelector ?? {}), ...STOPPED_NODE_LABEL }, "/spec/template/spec/nodeSelector");
  } else if (kind === PDB) {
    if (allowsOneOut(spec)) return manifest;
    remove(spec, "minAvailable", "/spec/minAvailable");
    set(spec, "maxUnavailable", 1, "/spec/maxUnavailable");
  } else if (runsPods(manifest)) {
    const where = `${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ""}${manifest.metadata?.name}`;
    throw new Error(
      `${manifest.kind} ${where} runs pods, and a standby cannot hold a ${manifest.kind} at its scale (it scales ${KNOWN_POD_RUNNERS.join(", ")}): ` +
        "render it only where the cluster serves (`.to(Select.serving())` on its replication in charts/fleet-charts.ts) or use a kind the standby scales",
    );
  } else {
    return manifest;
  }
  if (changed.metadata?.annotations === undefined) originals["/metadata/annotations"] = [];
  changed.metadata = { ...changed.metadata, annotations: { ...annotations, [APPS_STATE_ANNOTATION]: state, [APPS_ORIGINAL_ANNOTATION]: JSON.stringify(sortedRecord(originals)) } };
  return changed;
}

/**
 * An apps-layer object as a running cluster renders it: what `appsLayer` changed for a warm or
 * stopped state put back from its `eks-fleet.io/apps-original` record; anything else unchanged.
 */
export function runningManifest(manifest: Manifest): Manifest {
  const record = manifest.metadata?.annotations?.[APPS_ORIGINAL_ANNOTATION];
  if (record === undefined) return manifest;
  const running = structuredClone(manifest);
  const originals = JSON.parse(record) as Record<string, [unknown] | []>;
  const { [APPS_STATE_ANNOTATION]: _state, [APPS_ORIGINAL_ANNOTATION]: _record, ...annotations } = running.metadata.annotations as Record<string, string>;
  running.metadata.annotations = annotations;
  for (const [pointer, was] of Object.entries(originals)) {
    if (pointer === "/metadata/annotations") continue;
    const keys = pointer.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const parent = keys.slice(0, -1).reduce((at: Manifest, key) => (at[key] ??= {}), running);
    if (was.length === 1) parent[keys.at(-1)!] = was[0];
    else delete parent[keys.at(-1)!];
  }
  if (originals["/metadata/annotations"] && Object.keys(running.metadata.annotations).length === 0) delete running.metadata.annotations;
  return running;
}

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const sortedRecord = (record: Record<string, [unknown] | []>) => Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));

/** `namespace/group/Kind/name` of every workload an autoscaler in the layer owns. */
function autoscalerTargets(manifests: readonly Manifest[]): Set<string> {
  const owners = manifests.filter((m) => HPA.has(kindOf(m)) || kindOf(m) === KEDA_SCALED_OBJECT);
  return new Set(owners.map((m) => targetKey(m.metadata?.namespace, targetKind(m.spec?.scaleTargetRef), m.spec?.scaleTargetRef?.name)));
}

/** An autoscaler's `scaleTargetRef` as `group/Kind` (KEDA defaults to an apps/v1 Deployment). */
function targetKind(ref: { apiVersion?: string; kind?: string } | undefined): string {
  return kindOf({ apiVersion: ref?.apiVersion ?? "apps/v1", kind: ref?.kind ?? "Deployment" });
}

const targetKey = (namespace: string | undefined, kind: string, name: string | undefined) => `${namespace ?? ""}/${kind}/${name}`;

/** A budget that lets a drain evict one healthy pod even beside a single replica. */
function allowsOneOut(spec: Manifest): boolean {
  const max = spec.maxUnavailable;
  return spec.minAvailable === undefined && max !== undefined && (typeof max === "number" ? max >= 1 : !/^0+%?$/.test(String(max)));
}

/** A pod, or an object with a pod template or a replica count: it would run at full scale on a standby. */
function runsPods(manifest: Manifest): boolean {
  const spec = manifest.spec ?? {};
  return manifest.kind === "Pod" || typeof spec.replicas === "number" || spec.template?.spec?.containers !== undefined
    || spec.jobTemplate !== undefined || spec.jobTargetRef !== undefined;
}

/**
 * The warm count of a workload or autoscaler: its own `eks-fleet.io/warm-replicas` (or, for an
 * autoscaler, its target's), default 1, never above `own`.
 */
function warmReplicas(manifest: Manifest, own: number, target?: Manifest): number {
  const annotated = manifest.metadata?.annotations?.[WARM_REPLICAS_ANNOTATION] ?? target?.metadata?.annotations?.[WARM_REPLICAS_ANNOTATION];
  const raw = String(annotated ?? "1");
  if (!/^\d+$/.test(raw)) {
    const source = manifest.metadata?.annotations?.[WARM_REPLICAS_ANNOTATION] !== undefined ? manifest : target!;
    throw new Error(`${source.kind} ${source.metadata?.name}: annotation ${WARM_REPLICAS_ANNOTATION} must be a whole number, got '${raw}'`);
  }
  return Math.min(own, Number(raw));
}
