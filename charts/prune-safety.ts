/**
 * Objects whose deletion deletes data are never deleted by a GitOps agent. Removing one from
 * the tree (renaming a namespace, dropping a CRD file), deleting a Flux Kustomization or an Argo
 * CD Application, or switching engines would otherwise make the agent delete it on every
 * cluster: a Namespace takes its PersistentVolumeClaims along, a CRD all its custom resources.
 * Deleting such an object is a deliberate step (docs/RUNBOOK.md, "Removing a namespace").
 *
 * Both engines' opt-outs go on every such object whatever the fleet's engine, so an engine
 * switch finds them already in place:
 * - Flux: `kustomize.toolkit.fluxcd.io/prune: disabled` keeps the object out of garbage
 *   collection, both when it leaves the source and when its Kustomization is deleted
 *   (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "Prune");
 * - Argo CD: sync options `Prune=false` (an automated sync leaves it, the Application shows
 *   OutOfSync until someone deletes it) and `Delete=false` (deleting the Application leaves it)
 *   (argoproj/argo-cd docs/user-guide/sync-options.md, v3.4). `Prune=confirm` would hold every
 *   later sync of the layer until someone confirms, so it is accepted from a manifest but not chosen.
 */
export const FLUX_PRUNE_ANNOTATION = "kustomize.toolkit.fluxcd.io/prune";
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options";

/** Argo CD sync options this module sets, and the values a manifest may already carry for them. */
const ARGOCD_KEEP: Readonly<Record<string, { readonly set: string; readonly accepted: readonly string[] }>> = {
  Prune: { set: "false", accepted: ["false", "confirm"] },
  Delete: { set: "false", accepted: ["false", "confirm"] },
};

type Manifest = Record<string, any>;

/** Namespaces, CRDs, volumes and claims, and StatefulSets that create claims (`volumeClaimTemplates`). */
export function holdsData(manifest: Manifest): boolean {
  const group = String(manifest.apiVersion ?? "").split("/").slice(0, -1).join("/");
  switch (manifest.kind) {
    case "Namespace":
    case "PersistentVolumeClaim":
    case "PersistentVolume":
      return group === "";
    case "CustomResourceDefinition":
      return group === "apiextensions.k8s.io";
    case "StatefulSet":
      return group === "apps" && (manifest.spec?.volumeClaimTemplates ?? []).length > 0;
    default:
      return false;
  }
}

/**
 * The manifest with both engines' prune opt-outs when it holds data, unchanged otherwise.
 * Throws when the manifest itself asks an agent to prune or delete it.
 */
export function pruneProtected(manifest: Manifest): Manifest {
  if (!holdsData(manifest)) return manifest;
  const annotations: Record<string, string> = { ...(manifest.metadata?.annotations ?? {}) };
  const what = `${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ""}${manifest.metadata?.name}`;
  const flux = annotations[FLUX_PRUNE_ANNOTATION];
  if (flux !== undefined && flux !== "disabled") {
    throw new Error(`${what}: annotation ${FLUX_PRUNE_ANNOTATION}: '${flux}' would let Flux delete it with its data; remove the annotation (the fleet sets 'disabled')`);
  }
  annotations[FLUX_PRUNE_ANNOTATION] = "disabled";
  annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] = argoSyncOptions(annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION], what);
  return { ...manifest, metadata: { ...manifest.metadata, annotations } };
}

/** Keeps the manifest's own options (e.g. `ServerSideApply=true`) and adds `Prune=false,Delete=false` where absent. */
function argoSyncOptions(existing: string | undefined, what: string): string {
  const options = (existing ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const [key, { accepted }] of Object.entries(ARGOCD_KEEP)) {
    const own = options.find((o) => o.split("=")[0] === key);
    if (own !== undefined && !accepted.includes(own.slice(key.length + 1))) {
      throw new Error(`${what}: annotation ${ARGOCD_SYNC_OPTIONS_ANNOTATION}: '${own}' would let Argo CD delete it with its data; use ${key}=false or remove it`);
    }
  }
  const missing = Object.entries(ARGOCD_KEEP).filter(([key]) => !options.some((o) => o.split("=")[0] === key)).map(([key, { set }]) => `${key}=${set}`);
  return [...options, ...missing].join(",");
}
