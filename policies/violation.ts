/** How a failed rule gates a change: mandatory fails the run (exit 1), advisory only reports. */
export type EnforcementLevel = "mandatory" | "advisory";

/** One failed rule, as `plan.json` and `npm run check` report it. */
export interface Violation {
  readonly policy: string;
  readonly enforcement: EnforcementLevel;
  /** The resource at fault, or null for a file of the GitOps tree. */
  readonly urn: string | null;
  /** The GitOps file at fault (relative to the tree's root), or null for a resource. */
  readonly file: string | null;
  readonly message: string;
}

/** The order `plan.json` and `npm run check` list violations in: stable across runs. */
export function sortViolations(violations: readonly Violation[]): Violation[] {
  const key = (v: Violation) => `${v.policy}\u0000${v.urn ?? ""}\u0000${v.file ?? ""}\u0000${v.message}`;
  return [...violations].sort((a, b) => key(a).localeCompare(key(b)));
}
