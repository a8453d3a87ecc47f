import type { GitopsEngine } from "../../fleet/dr";
import type { TreeLayer } from "../../fleet/names";
import type { AgentObject, ArgoApplication, Commit, FluxKustomization, GitHistory } from "./status-source";

/**
 * What one layer's agent reports about the commit that last changed the layer's folder:
 * - `healthy`: it applied that commit (or a later one) and says the result is healthy;
 * - `progressing`: it is applying it, or waiting for health;
 * - `stale`: what it reports is about an older commit, however healthy (argo-cd#29410: a step
 *   marked done on the previous revision's status); the gate stays closed;
 * - `failed`: applying that commit failed, or its health check did;
 * - `missing`: no object, or the cluster's API did not answer.
 */
export type LayerState = "healthy" | "progressing" | "stale" | "failed" | "missing";

export interface LayerReport {
  readonly layer: TreeLayer;
  readonly state: LayerState;
  /** The commit the layer must report: the newest that changed its folder. */
  readonly expected: Commit;
  /** The commit the agent reports applied (or compared), when it names one. */
  readonly reported?: string;
  /** From when the layer ran the expected commit healthy (`healthy` only). */
  readonly since?: Date;
  readonly detail: string;
}

/** `main@sha1:<sha>` (Flux 2), `main/<sha>` (older Flux) or a bare SHA (Argo CD): the SHA. */
export function shaOf(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  const match = /(?:sha1:|sha256:|\/)?([0-9a-f]{7,64})$/.exec(revision);
  return match?.[1];
}

const later = (a: Date, b: Date | undefined) => (b && b > a ? b : a);
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : "nothing");

/**
 * A Flux Kustomization's report on `expected` (fluxcd/kustomize-controller docs/spec/v1/
 * kustomizations.md, "Kustomization Status"): `lastAppliedRevision` must include the commit,
 * and the Ready condition must be True for the current generation (its `observedGeneration`).
 * With `wait: true` (platform, apps) Ready means every applied object is healthy. The bake
 * starts when the content was first reconciled (`status.history`, newest first), or when
 * Ready last turned True, whichever is later, and never before the commit.
 */
export async function fluxLayer(layer: TreeLayer, object: FluxKustomization | undefined, expected: Commit, git: GitHistory): Promise<LayerReport> {
  const base = { layer, expected };
  if (!object?.status) return { ...base, state: "missing", detail: `Kustomization ${layer}: no status yet` };
  const status = object.status;
  const ready = status.conditions?.find((c) => c.type === "Ready");
  const generation = object.metadata?.generation;
  const applied = shaOf(status.lastAppliedRevision);
  const attempted = shaOf(status.lastAttemptedRevision);
  const includes = async (sha: string | undefined) => (sha ? git.includes(sha, expected.sha) : false);
  if (generation !== undefined && (status.observedGeneration !== generation || (ready?.observedGeneration !== undefined && ready.observedGeneration !== generation))) {
    return { ...base, state: "progressing", reported: applied, detail: `Kustomization ${layer}: generation ${generation} not observed yet` };
  }
  if (ready?.status === "False" && (await includes(attempted)) && ready.reason !== "DependencyNotReady") {
    return { ...base, state: "failed", reported: attempted, detail: `Kustomization ${layer} failed at ${short(attempted)}: ${ready.reason}: ${ready.message}` };
  }
  if (!(await includes(applied))) {
    const why = (await git.includes(applied ?? "", expected.sha)) === undefined && applied ? `${short(applied)} is not in this repository's history: fetch it` : `reports ${short(applied)}, older than ${short(expected.sha)}`;
    return { ...base, state: attempted && (await includes(attempted)) ? "progressing" : "stale", reported: applied, detail: `Kustomization ${layer} ${why}` };
  }
  if (ready?.status !== "True") return { ...base, state: "progressing", reported: applied, detail: `Kustomization ${layer}: ${ready?.reason ?? "not Ready"} ${ready?.message ?? ""}`.trim() };
  const snapshot = status.history?.find((h) => h.lastReconciledStatus === "ReconciliationSucceeded");
  const first = snapshot ? new Date(snapshot.firstReconciled) : undefined;
  const since = later(later(expected.at, first), ready.lastTransitionTime ? new Date(ready.lastTransitionTime) : undefined);
  return { ...base, state: "healthy", reported: applied, since, detail: `Kustomization ${layer} applied ${short(applied)}, Ready` };
}

/**
 * An Argo CD Application's report on `expected` (argoproj/argo-cd docs/user-guide/
 * app_deployment.md and ApplicationStatus): the comparison must be of the commit or a later
 * one (`status.sync.revision`), Synced, with no sync operation running or failed on it
 * (`status.operationState`), and healthy (`status.health`; Suspended counts as healthy: a
 * standby's suspended CronJobs report it). Only a comparison of the new commit makes the
 * health about it, so an Application still Synced and Healthy at the previous commit is
 * `stale`, never done. The bake starts when the commit was deployed (`status.history`
 * `deployedAt`), or when the health last changed, whichever is later.
 */
export async function argoLayer(layer: TreeLayer, app: ArgoApplication | undefined, expected: Commit, git: GitHistory): Promise<LayerReport> {
  const base = { layer, expected };
  if (!app?.status) return { ...base, state: "missing", detail: `Application ${app?.metadata?.name ?? layer}: no status yet` };
  const name = app.metadata?.name ?? layer;
  const status = app.status;
  const compared = shaOf(status.sync?.revision);
  const operation = status.operationState;
  const synced = shaOf(operation?.syncResult?.revision);
  const includes = async (sha: string | undefined) => (sha ? git.includes(sha, expected.sha) : false);
  if (operation && ["Failed", "Error"].includes(operation.phase) && (await includes(synced))) {
    return { ...base, state: "failed", reported: synced, detail: `Application ${name}: sync of ${short(synced)} ${operation.phase}: ${operation.message ?? ""}`.trim() };
  }
  if (!(await includes(compared))) return { ...base, state: "stale", reported: compared, detail: `Application ${name} compared ${short(compared)}, older than ${short(expected.sha)}` };
  if (operation?.phase === "Running" || status.sync?.status !== "Synced") {
    return { ...base, state: "progressing", reported: compared, detail: `Application ${name}: ${status.sync?.status ?? "Unknown"}${operation?.phase === "Running" ? ", sync running" : ""}` };
  }
  const health = status.health?.status ?? "Unknown";
  if (health === "Degraded") return { ...base, state: "failed", reported: compared, detail: `Application ${name} Degraded at ${short(compared)}` };
  if (!["Healthy", "Suspended"].includes(health)) return { ...base, state: "progressing", reported: compared, detail: `Application ${name}: ${health}` };
  const deployed: Date[] = [];
  for (const entry of status.history ?? []) if (await includes(shaOf(entry.revision))) deployed.push(new Date(entry.deployedAt));
  const first = deployed.sort((a, b) => a.getTime() - b.getTime())[0];
  const since = later(later(expected.at, first), status.health?.lastTransitionTime ? new Date(status.health.lastTransitionTime) : undefined);
  return { ...base, state: "healthy", reported: compared, since, detail: `Application ${name} Synced to ${short(compared)}, ${health}` };
}

/** The object of `layer` among a cluster's agent objects: Flux names a Kustomization after the layer, Argo CD an Application `<cluster>-<layer>`. */
export function layerObject(engine: GitopsEngine, cluster: string, layer: TreeLayer, objects: readonly AgentObject[]): ArgoApplication | FluxKustomization | undefined {
  const [kind, name] = engine === "flux" ? ["Kustomization", layer] : ["Application", `${cluster}-${layer}`];
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}
