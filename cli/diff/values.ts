import { lineDiff } from "./compare-trees";
import { describeGrant, grantChanges, parsePolicy } from "./grants";

/** A string longer than this, or on several lines, is shown as a unified diff. */
const SHORT = 60;

/** The value at a dotted path as `changedPaths` names it (`inputs.rules[0].id`). */
export function valueAt(root: unknown, path: string): unknown {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  return segments.reduce<unknown>((value, segment) => {
    if (value === null || typeof value !== "object") return undefined;
    return (value as Record<string, unknown>)[segment];
  }, root);
}

/** Markdown lines showing one changed key: `old → new`, a text diff, or a policy's statements. */
export function formatValueChange(key: string, before: unknown, after: unknown): string[] {
  const label = `\`${key.replace(/^inputs\./, "")}\``;
  const oldPolicy = parsePolicy(before);
  const newPolicy = parsePolicy(after);
  if (oldPolicy || newPolicy) {
    const sign = { added: "+ grants", widened: "+ wider:", removed: "- no longer grants", narrowed: "- narrower:" } as const;
    const parts = grantChanges(oldPolicy, newPolicy).map((c) => `${sign[c.kind]} ${describeGrant(c, 8)}`.replace(/`/g, ""));
    if (parts.length === 0) parts.push("  (statements regrouped: the same grants)");
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

/**
 * The paths at which two input values differ. Objects recurse by key; arrays of equal
 * length recurse by index (so one changed subnet names its index), otherwise the whole
 * array is one change.
 */
export function changedPaths(before: unknown, after: unknown, at: string): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], `${at}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], `${at}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [at];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
