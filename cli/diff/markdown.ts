import { DrFigures } from "../../fleet";
import { Violation } from "../../policies/violation";
import { PlanDocument, PlanResource } from "../plan-document";
import { ChangedResource, comparePlans, FLEET_WIDE, ResourceChanges } from "./compare-plans";
import { compareTrees, FileChanges, ManifestTree } from "./compare-trees";
import { mermaidTopology, Topology } from "./topology";

export interface DiffSide {
  /** How the side is named in the comment: a git ref, "working tree". */
  readonly label: string;
  readonly plan: PlanDocument;
  readonly tree: ManifestTree;
  /** Why this side looks the way it does, e.g. "the stack file does not exist at the base". */
  readonly note?: string;
}

export interface DiffInput {
  readonly base: DiffSide;
  readonly head: DiffSide;
  readonly topology: Topology;
}

export interface RenderOptions {
  /** Include the unified diff of each changed manifest. @default true */
  readonly manifestDiffs?: boolean;
  /** Lines of a manifest diff shown before it is cut. @default 80 */
  readonly maxDiffLines?: number;
}

/** Lists longer than this collapse into `<details>`. */
const COLLAPSE_AFTER = 10;
/** GitHub rejects comments over 65,536 characters; stay under with room for the action's marker. */
export const COMMENT_LIMIT = 60_000;

/**
 * The pull-request comment for a fleet change: pure, from two plan documents and two
 * rendered trees, so it is tested without git or the plan engine.
 */
export function renderDiff(input: DiffInput, options: RenderOptions = {}): string {
  const { base, head } = input;
  const plans = comparePlans(base.plan, head.plan);
  const trees = compareTrees(base.tree, head.tree);
  const regionOf = new Map([...base.plan.clusters, ...head.plan.clusters].map((c) => [c.name, c.region]));
  const added = new Set(plans.clusters.filter((c) => c.kind === "added").map((c) => c.name));
  const removed = new Set(plans.clusters.filter((c) => c.kind === "removed").map((c) => c.name));
  const heading = (cluster: string) => {
    if (cluster === FLEET_WIDE) return "Fleet-wide";
    const state = added.has(cluster) ? " (new cluster)" : removed.has(cluster) ? " (removed cluster)" : "";
    return `\`${cluster}\` · ${regionOf.get(cluster) ?? "?"}${state}`;
  };

  const count = (key: "added" | "removed" | "changed", groups: Iterable<ResourceChanges | FileChanges>) =>
    [...groups].reduce((n, g) => n + g[key].length, 0);
  const mandatory = head.plan.violations.filter((v) => v.enforcement === "mandatory").length;
  const out: string[] = [
    `## eks-fleet diff · stack \`${head.plan.stack}\``,
    "",
    `Base \`${base.label}\` → head \`${head.label}\`.`,
    ...[base.note, head.note].filter((n): n is string => !!n).map((n) => `\n> **Note:** ${n}`),
    "",
    [
      `**${base.plan.clusters.length} → ${head.plan.clusters.length} clusters**`,
      `resources **+${count("added", plans.resources.values())} −${count("removed", plans.resources.values())} ~${count("changed", plans.resources.values())}**`,
      `manifests **+${count("added", trees.values())} −${count("removed", trees.values())} ~${count("changed", trees.values())}**`,
      `policies **${mandatory} mandatory · ${head.plan.violations.length - mandatory} advisory**`,
      `RTO **${seconds(base, "rtoSeconds")} → ${seconds(head, "rtoSeconds")}**`,
      `RPO **${seconds(base, "rpoSeconds")} → ${seconds(head, "rpoSeconds")}**`,
    ].join(" · "),
    "",
    "### Clusters",
    "",
  ];

  if (plans.clusters.length === 0) out.push("No cluster added, removed or changing role.");
  else {
    out.push("| Cluster | Region | Role | Change |", "| --- | --- | --- | --- |");
    for (const c of plans.clusters) {
      const region = c.before && c.after && c.before.region !== c.after.region ? `${c.before.region} → ${c.after.region}` : (c.after ?? c.before)!.region;
      const role = c.before && c.after && c.before.role !== c.after.role ? `${c.before.role} → **${c.after.role}**` : (c.after ?? c.before)!.role;
      const change = c.kind === "changed" ? (c.before!.region !== c.after!.region ? "moved" : "role changed") : c.kind;
      out.push(`| \`${c.name}\` | ${region} | ${role} | ${change} |`);
    }
  }

  out.push("", "### Resources", "");
  if (plans.resources.size === 0) out.push("No resource changes.");
  for (const [cluster, changes] of plans.resources) {
    out.push(`#### ${heading(cluster)} — +${changes.added.length} −${changes.removed.length} ~${changes.changed.length}`, "");
    if (changes.added.length) out.push(...collapsible(`Added (${changes.added.length})`, byType(changes.added)));
    if (changes.changed.length) out.push(...collapsible(`Changed (${changes.changed.length})`, changedLines(changes.changed)));
    if (changes.removed.length) out.push(...collapsible(`Removed (${changes.removed.length})`, byType(changes.removed)));
  }

  out.push("", "### Rendered manifests", "");
  if (trees.size === 0) out.push(head.tree.size === 0 ? "No GitOps tree rendered at either side." : "No manifest changes.");
  for (const [cluster, files] of trees) {
    out.push(`#### ${heading(cluster)} — +${files.added.length} −${files.removed.length} ~${files.changed.length} files`, "");
    if (files.added.length) out.push(...collapsible(`Added (${files.added.length})`, files.added.map((f) => `- \`${f}\``)));
    if (files.removed.length) out.push(...collapsible(`Removed (${files.removed.length})`, files.removed.map((f) => `- \`${f}\``)));
    for (const f of files.changed) {
      if (options.manifestDiffs === false) out.push(`- changed \`${f.file}\``);
      else out.push(...details(`Changed <code>${f.file}</code>`, ["```diff", ...cut(f.diff.split("\n"), options.maxDiffLines ?? 80), "```"]));
    }
  }

  out.push("", "### Policies", "", ...policyLines(plans.violations));
  out.push("", "### Disaster recovery", "", "| | Base | Head |", "| --- | --- | --- |");
  out.push(`| RTO | ${seconds(base, "rtoSeconds")} | ${seconds(head, "rtoSeconds")} |`, `| RPO | ${seconds(base, "rpoSeconds")} | ${seconds(head, "rpoSeconds")} |`);
  if (head.plan.dr.notes.length) out.push("", ...details("How these figures are computed", head.plan.dr.notes.map((n) => `- ${n}`)));

  out.push("", "### Fleet topology (head)", "");
  out.push(head.plan.clusters.length ? ["```mermaid", mermaidTopology(input.topology), "```"].join("\n") : "The head has no clusters.");
  return `${out.join("\n")}\n`;
}

/** The comment as posted: full when it fits GitHub's limit, else without manifest diffs. */
export function renderComment(input: DiffInput, limit = COMMENT_LIMIT): string {
  const full = renderDiff(input);
  if (full.length <= limit) return full;
  const lean = renderDiff(input, { manifestDiffs: false });
  const notice = "\n> Manifest diffs were left out to fit a comment; run `npm run diff -- --base <ref>` locally for them.\n";
  return lean.length + notice.length <= limit ? lean + notice : `${lean.slice(0, limit - notice.length - 1)}\n${notice}`;
}

function seconds(side: DiffSide, key: keyof Omit<DrFigures, "notes">): string {
  return side.plan.clusters.length === 0 ? "—" : `${side.plan.dr[key]} s`;
}

/** `- \`type\` ×n: name, name` — one line per resource type. */
function byType(resources: readonly PlanResource[]): string[] {
  const groups = new Map<string, string[]>();
  for (const r of resources) groups.set(r.type, [...(groups.get(r.type) ?? []), r.name]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, names]) => `- \`${type}\` ×${names.length}: ${names.map((n) => `\`${n}\``).join(", ")}`);
}

function changedLines(changed: readonly ChangedResource[]): string[] {
  const sorted = [...changed].sort((a, b) => a.resource.type.localeCompare(b.resource.type) || a.resource.name.localeCompare(b.resource.name));
  return sorted.map(({ resource, keys }) => {
    const shown = keys.slice(0, 8).map((k) => `\`${k}\``).join(", ");
    return `- \`${resource.type}\` \`${resource.name}\`: ${shown}${keys.length > 8 ? ` and ${keys.length - 8} more` : ""}`;
  });
}

function policyLines(v: { head: readonly Violation[]; introduced: readonly Violation[]; fixed: readonly Violation[] }): string[] {
  const lines: string[] = [];
  if (v.head.length === 0) lines.push("✅ No policy violations at head.");
  else {
    const isNew = new Set(v.introduced);
    const rows = [...v.head]
      .sort((a, b) => (a.enforcement === b.enforcement ? a.policy.localeCompare(b.policy) : a.enforcement === "mandatory" ? -1 : 1))
      .map((x) => `| ${x.enforcement === "mandatory" ? "❌ mandatory" : "⚠️ advisory"} | \`${x.policy}\` | ${cell(x.file ?? x.urn ?? "")} | ${cell(x.message)} | ${isNew.has(x) ? "new" : "existing"} |`);
    lines.push(...collapsible(`${v.head.length} violation(s) at head, ${v.introduced.length} new`, ["| Enforcement | Policy | Where | Message | |", "| --- | --- | --- | --- | --- |", ...rows]));
  }
  if (v.fixed.length) lines.push("", ...collapsible(`Fixed by this change (${v.fixed.length})`, v.fixed.map((x) => `- \`${x.policy}\`: ${x.file ?? x.urn ?? ""}: ${x.message}`)));
  return lines;
}

function collapsible(summary: string, body: string[]): string[] {
  return body.length > COLLAPSE_AFTER ? details(summary, body) : [`${summary}:`, "", ...body, ""];
}

function details(summary: string, body: string[]): string[] {
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

function cut(lines: string[], max: number): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… ${lines.length - max} more lines`];
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
