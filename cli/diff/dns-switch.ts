import { PlanDocument, PlanResource } from "../plan-document";
import { DependencyGraph } from "../engine/graph";

const RECORD = "aws:route53/record:Record";

/** A Route 53 record set as the zone holds it: what ChangeResourceRecordSets checks a change against. */
interface RecordSet {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly setIdentifier: string;
  /** `simple`, `failover`, `latency`, `weighted`, …: one per name and type (Route 53 API, ResourceRecordSet). */
  readonly policy: string;
  /** PRIMARY / SECONDARY for failover. */
  readonly failover?: string;
  /** The in-zone name an alias points at (an alias must point at a name that exists). */
  readonly aliasOf?: string;
}

/**
 * One step of a deploy on a record, as Pulumi runs it: creates, updates and replacements while
 * the program runs, each after what it depends on; deletes of removed resources (and the old
 * halves of create-before-delete replacements) at the end, dependents first (Pulumi docs,
 * "deleteBeforeReplace"; pulumi/pulumi#9979: "creates all new resources and schedules the
 * deletion of resources at the very end"). An update is one change batch: the AWS provider sends
 * UPSERT, or DELETE + CREATE when the type or identifier changes (hashicorp/terraform-provider-aws
 * internal/service/route53/record.go, resourceRecordUpdate), which Route 53 applies atomically.
 */
interface Step {
  readonly urn: string;
  readonly phase: 1 | 2;
  /** 0 for a deleteBeforeReplace deletion, 1 for what follows it on the same resource. */
  readonly order: 0 | 1;
  readonly removes?: RecordSet;
  readonly adds?: RecordSet;
}

/** What replaying a plan change on the zone found: the record steps, and every step Route 53 would refuse or that leaves a name without an answer. */
export interface RecordReplay {
  readonly steps: number;
  readonly problems: string[];
}

const bare = (name: unknown) => String(name).toLowerCase().replace(/\.$/, "");

function recordSet(r: PlanResource, zoneId: unknown): RecordSet {
  const i = r.inputs as Record<string, any>;
  const failover = i.failoverRoutingPolicies?.[0]?.type;
  const policy = failover ? "failover" : i.latencyRoutingPolicies?.length ? "latency" : i.weightedRoutingPolicies?.length ? "weighted"
    : i.geolocationRoutingPolicies?.length ? "geolocation" : i.multivalueAnswerRoutingPolicy ? "multivalue" : "simple";
  const alias = i.aliases?.[0];
  return {
    urn: r.urn, name: bare(i.name), type: String(i.type), setIdentifier: String(i.setIdentifier ?? ""), policy, failover,
    aliasOf: alias && alias.zoneId === zoneId ? bare(alias.name) : undefined,
  };
}

const describe = (s: RecordSet) => `\`${s.name}\` ${s.type}${s.setIdentifier ? ` (\`${s.setIdentifier}\`, ${s.failover ?? s.policy})` : ` (${s.policy})`}`;

/** Why Route 53 refuses `added` beside `other` (Route 53 developer guide, "Choosing a routing policy" and "CNAME records"; API, ChangeResourceRecordSets), or undefined. */
function conflict(added: RecordSet, other: RecordSet): string | undefined {
  if (added.name !== other.name) return undefined;
  if (added.type !== other.type) return added.type === "CNAME" || other.type === "CNAME" ? "a CNAME cannot share its name with another record type" : undefined;
  if (added.setIdentifier === other.setIdentifier) return "the record set already exists";
  if (added.policy !== other.policy || added.policy === "simple") return "record sets of one name and type must share one routing policy";
  if (added.failover && added.failover === other.failover) return `a failover group has one ${added.failover}`;
  return undefined;
}

/**
 * Replays the record changes of a deploy from `base` to `head` and reports every step Route 53
 * would refuse, or after which `record` (or a name an alias there points at) could answer
 * nothing. Steps that do not wait for each other may run in any order: each is judged against
 * the worst of them (any unordered create already done, any unordered delete not yet, for a
 * conflict; the reverse for an empty name).
 */
export function replayRecordChanges(base: PlanDocument, head: PlanDocument, record: string, zoneId: unknown): RecordReplay {
  const records = (plan: PlanDocument) => plan.resources.filter((r) => r.type === RECORD);
  const headRecords = records(head);
  const claimed = new Map<string, PlanResource>();
  for (const r of headRecords) for (const urn of [r.urn, ...(r.aliases ?? [])]) claimed.set(urn, r);

  // One object per record set: the replay tracks them by identity.
  const initial = records(base).map((r) => recordSet(r, zoneId));
  const initialByUrn = new Map(initial.map((s) => [s.urn, s]));
  const steps: Step[] = [];
  for (const old of records(base)) {
    const now = claimed.get(old.urn);
    const before = initialByUrn.get(old.urn)!;
    if (!now) { steps.push({ urn: old.urn, phase: 2, order: 0, removes: before }); continue; }
    const after = { ...recordSet(now, zoneId), urn: now.urn };
    const i = old.inputs as Record<string, unknown>;
    const j = now.inputs as Record<string, unknown>;
    if (bare(i.name) !== bare(j.name) || i.zoneId !== j.zoneId) {
      // Replaced (name and zone_id are ForceNew): the old one goes first only with deleteBeforeReplace.
      if (now.deleteBeforeReplace) steps.push({ urn: now.urn, phase: 1, order: 0, removes: before }, { urn: now.urn, phase: 1, order: 1, adds: after });
      else steps.push({ urn: now.urn, phase: 1, order: 1, adds: after }, { urn: old.urn, phase: 2, order: 0, removes: before });
    } else if (JSON.stringify(i) !== JSON.stringify(j)) {
      steps.push({ urn: now.urn, phase: 1, order: 1, removes: before, adds: after });
    }
  }
  const baseClaimed = new Set(records(base).map((r) => claimed.get(r.urn)?.urn).filter(Boolean));
  for (const r of headRecords) if (!baseClaimed.has(r.urn)) steps.push({ urn: r.urn, phase: 1, order: 1, adds: recordSet(r, zoneId) });

  const headGraph = new DependencyGraph(head.resources);
  const baseGraph = new DependencyGraph(base.resources);
  /** Whether `a` surely runs before `b`. */
  const precedes = (a: Step, b: Step): boolean => {
    if (a.phase !== b.phase) return a.phase < b.phase;
    if (a.urn === b.urn) return a.order < b.order;
    // Phase 1 in dependency order; phase 2 deletes dependents first.
    return a.phase === 1 ? headGraph.waitsFor(b.urn, a.urn) : baseGraph.waitsFor(a.urn, b.urn);
  };

  const problems: string[] = [];
  for (const step of steps) {
    const done = steps.filter((s) => s !== step && precedes(s, step));
    const unordered = steps.filter((s) => s !== step && !precedes(s, step) && !precedes(step, s));
    const removedBy = (steps: Step[]) => new Set(steps.flatMap((s) => (s.removes ? [s.removes] : [])));
    const surelyThere = (() => {
      const gone = new Set([...removedBy(done), ...removedBy(unordered)]);
      const added = done.filter((s) => s.adds).map((s) => s.adds!);
      return [...initial, ...added].filter((s) => !gone.has(s));
    })();
    const maybeThere = (() => {
      const gone = removedBy(done);
      const added = [...done, ...unordered].filter((s) => s.adds).map((s) => s.adds!);
      return [...initial, ...added].filter((s) => !gone.has(s));
    })();

    if (step.adds) {
      const added = step.adds;
      for (const other of maybeThere) {
        if (other === step.removes || other.urn === added.urn) continue;
        const why = conflict(added, other);
        if (why) problems.push(`${describe(added)} is written while ${describe(other)} may still be there: ${why}`);
      }
      if (added.aliasOf && !surelyThere.some((s) => s.name === added.aliasOf && s.type === added.type)) {
        problems.push(`${describe(added)} aliases \`${added.aliasOf}\` before that name surely has a ${added.type} record set: Route 53 refuses an alias to a missing target`);
      }
    }
    const removed = step.removes;
    if (removed && removed.name !== step.adds?.name) {
      const mustAnswer = removed.name === bare(record) || maybeThere.some((s) => s !== removed && s.aliasOf === removed.name);
      const left = surelyThere.filter((s) => s !== removed && s.name === removed.name);
      if (mustAnswer && left.length === 0) problems.push(`deleting ${describe(removed)} can leave \`${removed.name}\` with no record set: clients get no answer until a later step`);
    }
  }
  return { steps: steps.length, problems: [...new Set(problems)] };
}
