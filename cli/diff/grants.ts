/**
 * Statement-level difference of two policy documents (IAM identity, trust, KMS key, bucket
 * policies). Each statement is expanded into grants — effect, action, resource and principal —
 * each with its conditions; grants are compared one by one, and a grant present on both sides
 * whose conditions differ is narrower (a condition added, or its values a subset: a principal
 * dropped from `aws:PrincipalArn`) or wider. Removing a cluster shrinks key policies: that
 * reads as grants removed or narrowed, never as "grants more".
 */
export interface PolicyDocument {
  readonly Statement: unknown[];
}

/** One way the policy changes, for one or more actions that change the same way. */
export interface GrantChange {
  readonly kind: "added" | "removed" | "narrowed" | "widened";
  readonly actions: readonly string[];
  /** `on <resource>` and, when the statement names one, `for <principal>`. */
  readonly scope: string;
  /** What about the conditions changed; empty for a grant added or removed whole. */
  readonly detail: string;
}

/** A JSON policy document (IAM, KMS key, bucket policy) in a string, else undefined. */
export function parsePolicy(value: unknown): PolicyDocument | undefined {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return undefined;
  try {
    const doc = JSON.parse(value) as { Statement?: unknown };
    if (doc && typeof doc === "object" && doc.Statement !== undefined) {
      return { Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
    }
  } catch {
    // Not JSON: shown as text.
  }
  return undefined;
}

/** Condition operator → key → values, values sorted. */
type Conditions = Map<string, string[]>;

interface Grant {
  readonly deny: boolean;
  readonly action: string;
  readonly scope: string;
  readonly conditions: Conditions;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [typeof v === "string" ? v : JSON.stringify(v)]);

function principals(value: unknown): string[] {
  if (value === undefined) return [];
  if (value === "*" || typeof value === "string") return [String(value)];
  return Object.entries(value as Record<string, unknown>).flatMap(([kind, ids]) => list(ids).map((id) => (kind === "AWS" ? id : `${kind} ${id}`)));
}

function conditionsOf(value: unknown): Conditions {
  const found: Conditions = new Map();
  for (const [operator, keys] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(keys ?? {})) found.set(`${operator} ${key}`, list(values).sort());
  }
  return found;
}

function grantsOf(doc: PolicyDocument | undefined): Map<string, Grant> {
  const grants = new Map<string, Grant>();
  for (const raw of doc?.Statement ?? []) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const deny = s.Effect === "Deny";
    const actions = [...list(s.Action), ...list(s.NotAction).map((x) => `NOT ${x}`)];
    const resources = [...list(s.Resource), ...list(s.NotResource).map((x) => `NOT ${x}`)];
    const who = [...principals(s.Principal), ...principals(s.NotPrincipal).map((p) => `NOT ${p}`)];
    const conditions = conditionsOf(s.Condition);
    for (const action of actions) {
      for (const resource of resources.length ? resources : [undefined]) {
        for (const principal of who.length ? who : [undefined]) {
          const scope = [resource !== undefined ? `on \`${resource}\`` : "", principal !== undefined ? `for \`${principal}\`` : ""].filter(Boolean).join(" ");
          const key = `${deny ? "Deny" : "Allow"} ${action} ${scope}`;
          // The same grant in two statements: the union of what they allow, so no condition at all wins.
          const known = grants.get(key);
          grants.set(key, { deny, action: deny ? `Deny ${action}` : action, scope, conditions: known && known.conditions.size < conditions.size ? known.conditions : conditions });
        }
      }
    }
  }
  return grants;
}

/** How `after`'s conditions compare with `before`'s: narrower, wider, or both (then both lines). */
function compareConditions(before: Conditions, after: Conditions): { narrowed: string[]; widened: string[] } {
  const narrowed: string[] = [];
  const widened: string[] = [];
  for (const [key, values] of before) {
    const now = after.get(key);
    if (!now) widened.push(`no longer requires \`${key}\``);
    else {
      const dropped = values.filter((v) => !now.includes(v));
      const gained = now.filter((v) => !values.includes(v));
      if (dropped.length) narrowed.push(`\`${key}\` drops ${dropped.map((v) => `\`${v}\``).join(", ")}`);
      if (gained.length) widened.push(`\`${key}\` adds ${gained.map((v) => `\`${v}\``).join(", ")}`);
    }
  }
  for (const [key, values] of after) if (!before.has(key)) narrowed.push(`now requires \`${key}\` ${values.map((v) => `\`${v}\``).join(", ")}`);
  return { narrowed, widened };
}

/**
 * Every way `after` differs from `before`, grants that change the same way folded into one
 * change. An Allow added or a condition relaxed is `widened`/`added`; a Deny added counts as
 * narrowing, a Deny removed as widening.
 */
export function grantChanges(before: PolicyDocument | undefined, after: PolicyDocument | undefined): GrantChange[] {
  const b = grantsOf(before);
  const a = grantsOf(after);
  const items: { kind: GrantChange["kind"]; action: string; scope: string; detail: string }[] = [];
  for (const [key, g] of a) {
    const old = b.get(key);
    if (!old) items.push({ kind: g.deny ? "narrowed" : "added", action: g.action, scope: g.scope, detail: g.deny ? "denied now" : conditionText(g.conditions) });
    else {
      const { narrowed, widened } = compareConditions(old.conditions, g.conditions);
      const [less, more] = g.deny ? [widened, narrowed] : [narrowed, widened];
      if (less.length) items.push({ kind: "narrowed", action: g.action, scope: g.scope, detail: less.join("; ") });
      if (more.length) items.push({ kind: "widened", action: g.action, scope: g.scope, detail: more.join("; ") });
    }
  }
  for (const [key, g] of b) if (!a.has(key)) items.push({ kind: g.deny ? "widened" : "removed", action: g.action, scope: g.scope, detail: g.deny ? "no longer denied" : "" });
  const folded = new Map<string, GrantChange & { actions: string[] }>();
  for (const item of items) {
    const key = `${item.kind}\u0000${item.scope}\u0000${item.detail}`;
    const known = folded.get(key);
    if (known) known.actions.push(item.action);
    else folded.set(key, { kind: item.kind, actions: [item.action], scope: item.scope, detail: item.detail });
  }
  return [...folded.values()].map((c) => ({ ...c, actions: [...c.actions].sort() }));
}

function conditionText(conditions: Conditions): string {
  return [...conditions].map(([key, values]) => `if \`${key}\` ${values.map((v) => `\`${v}\``).join(", ")}`).join(" and ");
}

/** `` `kms:Decrypt`, `kms:Encrypt` on `*` `` plus the detail, actions cut after `max`. */
export function describeGrant(change: GrantChange, max = 4): string {
  const actions = change.actions.slice(0, max).map((a) => `\`${a}\``).join(", ") + (change.actions.length > max ? ` and ${change.actions.length - max} more` : "");
  return [actions, change.scope, change.detail ? `(${change.detail})` : ""].filter(Boolean).join(" ");
}

/** Whether the document grants more (`widened` or `added`) and less (`narrowed` or `removed`). */
export function splitGrants(changes: readonly GrantChange[]): { more: GrantChange[]; less: GrantChange[] } {
  return { more: changes.filter((c) => c.kind === "added" || c.kind === "widened"), less: changes.filter((c) => c.kind === "removed" || c.kind === "narrowed") };
}
