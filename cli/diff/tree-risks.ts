import * as YAML from "yaml";
import { PlanDocument } from "../plan-document";
import { clusterOfPath, ManifestTree } from "./compare-trees";
import type { Risk } from "./risks";
import { changedPaths, valueAt } from "./values";

/** One object of a rendered tree, where it is. */
interface TreeObject {
  readonly file: string;
  readonly cluster: string;
  readonly object: Record<string, any>;
}

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
/** Prune protection each agent honours (fluxcd/kustomize-controller docs "Prune"; argo-cd docs user-guide/sync-options.md). */
const FLUX_PRUNE_DISABLED = "kustomize.toolkit.fluxcd.io/prune";
const ARGO_SYNC_OPTIONS = "argocd.argoproj.io/sync-options";

/**
 * The objects of some files of a tree. Parsing is what costs, so only the files a change touches
 * are read, and each distinct text once (most objects are the same on every cluster).
 */
class TreeReader {
  private readonly texts = new Map<string, Record<string, any>[]>();
  private readonly clusters = new Map<string, TreeObject[]>();

  constructor(private readonly tree: ManifestTree) {}

  objects(files: Iterable<string>): TreeObject[] {
    const found: TreeObject[] = [];
    for (const file of files) {
      const content = this.tree.get(file);
      if (content === undefined || !/\.ya?ml$/.test(file)) continue;
      let parsed = this.texts.get(content);
      if (!parsed) {
        parsed = YAML.parseAllDocuments(content).map((d) => d.toJS() as Record<string, any> | null).filter((o): o is Record<string, any> => !!o && typeof o === "object" && typeof o.kind === "string");
        this.texts.set(content, parsed);
      }
      for (const object of parsed) found.push({ file, cluster: clusterOfPath(file), object });
    }
    return found;
  }

  /** Every object of one cluster whose text mentions `kind` (a cheap filter before parsing). */
  ofCluster(cluster: string, kind: string): TreeObject[] {
    const key = `${cluster}\u0000${kind}`;
    if (!this.clusters.has(key)) {
      const files = [...this.tree.keys()].filter((f) => clusterOfPath(f) === cluster && this.tree.get(f)!.includes(`kind: ${kind}`));
      this.clusters.set(key, this.objects(files).filter((o) => o.object.kind === kind));
    }
    return this.clusters.get(key)!;
  }
}

const id = (o: Record<string, any>) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
const named = (o: Record<string, any>) => `\`${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}\``;
const risk = (kind: Risk["kind"], cluster: string, region: string | null, text: string): Risk => ({ kind, cluster, region, text });

/**
 * What the agents do with the rendered tree's changes that the plan cannot show: objects
 * removed from Git are pruned (Namespaces with their PVCs, CRDs with every custom resource,
 * StatefulSets and PVCs), unless prune-protected; Karpenter nodes drift when their NodePool or
 * EC2NodeClass changes; Velero schedules that back up less.
 */
export function treeRisks(base: ManifestTree, head: ManifestTree, plan: PlanDocument): Risk[] {
  const [was, now] = [new TreeReader(base), new TreeReader(head)];
  const removedFiles = [...base.keys()].filter((f) => !head.has(f));
  const addedFiles = [...head.keys()].filter((f) => !base.has(f));
  const changedFiles = [...head.keys()].filter((f) => base.has(f) && base.get(f) !== head.get(f));
  const key = (o: TreeObject) => `${o.cluster}\u0000${id(o.object)}`;
  const after = new Map([...now.objects(addedFiles), ...now.objects(changedFiles)].map((o) => [key(o), o]));
  const before = [...was.objects(removedFiles), ...was.objects(changedFiles)];
  const regionOf = new Map(plan.clusters.map((c) => [c.name, c.region]));
  // A cluster leaving the fleet goes whole: its deletion is named with the plan's resources.
  const removed = before.filter((o) => !after.has(key(o)) && regionOf.has(o.cluster));
  const risks: Risk[] = [];
  const prunedNamespaces = new Set(removed.filter((o) => o.object.kind === "Namespace").map((o) => `${o.cluster}/${o.object.metadata?.name}`));
  for (const o of removed) {
    const loss = pruneLoss(o, was, prunedNamespaces);
    if (!loss) continue;
    const agent = pruningAgent(plan, o.file);
    const region = regionOf.get(o.cluster) ?? null;
    if (isProtected(o.object, agent.engine)) {
      risks.push(risk("orphaned", o.cluster, region, `${o.object.kind} ${named(o.object)} leaves Git but is **orphaned, not deleted** (prune-protected by \`${agent.engine === "argocd" ? ARGO_SYNC_OPTIONS : FLUX_PRUNE_DISABLED}\`): it and its data stay on the cluster, no longer reconciled; delete it by hand when it is really gone`));
    } else if (agent.prunes) {
      risks.push(risk("deleted", o.cluster, region, `${o.object.kind} ${named(o.object)} is **pruned** by ${agent.name}: ${loss}`));
    } else {
      risks.push(risk("orphaned", o.cluster, region, `${o.object.kind} ${named(o.object)} leaves Git; ${agent.name} does not prune, so it stays on the cluster, no longer reconciled`));
    }
    if (o.object.kind === "Schedule" && String(o.object.apiVersion).startsWith("velero.io/")) {
      risks.push(risk("backup-scope", o.cluster, region, `Velero schedule ${named(o.object)} is removed: ${scope(o.object)} are no longer backed up on this cluster`));
    }
  }
  const beforeByKey = new Map(before.map((o) => [key(o), o]));
  for (const o of now.objects(changedFiles)) {
    const old = beforeByKey.get(key(o));
    if (!old) continue;
    const region = regionOf.get(o.cluster) ?? null;
    risks.push(...driftRisks(old, o, now, region), ...backupScopeRisks(old, o, region));
  }
  return risks;
}

/** Why pruning this object loses data; undefined when it holds none (or its namespace's line says it). */
function pruneLoss(o: TreeObject, tree: TreeReader, prunedNamespaces: ReadonlySet<string>): string | undefined {
  const { kind, metadata = {} } = o.object;
  const inCluster = [...tree.ofCluster(o.cluster, "StorageClass"), ...tree.ofCluster(o.cluster, "PersistentVolumeClaim"), ...tree.ofCluster(o.cluster, "StatefulSet")];
  if (kind === "Namespace") {
    const inside = inCluster.filter((t) => t.object.metadata?.namespace === metadata.name);
    const volumes = [
      ...inside.filter((t) => t.object.kind === "PersistentVolumeClaim").map((t) => ({ label: `PVC \`${t.object.metadata.name}\``, storageClass: t.object.spec?.storageClassName })),
      ...inside.filter((t) => t.object.kind === "StatefulSet").flatMap((t) => (t.object.spec?.volumeClaimTemplates ?? []).map((v: any) => ({ label: `the PVCs of StatefulSet \`${t.object.metadata.name}\`'s volumeClaimTemplate \`${v.metadata?.name}\``, storageClass: v.spec?.storageClassName }))),
      { label: "every PVC created in it at run time", storageClass: undefined },
    ];
    const classes = [...new Set(volumes.map((v) => reclaimText(inCluster, v.storageClass)).filter(Boolean))];
    return `Kubernetes deletes everything in the namespace, with ${volumes.map((v) => v.label).join(", ")}${classes.length ? `;${classes.join(";")}` : ""}`;
  }
  if (metadata.namespace && prunedNamespaces.has(`${o.cluster}/${metadata.namespace}`)) return undefined;
  if (kind === "CustomResourceDefinition") return `Kubernetes deletes every \`${o.object.spec?.names?.kind ?? metadata.name}\` object with it, in every namespace (Kubernetes docs, "Delete a CustomResourceDefinition")`;
  if (kind === "PersistentVolumeClaim") return `its volume is released;${reclaimText(inCluster, o.object.spec?.storageClassName) || " what happens to it depends on its StorageClass"}`;
  if (kind === "StatefulSet") {
    const templates = (o.object.spec?.volumeClaimTemplates ?? []).map((v: any) => `\`${v.metadata?.name}\``);
    // Kubernetes docs, StatefulSets "PersistentVolumeClaim retention": whenDeleted defaults to Retain.
    const deletes = o.object.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete";
    return templates.length
      ? `its pods stop; the PVCs of volumeClaimTemplates ${templates.join(", ")} ${deletes ? `are **deleted** too (\`persistentVolumeClaimRetentionPolicy.whenDeleted: Delete\`);${reclaimText(inCluster, o.object.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName)}` : "stay (`whenDeleted` defaults to Retain) and are reattached if it comes back"}`
      : "its pods stop";
  }
  return undefined;
}

/** What the StorageClass does with a released volume: `reclaimPolicy` defaults to Delete (Kubernetes docs, "Storage Classes"). */
function reclaimText(tree: readonly TreeObject[], className: string | undefined): string {
  const classes = tree.filter((t) => t.object.kind === "StorageClass");
  const sc = className ? classes.find((t) => t.object.metadata?.name === className) : classes.find((t) => t.object.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
  if (!sc) return "";
  const policy = sc.object.reclaimPolicy ?? "Delete";
  return policy === "Delete" ? ` StorageClass \`${sc.object.metadata.name}\` has \`reclaimPolicy: Delete\`: **its EBS volumes are deleted**` : ` StorageClass \`${sc.object.metadata.name}\` has \`reclaimPolicy: ${policy}\`: its EBS volumes stay`;
}

/** Whether the object carries its agent's prune protection. */
function isProtected(object: Record<string, any>, engine: "flux" | "argocd"): boolean {
  const annotations = object.metadata?.annotations ?? {};
  if (engine === "flux") return annotations[FLUX_PRUNE_DISABLED] === "disabled";
  return String(annotations[ARGO_SYNC_OPTIONS] ?? "").split(",").map((s) => s.trim()).some((s) => s === "Prune=false" || s === "Prune=confirm");
}

/** The agent that applies a tree file at the head, and whether it prunes what leaves Git. */
function pruningAgent(plan: PlanDocument, file: string): { engine: "flux" | "argocd"; name: string; prunes: boolean } {
  const folder = file.slice(0, file.lastIndexOf("/"));
  const kustomizations = plan.resources.filter((r) => r.type === KUSTOMIZATION);
  const covering = kustomizations.find((k) => String(valueAt(k.inputs, "spec.path") ?? "").replace(/\/$/, "").endsWith(`/${folder}`));
  if (covering) return { engine: "flux", name: `Flux Kustomization \`${valueAt(covering.inputs, "metadata.name")}\``, prunes: valueAt(covering.inputs, "spec.prune") === true };
  const appSet = plan.resources.find((r) => r.type === APPLICATION_SET);
  if (appSet) return { engine: "argocd", name: "Argo CD", prunes: valueAt(appSet.inputs, "spec.template.spec.syncPolicy.automated.prune") === true };
  return { engine: kustomizations.length ? "flux" : "argocd", name: "its GitOps agent", prunes: true };
}

/**
 * Karpenter replaces nodes whose NodePool template or EC2NodeClass spec changed (drift), except
 * for the NodePool's behavioural fields (aws/karpenter-provider-aws website docs/concepts/disruption.md, "Drift").
 */
function driftRisks(old: TreeObject, now: TreeObject, tree: TreeReader, region: string | null): Risk[] {
  const { kind, apiVersion } = now.object;
  if (!String(apiVersion).startsWith("karpenter.")) return [];
  if (kind === "EC2NodeClass") {
    const changed = changedPaths(old.object.spec, now.object.spec, "spec");
    if (!changed.length) return [];
    const pools = tree.ofCluster(now.cluster, "NodePool").filter((t) => t.object.spec?.template?.spec?.nodeClassRef?.name === now.object.metadata?.name);
    return [risk("nodes", now.cluster, region, `every Karpenter node of ${pools.length ? `NodePool ${pools.map((p) => named(p.object)).join(", ")}` : "this EC2NodeClass"} **drifts** and is replaced: EC2NodeClass ${named(now.object)} changes ${changed.slice(0, 3).map((k) => `\`${k}\``).join(", ")}${changed.length > 3 ? ` and ${changed.length - 3} more` : ""}; Karpenter replaces drifted nodes within the NodePool's disruption budget (default 10% of its nodes at a time) (Karpenter docs, "Drift")`)];
  }
  if (kind === "NodePool") {
    const changed = changedPaths(old.object.spec?.template, now.object.spec?.template, "spec.template");
    if (!changed.length) return [];
    const onlyRequirements = changed.every((k) => k.startsWith("spec.template.spec.requirements"));
    return [risk("nodes", now.cluster, region, onlyRequirements
      ? `Karpenter nodes of NodePool ${named(now.object)} that no longer meet its requirements **drift** and are replaced: ${changed.slice(0, 3).map((k) => `\`${k}\``).join(", ")} change (Karpenter docs, "Drift": nodes still compatible stay)`
      : `every Karpenter node of NodePool ${named(now.object)} **drifts** and is replaced: ${changed.slice(0, 3).map((k) => `\`${k}\``).join(", ")} change, within the NodePool's disruption budget (default 10% of its nodes at a time) (Karpenter docs, "Drift")`)];
  }
  return [];
}

function scope(schedule: Record<string, any>): string {
  const included: string[] = schedule.spec?.template?.includedNamespaces ?? ["*"];
  return included.includes("*") ? "all namespaces" : `namespaces ${included.map((n) => `\`${n}\``).join(", ")}`;
}

/** A Velero schedule that backs up less: namespaces or resources leave its scope, or it runs no more. */
function backupScopeRisks(old: TreeObject, now: TreeObject, region: string | null): Risk[] {
  if (now.object.kind !== "Schedule" || !String(now.object.apiVersion).startsWith("velero.io/")) return [];
  const [b, a] = [old.object.spec?.template ?? {}, now.object.spec?.template ?? {}];
  const lost = (key: string) => ((b[key] ?? []) as string[]).filter((x) => !((a[key] ?? []) as string[]).includes(x));
  const gained = (key: string) => ((a[key] ?? []) as string[]).filter((x) => !((b[key] ?? []) as string[]).includes(x));
  const found = [
    ...lost("includedNamespaces").map((n) => `namespace \`${n}\` is no longer included`),
    ...gained("excludedNamespaces").map((n) => `namespace \`${n}\` is now excluded`),
    ...lost("includedResources").map((n) => `resource \`${n}\` is no longer included`),
    ...gained("excludedResources").map((n) => `resource \`${n}\` is now excluded`),
    ...(!b.labelSelector && a.labelSelector ? ["only objects matching a label selector are backed up now"] : []),
    ...(b.defaultVolumesToFsBackup && !a.defaultVolumesToFsBackup ? ["volume data is no longer backed up (`defaultVolumesToFsBackup` off)"] : []),
    ...(now.object.spec?.paused && !old.object.spec?.paused ? ["the schedule is paused"] : []),
  ];
  return found.length ? [risk("backup-scope", now.cluster, region, `Velero schedule ${named(now.object)} backs up less: ${found.join("; ")}`)] : [];
}
