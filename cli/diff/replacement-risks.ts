import { Cascade, Change, explain, rootOf } from "./cascade";
import { deletionLoss } from "./deletion";
import { deletedFirst, REPLACE_ON_CHANGE } from "./replacement";
import type { Risk } from "./risks";

/** Types whose replacement has its own line in node-risks.ts (what happens to the workloads). */
export const COMPUTE_TYPES = new Set(["eks:index:Cluster", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"]);

const risk = (kind: Risk["kind"], c: Change, text: string): Risk => ({ kind, cluster: c.resource.cluster, region: c.resource.region, text });
const names = (changes: readonly Change[], max = 4) => {
  const shown = changes.slice(0, max).map((c) => `\`${c.resource.name}\``).join(", ");
  return changes.length > max ? `${shown} and ${changes.length - max} more` : shown;
};

/** `Subnet ×6 (`a`, `b`, …)`, one entry per type. */
function byType(changes: readonly Change[]): string {
  const groups = new Map<string, Change[]>();
  for (const c of changes) groups.set(c.resource.type, [...(groups.get(c.resource.type) ?? []), c]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, list]) => `${type.split(":").pop()} ×${list.length} (${names(list)})`).join(", ");
}

/**
 * Replacements, grouped by what starts them: one line per root change that replaces anything,
 * naming everything replaced or updated in its wake; a line of its own for each replaced
 * resource that holds state, with its whole chain; refused updates and unknown types.
 */
export function replacementRisks(cascade: Cascade): Risk[] {
  const risks: Risk[] = [];
  const byRoot = new Map<string, Change[]>();
  for (const c of cascade.values()) {
    const root = rootOf(cascade, c);
    byRoot.set(root.resource.urn, [...(byRoot.get(root.resource.urn) ?? []), c]);
  }
  for (const [urn, group] of byRoot) {
    const root = cascade.get(urn)!;
    const wake = group.filter((c) => c !== root);
    const replaced = wake.filter((c) => c.action === "replace");
    if (root.action !== "replace" && replaced.length === 0) continue;
    // A replaced cluster or node group alone has its line in node-risks.ts, saying what happens to its workloads.
    if (COMPUTE_TYPES.has(root.resource.type) && wake.length === 0) continue;
    const updated = wake.filter((c) => c.action !== "replace");
    const what = root.action === "replace"
      ? `is **replaced**: ${root.forcing.join(", ")} cannot change in place (${REPLACE_ON_CHANGE[root.resource.type]?.source ?? "replacement option"})`
      : `is ${explain(cascade, root)}`;
    const loss = root.action === "replace" ? deletionLoss(root.before) : undefined;
    const wakeText = [replaced.length ? `replaces ${replaced.length}: ${byType(replaced)}` : "", updated.length ? `updates ${updated.length}: ${byType(updated)}` : ""].filter(Boolean).join("; ");
    risks.push(risk("replaced", root, `\`${root.resource.name}\` (\`${root.resource.type}\`) ${what}${loss ? `; replacing it ${loss}` : ""}${protectedNote(root)}${wakeText ? `. In its wake it ${wakeText}` : ""}`));
    // Replaced dependents that hold state are named on their own: their data goes with them.
    for (const c of replaced) {
      const dependentLoss = deletionLoss(c.before);
      if ((dependentLoss || c.resource.protect || deletedFirst(c.resource)) && !COMPUTE_TYPES.has(c.resource.type)) {
        risks.push(risk("replaced", c, `\`${c.resource.name}\` (\`${c.resource.type}\`) is ${explain(cascade, c)}${dependentLoss ? `; replacing it ${dependentLoss}` : ""}${protectedNote(c)}`));
      }
    }
  }
  for (const c of cascade.values()) {
    if (c.action === "refused") {
      risks.push(risk("refused", c, `\`${c.resource.name}\` (\`${c.resource.type}\`) **cannot be updated in place**: ${c.refused!.reason} (${c.refused!.source}). The provider tries an in-place update and \`pulumi up\` fails there, after whatever it created first — ${explain(cascade, c)}. Replace it deliberately, or keep what it depends on`));
    }
    if (c.action === "may-replace") {
      risks.push(risk("may-replace", c, `\`${c.resource.name}\` (\`${c.resource.type}\`) **may be replaced**: the preview has no replacement rule for this type (cli/diff/replacement.ts), so it cannot say the change is in place — ${explain(cascade, c)}`));
    }
  }
  return risks;
}

function protectedNote(c: Change): string {
  const first = deletedFirst(c.resource);
  const gap = first ? ` — deleted **before** its replacement exists (${first}): it is missing in between` : "";
  return `${gap}${c.resource.protect ? " — **protected**: `pulumi up` fails until it is unprotected" : ""}`;
}
