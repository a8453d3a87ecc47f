import { PlanDocument } from "../plan-document";
import { FoldedEntry, foldEntries, normalizerFor } from "./across-clusters";
import { PlanComparison } from "./compare-plans";
import { ManifestTree } from "./compare-trees";
import { deletionLoss, deletionText } from "./deletion";
import { replayRecordChanges } from "./dns-switch";
import { describeGrant, grantChanges, parsePolicy, splitGrants } from "./grants";
import { nodeRisks } from "./node-risks";
import { replacementRisks } from "./replacement-risks";
import { treeRisks } from "./tree-risks";
import { valueAt } from "./values";

export type RiskKind =
  | "deleted" | "refused" | "replaced" | "cluster-removed" | "nodes" | "upgrade" | "may-replace" | "orphaned"
  | "role-flip" | "dns" | "backup-scope" | "backup-partner" | "iam-widened" | "iam-narrowed" | "dr-worse" | "violation";

/** One thing a reviewer must look at, with the reason, for one cluster (or fleet-wide). */
export interface Risk {
  readonly kind: RiskKind;
  readonly cluster: string | null;
  readonly region: string | null;
  /** One Markdown line, without the leading bullet. */
  readonly text: string;
}

/** Most severe first: what loses data or traffic, then what changes who can do what. */
const ORDER: readonly RiskKind[] = [
  "deleted", "refused", "replaced", "cluster-removed", "nodes", "upgrade", "may-replace", "orphaned",
  "role-flip", "dns", "backup-scope", "backup-partner", "iam-widened", "iam-narrowed", "dr-worse", "violation",
];

const RECORD = "aws:route53/record:Record";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

/**
 * Every risk of going from `base` to `head`, most severe first. With the two rendered trees,
 * also what the GitOps agents do with them (prunes, Karpenter drift, backup scope).
 */
export function assessRisks(base: PlanDocument, head: PlanDocument, plans: PlanComparison, trees?: { base: ManifestTree; head: ManifestTree }): Risk[] {
  const risks: Risk[] = [];
  const add = (kind: RiskKind, r: { cluster: string | null; region: string | null }, text: string) => risks.push({ kind, cluster: r.cluster, region: r.region, text });
  const leaving = new Set(plans.clusters.filter((c) => c.kind === "removed").map((c) => c.name));
  const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));

  for (const changes of plans.resources.values()) {
    for (const r of changes.removed) {
      const loss = deletionLoss(r);
      if (loss) add("deleted", r, deletionText(r, loss));
    }
    for (const { resource: r, keys } of changes.changed) {
      for (const key of keys) {
        const before = parsePolicy(valueAt(baseByUrn.get(r.urn), key));
        const after = parsePolicy(valueAt(r, key));
        if (!before && !after) continue;
        const { more, less } = splitGrants(grantChanges(before, after));
        const where = `\`${r.name}\` \`${key.replace(/^inputs\./, "")}\``;
        if (more.length) add("iam-widened", r, `${where} grants more: ${list(more.map((g) => describeGrant(g)), 3, "; ")}`);
        if (less.length) add("iam-narrowed", r, `${where} grants less: ${list(less.map((g) => describeGrant(g)), 3, "; ")}`);
      }
    }
  }
  risks.push(...replacementRisks(plans.cascade), ...nodeRisks(head, plans.cascade));
  if (trees) risks.push(...treeRisks(trees.base, trees.head, head));

  for (const c of plans.clusters) {
    if (c.kind === "removed") add("cluster-removed", { cluster: c.name, region: c.before!.region }, `cluster \`${c.name}\` (${c.before!.region}, ${c.before!.role}) **leaves the fleet**: its workloads stop and its DNS answer goes`);
    if (c.kind === "changed" && c.before!.role !== c.after!.role) {
      const effect = c.after!.role === "primary" ? "is promoted: it takes traffic and runs the apps" : c.before!.role === "primary" ? "is demoted: its apps scale down to standby scale (none in pilot-light)" : "changes role";
      add("role-flip", { cluster: c.name, region: c.after!.region }, `role flip: \`${c.name}\` ${c.before!.role} → **${c.after!.role}**, ${effect}`);
    }
    // pulumi/pulumi-aws#5656 removed the replacement a provider's region change forced, so one `pulumi up` cannot
    // move resources to another region; the maintainers' way is a destroy, then an up.
    if (c.kind === "changed" && c.before!.region !== c.after!.region) {
      add("refused", { cluster: c.name, region: c.after!.region }, `cluster \`${c.name}\` moves from ${c.before!.region} to **${c.after!.region}**: one \`pulumi up\` **cannot move** its AWS resources to another region (pulumi-aws no longer replaces them when their provider's region changes, pulumi/pulumi-aws#5656); remove the cluster in one change and add it in the new region, under a new name, in another`);
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
  // Replication a staying cluster loses: its backups would exist in its own region only.
  const rules = (plan: PlanDocument) => new Map(plan.resources.filter((r) => r.type === REPLICATION && r.cluster).map((r) => [r.cluster!, new Set<string>(((r.inputs as any).rules ?? []).map((rule: any) => String(rule?.id ?? rule?.filter?.prefix ?? "")))]));
  const [rulesBefore, rulesAfter] = [rules(base), rules(head)];
  for (const [cluster, ids] of rulesBefore) {
    if (leaving.has(cluster)) continue;
    const now = rulesAfter.get(cluster);
    const region = regionOf.get(cluster) ?? null;
    if (!now) risks.push({ kind: "backup-scope", cluster, region, text: `backups of \`${cluster}\` are **no longer replicated** to another region: its replication configuration is removed, so a regional outage takes its only copy` });
    else {
      const gone = [...ids].filter((id) => !now.has(id));
      if (gone.length) risks.push({ kind: "backup-scope", cluster, region, text: `backup replication of \`${cluster}\` loses rule${gone.length > 1 ? "s" : ""} ${gone.map((id) => `\`${id}\``).join(", ")}: what it covered is no longer copied to another region` });
    }
  }
  return risks;
}

function list(items: readonly string[], max: number, separator = ", "): string {
  return items.length <= max ? items.join(separator) : `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}
