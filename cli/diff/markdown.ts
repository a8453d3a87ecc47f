import { Violation } from "../../policies/violation";
import { PlanDocument } from "../plan-document";
import { ScopedEntry } from "./across-clusters";
import { comparePlans, FLEET_WIDE, ResourceChanges } from "./compare-plans";
import { compareTrees, FileChanges, ManifestTree } from "./compare-trees";
import { costSection, costSummary } from "./cost";
import { assessRisks, foldRisks } from "./risks";
import { DetailOptions, foldEntries, manifestEntries, perClusterLines, renderFolded, resourceEntries } from "./sections";
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
  /** Show each changed key's old → new value. @default true */
  readonly values?: boolean;
  /** Include the unified diff of each changed manifest. @default true */
  readonly manifestDiffs?: boolean;
  /** Include the collapsed per-cluster detail under the folded changes. @default true */
  readonly perCluster?: boolean;
  /** Lines of a manifest diff shown before it is cut. @default 80 */
  readonly maxDiffLines?: number;
  /** Folded entries shown per section before the rest is counted only. @default unlimited */
  readonly maxEntries?: number;
  /** Said under the summary: what was left out to fit a comment. */
  readonly folded?: string;
}

/** Lists longer than this collapse into `<details>`. */
const COLLAPSE_AFTER = 10;
/** "Needs attention" lines shown before the rest is counted. */
const MAX_RISKS = 40;
/** GitHub rejects comments over 65,536 characters; stay under with room for the action's marker. */
export const COMMENT_LIMIT = 60_000;

/**
 * The pull-request comment for a fleet change: pure, from two plan documents and two
 * rendered trees, so it is tested without git or the plan engine. What needs attention
 * comes first; a change made identically on several clusters is shown once.
 */
export function renderDiff(input: DiffInput, options: RenderOptions = {}): string {
  return renderCompared(compareSides(input), options);
}

/** The comparison a comment is rendered from, computed once however often it is rendered. */
interface Compared {
  readonly input: DiffInput;
  readonly plans: ReturnType<typeof comparePlans>;
  readonly trees: ReturnType<typeof compareTrees>;
  readonly risks: ReturnType<typeof foldRisks>;
}

function compareSides(input: DiffInput): Compared {
  const plans = comparePlans(input.base.plan, input.head.plan);
  return { input, plans, trees: compareTrees(input.base.tree, input.head.tree), risks: foldRisks(assessRisks(input.base.plan, input.head.plan, plans)) };
}

function renderCompared({ input, plans, trees, risks }: Compared, options: RenderOptions): string {
  const { base, head } = input;
  const regions = new Map([...base.plan.clusters, ...head.plan.clusters].map((c) => [c.name, c.region]));
  const regionOf = (cluster: string) => regions.get(cluster) ?? null;
  const added = new Set(plans.clusters.filter((c) => c.kind === "added").map((c) => c.name));
  const removed = new Set(plans.clusters.filter((c) => c.kind === "removed").map((c) => c.name));
  const heading = (cluster: string | null) => {
    if (cluster === null || cluster === FLEET_WIDE) return "Fleet-wide";
    const state = added.has(cluster) ? " (new cluster)" : removed.has(cluster) ? " (removed cluster)" : "";
    return `\`${cluster}\` · ${regions.get(cluster) ?? "?"}${state}`;
  };
  const detail: DetailOptions = { values: options.values ?? true, manifestDiffs: options.manifestDiffs ?? true, maxDiffLines: options.maxDiffLines ?? 80 };

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
      costSummary(base.plan, head.plan),
    ].join(" · "),
    ...(options.folded ? ["", `> **Folded to fit a comment:** ${options.folded}. Run \`npm run diff -- --base <ref> --stack ${head.plan.stack}\` locally for everything.`] : []),
    "",
  ];

  if (risks.length === 0) out.push("### ✅ Nothing needs attention", "", "No replacement, no deletion of stateful resources, no DNS, backup, IAM, role or DR change for the worse, no new policy violation.", "");
  else {
    const { lines, omitted } = renderFolded(risks.map((r) => ({ ...r, lines: [`- ${r.lines[0]}`] })), MAX_RISKS);
    out.push(`### ⚠️ Needs attention (${risks.length})`, "", ...lines, ...(omitted ? [`- … and ${omitted} more: see Resources below`] : []), "");
  }

  out.push("### Clusters", "");
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

  out.push(...rolloutSection(head.plan, trees));

  out.push("", "### Resources", "");
  if (plans.resources.size === 0) out.push("No resource changes.");
  else out.push(...foldedSection("resource", resourceEntries(plans.resources, regionOf, detail), heading, options));

  out.push("", "### Rendered manifests", "");
  if (trees.size === 0) out.push(head.tree.size === 0 ? "No GitOps tree rendered at either side." : "No manifest changes.");
  else out.push(...foldedSection("manifest", manifestEntries(trees, regionOf, detail), heading, options));

  out.push("", "### Policies", "", ...policyLines(plans.violations));
  out.push("", ...costSection(base.plan, head.plan));
  out.push("", "### Disaster recovery", "", "| | Base | Head |", "| --- | --- | --- |");
  out.push(`| RTO | ${seconds(base, "rtoSeconds")} | ${seconds(head, "rtoSeconds")} |`);
  // Per path (fleet/dr.ts): health checks alone, and the promotion commit (polling; with the push webhook).
  if (base.plan.dr.automatic || head.plan.dr.automatic) out.push(`| RTO, automatic | ${pathSeconds(base, "automatic")} | ${pathSeconds(head, "automatic")} |`);
  if (base.plan.dr.deliberate || head.plan.dr.deliberate) out.push(`| RTO, promotion | ${pathSeconds(base, "deliberate")} | ${pathSeconds(head, "deliberate")} |`);
  out.push(`| RPO | ${seconds(base, "rpoSeconds")} | ${seconds(head, "rpoSeconds")} |`);
  if (head.plan.dr.notes.length) out.push("", ...details("How these figures are computed", head.plan.dr.notes.map((n) => `- ${n}`)));

  out.push("", "### Fleet topology (head)", "");
  out.push(head.plan.clusters.length ? ["```mermaid", mermaidTopology(input.topology), "```"].join("\n") : "The head has no clusters.");
  return `${out.join("\n")}\n`;
}

/** Changes folded across clusters, then (collapsed) each cluster's own list. */
function foldedSection(what: string, entries: ScopedEntry[], heading: (cluster: string | null) => string, options: RenderOptions): string[] {
  const folded = foldEntries(entries);
  const { lines, omitted } = renderFolded(folded, options.maxEntries ?? Infinity);
  const out = collapsible(`${what[0].toUpperCase()}${what.slice(1)} changes`, lines);
  if (omitted) out.push(`… and ${omitted} more ${what} change(s), folded to fit a comment.`, "");
  const clusters = new Set(entries.map((e) => e.cluster).filter((c) => c !== null));
  // Per-cluster detail only adds something when some change was folded across clusters.
  if ((options.perCluster ?? true) && folded.some((f) => f.clusters.length > 1)) {
    out.push(...details(`Per-cluster detail (${clusters.size} clusters)`, perClusterLines(entries, heading)));
  }
  return out;
}

/** The comment as posted: full when it fits, else folded step by step, saying what was folded. */
export function renderComment(input: DiffInput, limit = COMMENT_LIMIT): string {
  return renderComments([input], limit);
}

/** Steps of folding, least loss first; each names what it leaves out. */
const FOLDING: readonly { options: RenderOptions; folded?: string }[] = [
  { options: {} },
  { options: { perCluster: false }, folded: "per-cluster detail" },
  { options: { perCluster: false, manifestDiffs: false }, folded: "per-cluster detail, manifest diffs" },
  { options: { perCluster: false, manifestDiffs: false, values: false }, folded: "per-cluster detail, manifest diffs, changed values (keys are listed)" },
  { options: { perCluster: false, manifestDiffs: false, values: false, maxEntries: 40 }, folded: "per-cluster detail, manifest diffs, changed values, all but the first 40 changes per section" },
];

/** One comment for several stacks: every stack folds at the same step until all fit. */
export function renderComments(inputs: readonly DiffInput[], limit = COMMENT_LIMIT): string {
  const compared = inputs.map(compareSides);
  let last = "";
  for (const step of FOLDING) {
    last = compared.map((c) => renderCompared(c, { ...step.options, folded: step.folded })).join("\n---\n\n");
    if (last.length <= limit) return last;
  }
  const notice = "\n> The comment was cut to fit GitHub's size limit; run `npm run diff` locally for everything.\n";
  return `${last.slice(0, limit - notice.length - 1)}\n${notice}`;
}

function seconds(side: DiffSide, key: "rtoSeconds" | "rpoSeconds"): string {
  return side.plan.clusters.length === 0 ? "—" : `${side.plan.dr[key]} s`;
}

function pathSeconds(side: DiffSide, path: "automatic" | "deliberate"): string {
  const { dr } = side.plan;
  if (side.plan.clusters.length === 0 || !dr[path]) return "—";
  if (path === "automatic") return `${dr.automatic!.seconds} s (${dr.automatic!.capacity} capacity)`;
  return `${dr.deliberate!.seconds} s (${dr.deliberate!.withWebhookSeconds} s with the webhook)`;
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

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The waves this change's manifests reach in this commit (clusters whose files change, by
 * wave) and the schedule it then follows: the first wave first, each later wave when promoted.
 */
function rolloutSection(plan: PlanDocument, trees: ReadonlyMap<string, FileChanges>): string[] {
  const rollout = plan.rollout;
  if (!rollout) return [];
  const touched = new Set([...trees.entries()].filter(([, g]) => g.added.length + g.removed.length + g.changed.length > 0).map(([cluster]) => cluster));
  const reached = rollout.waves.filter((w) => w.clusters.some((c) => touched.has(c))).map((w) => w.name);
  const hours = (s: number) => (s >= 3600 ? `${Math.round((s / 3600) * 10) / 10} h` : `${Math.round(s / 60)} min`);
  return [
    "",
    "### Rollout",
    "",
    reached.length === 0 ? "This commit changes no cluster's files." : `This commit's files reach ${reached.map((w) => `\`${w}\``).join(", ")}${reached.length > 1 && reached[0] === rollout.firstWave ? " (the later waves' files change through their roles or a promotion)" : ""}.`,
    `Waves: ${rollout.waves.map((w) => `\`${w.name}\` (${w.clusters.length} cluster${w.clusters.length === 1 ? "" : "s"}, bake ${hours(w.bakeSeconds)}, Kubernetes ${w.kubernetesVersions.join("/")})`).join(" → ")}; a change reaches \`${rollout.firstWave}\` first and the whole fleet in about ${hours(rollout.toWholeFleetSeconds)}${rollout.behind.length ? `; not promoted yet: ${rollout.behind.map((w) => `\`${w}\``).join(", ")}` : ""}.`,
  ];
}
