import { PlanDocument, PlanResource } from "../plan-document";
import { changedPaths } from "./values";
import { replaceDependents } from "./dependents";
import { conditionalReplacements, hasReplaceRule, RefusedChange, refusals, replacingKeys } from "./replacement";

/**
 * What the engine does with a resource whose inputs differ: `replace` it, `update` it in place,
 * `may-replace` (its type has no replacement rule: unknown, never assumed in place), or
 * `refused`: the provider would update it in place but the service refuses, so `pulumi up` fails.
 */
export type Action = "replace" | "update" | "may-replace" | "refused";

export interface Change {
  readonly resource: PlanResource;
  /** The same resource at the base. */
  readonly before: PlanResource;
  /** Changed input paths (`inputs.a.b[0]`), without those the resource's `ignoreChanges` hides. */
  readonly keys: readonly string[];
  readonly action: Action;
  /** Why it is replaced: the inputs (or options) that force it, each `` `path` `` or `` `path` (reason) ``. */
  readonly forcing: readonly string[];
  /** The key whose change decides the action, for tracing the cause. */
  readonly decisive: string | undefined;
  /** For `refused`: the rule the service enforces. */
  readonly refused?: RefusedChange;
  /** Changed key → URN of the changed resource its new value comes from (the SDK's property dependencies). */
  readonly causes: ReadonlyMap<string, string>;
  /** The URN of a resource replaced by a rule the offline engine cannot see (decided from old and new values) whose new outputs this one reads. */
  readonly follows?: string;
  /** Replaced by such a rule: its dependents follow it here, not in the offline values. */
  readonly conditional?: boolean;
}

/** Every changed resource with its action and causes, by URN. */
export type Cascade = ReadonlyMap<string, Change>;

const topProperty = (key: string) => key.replace(/^inputs\./, "").split(/[.[]/)[0];
const under = (key: string, path: string) => {
  const k = key.replace(/^inputs\./, "");
  return k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`);
};

/**
 * Classifies every resource the two plans have in common and that changes, as `pulumi up` would:
 * the provider's replacement rules (cli/diff/replacement.ts), the resource's `ignoreChanges`,
 * `replaceOnChanges`, `replacementTrigger` and `replaceWith` options, and where each new value
 * comes from. A replacement the offline engine cannot see coming (one a provider decides from
 * the old and new values) is carried to the resources that read it here.
 */
export function analyzeCascade(base: PlanDocument, head: PlanDocument): Cascade {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const added = new Set(head.resources.filter((r) => !before.has(r.urn)).map((r) => r.urn));
  const changes = new Map<string, Change>();
  for (const r of head.resources) {
    const old = before.get(r.urn);
    if (!old) continue;
    const keys = changedPaths(old.inputs, r.inputs, "inputs").filter((k) => !(r.ignoreChanges ?? []).some((p) => under(k, p)));
    const triggerChanged = JSON.stringify(old.replacementTrigger) !== JSON.stringify(r.replacementTrigger);
    // A changed trigger reads as one more changed key, traced to the resource it was taken from.
    if (keys.length || triggerChanged) changes.set(r.urn, classify(r, old, triggerChanged ? [...keys, "replacementTrigger"] : keys, triggerChanged));
  }
  const causesOf = (r: PlanResource, keys: readonly string[]) => {
    const causes = new Map<string, string>();
    for (const key of keys) {
      const from = (r.propertyDependencies?.[topProperty(key)] ?? []).filter((urn) => changes.has(urn) || added.has(urn));
      // A replaced source explains a change best, then an updated one, then a new one.
      const rank = (urn: string) => ({ replace: 0, refused: 1, "may-replace": 1, update: 2 })[changes.get(urn)?.action ?? "update"] + (added.has(urn) ? 3 : 0);
      if (from.length) causes.set(key, [...from].sort((a, b) => rank(a) - rank(b))[0]);
    }
    return causes;
  };
  for (const [urn, c] of changes) {
    const causes = causesOf(c.resource, c.keys);
    // The key to trace: among those that decide the action, one whose value came from another change.
    const deciding = c.action === "replace" ? replacingKeys(c.resource.type, c.keys, [...(c.resource.replaceOnChanges ?? []), "replacementTrigger"]) : c.keys;
    const decisive = deciding.find((k) => causes.has(k)) ?? c.decisive;
    changes.set(urn, { ...c, causes, decisive });
  }

  // Replacements that follow from others (replaceWith, providers, hidden inputs, deletions first), then
  // those decided from old and new values, and again what follows from them.
  while (replaceWithPartners(head, before, changes) || replaceDependents(head.resources, before, changes));
  followConditionalReplacements(head, before, changes);
  while (replaceWithPartners(head, before, changes) || replaceDependents(head.resources, before, changes));
  resolveRefusals(changes);
  return changes;
}

/** `replaceWith`: replaced whenever one of the listed resources is. Returns whether any was added. */
function replaceWithPartners(head: PlanDocument, before: Map<string, PlanResource>, changes: Map<string, Change>): boolean {
  let grew = false;
  for (const r of head.resources) {
    const partner = (r.replaceWith ?? []).find((urn) => changes.get(urn)?.action === "replace");
    const c = changes.get(r.urn);
    if (!partner || c?.action === "replace" || !before.has(r.urn)) continue;
    changes.set(r.urn, { ...(c ?? blank(r, before.get(r.urn)!)), action: "replace", forcing: ["`replaceWith`"], decisive: undefined, causes: new Map([["replaceWith", partner]]) });
    grew = true;
  }
  return grew;
}

function blank(resource: PlanResource, before: PlanResource): Change {
  return { resource, before, keys: [], action: "update", forcing: [], decisive: undefined, causes: new Map() };
}

function classify(r: PlanResource, old: PlanResource, keys: string[], triggerChanged: boolean): Change {
  const forcingKeys = replacingKeys(r.type, keys, [...(r.replaceOnChanges ?? []), ...(triggerChanged ? ["replacementTrigger"] : [])]);
  const conditional = conditionalReplacements(r.type, old.inputs, r.inputs);
  const forcing = [
    ...forcingKeys.map((k) => `\`${k.replace(/^inputs\./, "")}\``),
    ...conditional.map((w) => `\`${w.property}\` (${w.reason})`),
  ];
  const decisive = forcingKeys[0] ?? keys.find((k) => conditional.some((w) => under(k, w.property))) ?? keys[0];
  const action = forcing.length ? "replace" : hasReplaceRule(r.type) ? "update" : "may-replace";
  return { resource: r, before: old, keys, action, forcing, decisive, causes: new Map(), ...(conditional.length && !forcingKeys.length && !triggerChanged ? { conditional: true } : {}) };
}

/**
 * A replacement decided from old and new values (e.g. a network load balancer losing a subnet)
 * is invisible to the offline engine, which sees one side only: its generated outputs keep their
 * offline values. Whatever reads them gets new values in a real deploy: updated, or replaced when
 * the reading input forces that.
 */
function followConditionalReplacements(head: PlanDocument, before: Map<string, PlanResource>, changes: Map<string, Change>): void {
  const queue = [...changes.values()].filter((c) => c.conditional).map((c) => c.resource.urn);
  while (queue.length) {
    const source = queue.shift()!;
    for (const r of head.resources) {
      const old = before.get(r.urn);
      const reading = Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.includes(source)).map(([p]) => `inputs.${p}`);
      if (!old || !reading.length) continue;
      const existing = changes.get(r.urn) ?? blank(r, old);
      if (existing.action === "replace") continue;
      const keys = [...new Set([...existing.keys, ...reading])];
      const forcingKeys = replacingKeys(r.type, reading, r.replaceOnChanges);
      const causes = new Map(existing.causes);
      for (const k of reading) causes.set(k, source);
      const action = forcingKeys.length ? "replace" : existing.action === "update" && !hasReplaceRule(r.type) ? "may-replace" : existing.action;
      changes.set(r.urn, { ...existing, keys, causes, action, follows: source, forcing: forcingKeys.map((k) => `\`${k.replace(/^inputs\./, "")}\``), decisive: forcingKeys[0] ?? reading[0] });
      if (action === "replace") queue.push(r.urn);
    }
  }
}

/** An in-place update the service refuses: the key's value comes (through any chain) from a replaced resource of the named type. */
function resolveRefusals(changes: Map<string, Change>): void {
  for (const [urn, c] of changes) {
    if (c.action === "replace") continue;
    for (const key of c.keys) {
      const rule = refusals(c.resource.type, key).find((r) => !r.whenFromReplaced || chainOf(changes, c, key).some((x) => x.action === "replace" && x.resource.type === r.whenFromReplaced));
      if (rule) {
        changes.set(urn, { ...c, action: "refused", refused: rule, decisive: key });
        break;
      }
    }
  }
}

/** The changes a key's new value comes from, nearest first. */
export function chainOf(changes: Cascade, change: Change, key: string | undefined): Change[] {
  const chain: Change[] = [];
  const seen = new Set([change.resource.urn]);
  let current: Change | undefined = change;
  let at = key;
  while (current && at) {
    const next: Change | undefined = changes.get(current.causes.get(at) ?? "");
    if (!next || seen.has(next.resource.urn)) break;
    chain.push(next);
    seen.add(next.resource.urn);
    current = next;
    at = next.decisive;
  }
  return chain;
}

const VERB: Record<Action, string> = { replace: "replaced", update: "updated", "may-replace": "may be replaced", refused: "cannot be updated" };

/**
 * Why a resource changes, down to the root: `` replaced because `vpcId` changed ← `c1-vpc` replaced: `cidrBlock` ``.
 * A change with no changed source ends in its own keys.
 */
export function explain(changes: Cascade, change: Change): string {
  const own = (c: Change) => (c.action === "replace" && c.forcing.length ? c.forcing : c.keys.slice(0, 3).map((k) => `\`${k.replace(/^inputs\./, "")}\``)).join(", ");
  const parts: string[] = [];
  let current: Change = change;
  const seen = new Set<string>();
  for (;;) {
    seen.add(current.resource.urn);
    const cause = current.decisive ? changes.get(current.causes.get(current.decisive) ?? "") : current.causes.has("replaceWith") ? changes.get(current.causes.get("replaceWith")!) : undefined;
    const name = current === change ? "" : `\`${current.resource.name}\` (${current.resource.type.split(":").pop()}) `;
    if (!cause || seen.has(cause.resource.urn)) {
      // A value from a resource this change adds: the chain ends at the new one.
      const added = current.decisive ? current.causes.get(current.decisive) : undefined;
      if (added && !changes.has(added)) parts.push(`${name}${VERB[current.action]} because \`${current.decisive!.replace(/^inputs\./, "")}\` changed`, `\`${added.split("::").pop()}\` (${added.split("::")[2]?.split("$").pop()?.split(":").pop()}) is new`);
      else parts.push(`${name}${VERB[current.action]}: ${own(current)}`);
      break;
    }
    // A replacement decided from old and new values says which rule decided it.
    const rule = current.conditional ? current.forcing.find((f) => current.decisive && f.startsWith(`\`${topProperty(current.decisive)}\``)) : undefined;
    const why = current.decisive ? `\`${current.decisive.replace(/^inputs\./, "")}\` changed${rule ? ` (${rule.replace(/^`[^`]*` \(/, "").replace(/\)$/, "")})` : ""}` : "`replaceWith`";
    parts.push(`${name}${VERB[current.action]} because ${why}`);
    current = cause;
  }
  return parts.join(" ← ");
}

/** The change at the root of `change`'s chain (itself when nothing it reads changed). */
export function rootOf(changes: Cascade, change: Change): Change {
  const chain = chainOf(changes, change, change.decisive ?? (change.causes.has("replaceWith") ? "replaceWith" : undefined));
  return chain.length ? chain[chain.length - 1] : change;
}
