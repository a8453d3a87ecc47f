import { PlanDocument, PlanResource } from "../plan-document";
import { FoldedEntry, foldEntries, normalizerFor } from "./across-clusters";
import { PlanComparison } from "./compare-plans";
import { replayRecordChanges } from "./dns-switch";
import { REPLACE_ON_CHANGE, replacingKeys } from "./replacement";
import { parsePolicy, policyDelta, valueAt } from "./values";

export type RiskKind = "deleted" | "replaced" | "cluster-removed" | "role-flip" | "dns" | "backup-partner" | "iam-widened" | "dr-worse" | "violation";

/** One thing a reviewer must look at, with the reason, for one cluster (or fleet-wide). */
export interface Risk {
  readonly kind: RiskKind;
  readonly cluster: string | null;
  readonly region: string | null;
  /** One Markdown line, without the leading bullet. */
  readonly text: string;
}

/** Most severe first: what loses data or traffic, then what changes who can do what. */
const ORDER: readonly RiskKind[] = ["deleted", "replaced", "cluster-removed", "role-flip", "dns", "backup-partner", "iam-widened", "dr-worse", "violation"];

const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
const APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application";
const RECORD = "aws:route53/record:Record";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

/** Why deleting a resource of this type loses something; undefined when it holds no state. */
function deletionLoss(r: PlanResource): string | undefined {
  const i = r.inputs as Record<string, any>;
  switch (r.type) {
    case "aws:s3/bucket:Bucket":
      return `deletes bucket \`${i.bucket ?? r.name}\` and every object version in it`;
    case "aws:secretsmanager/secret:Secret":
      return `deletes secret \`${i.name ?? r.name}\` (recoverable only within its recovery window)`;
    case "aws:kms/key:Key":
      return `schedules KMS key deletion (${i.deletionWindowInDays ?? 30} days): whatever it encrypts becomes unreadable`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `deletes log group \`${i.name ?? r.name}\` and its logs`;
    case "eks:index:Cluster":
    case "aws:eks/cluster:Cluster":
      return `deletes EKS cluster \`${i.name ?? r.name}\` and everything running in it`;
    case KUSTOMIZATION:
      // fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "Prune" and "Deletion policy": deleting a pruning
      // Kustomization garbage-collects what it applied, unless its deletion policy orphans it.
      return valueAt(i, "spec.prune") === true && valueAt(i, "spec.deletionPolicy") !== "Orphan"
        ? `deletes Flux Kustomization \`${valueAt(i, "metadata.name")}\` with \`prune: true\`: Flux deletes every object it applied (namespaces, CRDs and their resources)`
        : undefined;
    case APPLICATION_SET:
    case APPLICATION: {
      // argoproj/argo-cd: generated Applications carry the resources finalizer unless preserveResourcesOnDeletion.
      const preserved = valueAt(i, "spec.syncPolicy.preserveResourcesOnDeletion") === true;
      const prune = valueAt(i, "spec.template.spec.syncPolicy.automated.prune") === true || valueAt(i, "spec.syncPolicy.automated.prune") === true;
      return !preserved
        ? `deletes Argo CD ${r.type === APPLICATION ? "Application" : "ApplicationSet"} \`${valueAt(i, "metadata.name")}\`${prune ? " (automated prune)" : ""}: its Applications' finalizer deletes what they applied`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** One line for a deleted stateful resource: what is lost, or why nothing is and how to really delete it. */
function deletionText(r: PlanResource, loss: string): string {
  if (r.protect) return `\`${r.name}\` ${loss} — **protected**: \`pulumi up\` fails until \`pulumi state unprotect '${r.urn}'\``;
  if (r.retainOnDelete) {
    const bucket = r.type === "aws:s3/bucket:Bucket" ? ` \`s3://${(r.inputs as any).bucket}\`` : "";
    return `\`${r.name}\`${bucket} leaves the stack but stays in AWS (\`retainOnDelete\`), with its data; to really delete it see docs/RUNBOOK.md ("Removing a cluster")`;
  }
  return `\`${r.name}\` ${loss}`;
}

/** Every risk of going from `base` to `head`, most severe first. */
export function assessRisks(base: PlanDocument, head: PlanDocument, plans: PlanComparison): Risk[] {
  const risks: Risk[] = [];
  const add = (kind: RiskKind, r: { cluster: string | null; region: string | null }, text: string) => risks.push({ kind, cluster: r.cluster, region: r.region, text });
  const leaving = new Set(plans.clusters.filter((c) => c.kind === "removed").map((c) => c.name));
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));

  for (const changes of plans.resources.values()) {
    for (const r of changes.removed) {
      const loss = deletionLoss(r);
      if (loss) add("deleted", r, deletionText(r, loss));
    }
    for (const { resource: r, before, keys } of changes.changed) {
      const forcing = replacingKeys(r.type, keys);
      if (forcing.length) {
        // What goes is the resource as it is now, at the base.
        const loss = deletionLoss(before);
        add("replaced", r, `\`${r.name}\` (\`${r.type}\`) is **replaced**: ${forcing.map((k) => `\`${k.replace(/^inputs\./, "")}\``).join(", ")} cannot change in place (${REPLACE_ON_CHANGE[r.type].source})${loss ? `; replacing it ${loss}` : ""}${r.protect ? " — **protected**: `pulumi up` fails until it is unprotected" : ""}`);
      }
      for (const key of keys) {
        const before = parsePolicy(valueAt(baseByUrn.get(r.urn), key));
        const after = parsePolicy(valueAt(r, key));
        if (!after) continue;
        const widened = policyDelta(before, after).widened;
        if (widened.length) add("iam-widened", r, `\`${r.name}\` \`${key.replace(/^inputs\./, "")}\` grants more: ${list(widened.map((g) => `\`${g}\``), 3)}`);
      }
    }
  }

  for (const c of plans.clusters) {
    if (c.kind === "removed") add("cluster-removed", { cluster: c.name, region: c.before!.region }, `cluster \`${c.name}\` (${c.before!.region}, ${c.before!.role}) **leaves the fleet**: its workloads stop and its DNS answer goes`);
    if (c.kind === "changed" && c.before!.role !== c.after!.role) {
      const effect = c.after!.role === "primary" ? "is promoted: it takes traffic and runs the apps" : c.before!.role === "primary" ? "is demoted: its apps scale down to standby scale (none in pilot-light)" : "changes role";
      add("role-flip", { cluster: c.name, region: c.after!.region }, `role flip: \`${c.name}\` ${c.before!.role} → **${c.after!.role}**, ${effect}`);
    }
  }

  risks.push(...dnsRisks(base, head), ...backupPartnerRisks(base, head, leaving));

  if (base.clusters.length && head.clusters.length) {
    for (const [key, label] of [["rtoSeconds", "RTO"], ["rpoSeconds", "RPO"]] as const) {
      if (head.dr[key] > base.dr[key]) risks.push({ kind: "dr-worse", cluster: null, region: null, text: `${label} gets worse: ${base.dr[key]} s → **${head.dr[key]} s**` });
    }
  }
  for (const v of plans.violations.introduced) {
    risks.push({ kind: "violation", cluster: null, region: null, text: `new ${v.enforcement} policy violation \`${v.policy}\`${v.file ? ` in \`${v.file}\`` : ""}: ${v.message.replace(/\n/g, " ")}` });
  }
  return risks.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** Risks folded across clusters: one line per distinct risk, naming the clusters it is on. */
export function foldRisks(risks: readonly Risk[]): FoldedEntry<RiskKind>[] {
  return foldEntries(risks.map((r) => ({ cluster: r.cluster, lines: [r.text], shared: [normalizerFor(r)(r.text)], data: r.kind })));
}

/** Route 53 answers for the record, by set identifier: which target, under which policy. */
function dnsAnswers(plan: PlanDocument): Map<string, { name: string; policy: string; target: string }> {
  const answers = new Map<string, { name: string; policy: string; target: string }>();
  for (const r of plan.resources.filter((x) => x.type === RECORD)) {
    const i = r.inputs as Record<string, any>;
    const policy = i.failoverRoutingPolicies?.[0]?.type ? `failover ${i.failoverRoutingPolicies[0].type}`
      : i.latencyRoutingPolicies?.[0]?.region ? `latency ${i.latencyRoutingPolicies[0].region}`
      : i.weightedRoutingPolicies?.[0] ? `weighted ${i.weightedRoutingPolicies[0].weight}` : "simple";
    const target = i.aliases?.[0]?.name ?? (Array.isArray(i.records) ? i.records.join(", ") : "?");
    answers.set(`${i.name}/${i.type}/${i.setIdentifier ?? ""}`, { name: `${i.name}${i.setIdentifier ? ` (\`${i.setIdentifier}\`)` : ""}`, policy, target });
  }
  return answers;
}

function dnsRisks(base: PlanDocument, head: PlanDocument): Risk[] {
  const before = dnsAnswers(base);
  const after = dnsAnswers(head);
  const risks: Risk[] = [];
  const dns = (text: string) => risks.push({ kind: "dns", cluster: null, region: null, text: `DNS ${text}` });
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) dns(`answer joins: ${a.name} → \`${a.target}\` (${a.policy})`);
    else if (b.policy !== a.policy || b.target !== a.target) {
      dns(`answer changes: ${a.name} ${b.policy === a.policy ? a.policy : `${b.policy} → **${a.policy}**`}, \`${b.target}\`${b.target === a.target ? "" : ` → **\`${a.target}\`**`}`);
    }
  }
  for (const [id, b] of before) if (!after.has(id)) dns(`answer leaves: ${b.name} → \`${b.target}\` (${b.policy})`);
  // A change of answers is replayed in the order Pulumi will run it, against Route 53's rules;
  // the preview says so whenever `<record>` itself changes (a DNS mode switch), and always on a problem.
  const primary = [...head.resources, ...base.resources].find((r) => r.type === RECORD && r.name === "dns-primary");
  if (risks.length && primary) {
    const { record, zoneId } = { record: String((primary.inputs as any).name), zoneId: (primary.inputs as any).zoneId };
    const replay = replayRecordChanges(base, head, record, zoneId);
    const atRecord = (answers: Map<string, unknown>) => [...answers.entries()].filter(([id]) => id.startsWith(`${record}/`)).map(([id, a]) => `${id} ${JSON.stringify(a)}`).sort().join("\n");
    if (replay.problems.length) for (const problem of replay.problems) dns(`change **fails or drops answers** on the way: ${problem}`);
    else if (atRecord(before) !== atRecord(after)) dns(`change replayed in deploy order (${replay.steps} record steps): no record set conflicts with another, and \`${record}\` answers at every step`);
  }
  return risks;
}

/** Which cluster's bucket each cluster's backups replicate to. */
function partners(plan: PlanDocument): Map<string, string> {
  const owner = new Map<string, string>();
  for (const r of plan.resources) if (r.type === "aws:s3/bucket:Bucket" && r.cluster) owner.set(`arn:aws:s3:::${(r.inputs as any).bucket}`, r.cluster);
  const result = new Map<string, string>();
  for (const r of plan.resources.filter((x) => x.type === REPLICATION && x.cluster)) {
    const targets = ((r.inputs as any).rules ?? []).map((rule: any) => owner.get(rule?.destination?.bucket) ?? String(rule?.destination?.bucket));
    result.set(r.cluster!, [...new Set(targets)].join(", "));
  }
  return result;
}

function backupPartnerRisks(base: PlanDocument, head: PlanDocument, leaving: ReadonlySet<string>): Risk[] {
  const before = partners(base);
  const after = partners(head);
  const regionOf = new Map(head.clusters.map((c) => [c.name, c.region]));
  const risks: Risk[] = [];
  for (const [cluster, was] of before) {
    const now = after.get(cluster);
    if (now === undefined || now === was || leaving.has(cluster)) continue;
    risks.push({
      kind: "backup-partner",
      cluster,
      region: regionOf.get(cluster) ?? null,
      // S3 replication copies only objects written after its rule exists: the new partner gets no existing backup, nor the
      // Kopia repository objects every later volume backup builds on, until S3 Batch Replication copies them.
      text: `backup partner of \`${cluster}\` changes: \`${was}\` → **\`${now}\`**; backups already replicated stay only in \`${was}\`'s bucket${leaving.has(was) ? ", which leaves the fleet" : ""}, and \`${now}\` can restore none of \`${cluster}\`'s volume backups until S3 Batch Replication copies its existing objects (docs/RUNBOOK.md, "When a backup partner changes")`,
    });
  }
  return risks;
}

function list(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
