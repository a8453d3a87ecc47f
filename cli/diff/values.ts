import { lineDiff } from "./compare-trees";

/** A string longer than this, or on several lines, is shown as a unified diff. */
const SHORT = 60;

/** What a policy document allows or denies, as `Effect action on resource` grants. */
export interface PolicyDelta {
  readonly addedActions: readonly string[];
  readonly removedActions: readonly string[];
  readonly addedResources: readonly string[];
  readonly removedResources: readonly string[];
  /** Allow grants (action × resource) the head has and the base had not: the policy widens. */
  readonly widened: readonly string[];
}

/** The value at a dotted path as `changedPaths` names it (`inputs.rules[0].id`). */
export function valueAt(root: unknown, path: string): unknown {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  return segments.reduce<unknown>((value, segment) => {
    if (value === null || typeof value !== "object") return undefined;
    return (value as Record<string, unknown>)[segment];
  }, root);
}

/** A JSON policy document (IAM, KMS key, bucket policy) in a string, else undefined. */
export function parsePolicy(value: unknown): { Statement: unknown[] } | undefined {
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

/** Statement-level difference of two policy documents (either may be absent). */
export function policyDelta(before: { Statement: unknown[] } | undefined, after: { Statement: unknown[] } | undefined): PolicyDelta {
  const b = grantsOf(before);
  const a = grantsOf(after);
  const minus = (x: Set<string>, y: Set<string>) => [...x].filter((v) => !y.has(v)).sort();
  return {
    addedActions: minus(a.actions, b.actions),
    removedActions: minus(b.actions, a.actions),
    addedResources: minus(a.resources, b.resources),
    removedResources: minus(b.resources, a.resources),
    widened: minus(a.allows, b.allows),
  };
}

function grantsOf(doc: { Statement: unknown[] } | undefined) {
  const actions = new Set<string>();
  const resources = new Set<string>();
  const allows = new Set<string>();
  for (const raw of doc?.Statement ?? []) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const deny = s.Effect === "Deny";
    const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [typeof v === "string" ? v : JSON.stringify(v)]);
    const acts = [...list(s.Action), ...list(s.NotAction).map((x) => `NOT ${x}`)].map((x) => (deny ? `Deny ${x}` : x));
    // A trust policy names principals, not resources: they are what it grants to.
    const res = s.Resource !== undefined || s.NotResource !== undefined
      ? [...list(s.Resource), ...list(s.NotResource).map((x) => `NOT ${x}`)]
      : list(s.Principal).map((p) => `principal ${p}`);
    const condition = s.Condition === undefined ? "" : ` if ${JSON.stringify(s.Condition)}`;
    acts.forEach((x) => actions.add(x));
    res.forEach((x) => resources.add(x));
    if (!deny) for (const x of acts) for (const r of res.length ? res : ["*"]) allows.add(`${x} on ${r}${condition}`);
  }
  return { actions, resources, allows };
}

/** Markdown lines showing one changed key: `old → new`, a text diff, or a policy's statements. */
export function formatValueChange(key: string, before: unknown, after: unknown): string[] {
  const label = `\`${key.replace(/^inputs\./, "")}\``;
  const oldPolicy = parsePolicy(before);
  const newPolicy = parsePolicy(after);
  if (oldPolicy || newPolicy) {
    const d = policyDelta(oldPolicy, newPolicy);
    const parts = [
      ...d.addedActions.map((x) => `+ action ${x}`),
      ...d.removedActions.map((x) => `- action ${x}`),
      ...d.addedResources.map((x) => `+ resource ${x}`),
      ...d.removedResources.map((x) => `- resource ${x}`),
    ];
    // Same actions and resources, regrouped: the grants that appear are what matters.
    if (parts.length === 0) parts.push(...d.widened.map((x) => `+ grant ${x}`));
    if (parts.length === 0) parts.push("  (statements reordered or conditions changed)");
    return [`- ${label}: policy statements`, "  ```diff", ...parts.map((p) => `  ${p}`), "  ```"];
  }
  if (isLong(before) || isLong(after)) {
    const text = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v, null, 2));
    return [`- ${label}:`, "  ```diff", ...lineDiff(`${text(before)}\n`, `${text(after)}\n`, 1).split("\n").map((l) => `  ${l}`), "  ```"];
  }
  return [`- ${label}: ${show(before)} → ${show(after)}`];
}

function isLong(value: unknown): boolean {
  if (typeof value === "string") return value.length > SHORT || value.includes("\n");
  return value !== null && typeof value === "object" && JSON.stringify(value).length > SHORT;
}

/** A short value in a code span; absent values say so. Secrets arrive already as "[secret]". */
export function show(value: unknown): string {
  if (value === undefined) return "_(unset)_";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text.replace(/`/g, "'")}\``;
}
