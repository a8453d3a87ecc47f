import { PlanResource } from "../plan-document";
import { clusterList, FoldedEntry, foldEntries, Normalize, normalizerFor, ScopedEntry } from "./across-clusters";
import { Action, Cascade, Change, explain } from "./cascade";
import { FLEET_WIDE, ResourceChanges } from "./compare-plans";
import { FileChanges } from "./compare-trees";
import { formatValueChange, show, valueAt } from "./values";

export interface DetailOptions {
  /** Show each changed key's old → new value, not only its name. */
  readonly values: boolean;
  /** Include each changed manifest's unified diff. */
  readonly manifestDiffs: boolean;
  /** Lines of one manifest diff before it is cut. */
  readonly maxDiffLines: number;
}

/** At most this many changed keys per resource are spelled out. */
const MAX_KEYS = 12;
const same: Normalize = (s) => s;

const normalizers = new Map<string, Normalize>();

/** One group's entries, rendered once with real names and once with placeholders. */
function scoped(cluster: string, region: string | null, render: (n: Normalize) => string[]): ScopedEntry[] {
  const scope = cluster === FLEET_WIDE ? null : cluster;
  const lines = render(same);
  if (!lines.length) return [];
  if (!scope) return [{ cluster: null, lines, shared: lines }];
  const key = `${scope}\u0000${region ?? ""}`;
  if (!normalizers.has(key)) normalizers.set(key, normalizerFor({ cluster: scope, region }));
  return [{ cluster: scope, lines, shared: render(normalizers.get(key)!) }];
}

/** `- + 4 resource(s) added` over one `type ×n: names` line per resource type. */
function byType(sign: string, verb: string, resources: readonly PlanResource[], n: Normalize): string[] {
  if (resources.length === 0) return [];
  const groups = new Map<string, string[]>();
  for (const r of resources) groups.set(r.type, [...(groups.get(r.type) ?? []), n(r.name)]);
  const types = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, names]) => `  - \`${type}\` ×${names.length}: ${names.map((x) => `\`${x}\``).join(", ")}`);
  return [`- ${sign} ${resources.length} resource(s) ${verb}`, ...types];
}

const MARK: Record<Action, string> = { replace: "± **replace**", update: "~", "may-replace": "± **may replace**", refused: "✖ **update refused**" };

function changedLines(cascade: Cascade, change: Change, n: Normalize, options: DetailOptions): string[] {
  const { resource, before, keys } = change;
  // A change that only follows others says so, down to its root; a root change speaks for itself in its keys.
  const why = change.decisive && change.causes.has(change.decisive) ? ` — ${n(explain(cascade, change))}` : change.causes.has("replaceWith") ? ` — ${n(explain(cascade, change))}` : "";
  const head = `- ${MARK[change.action]} \`${resource.type}\` \`${n(resource.name)}\`${why}`;
  if (!options.values) {
    const shown = keys.slice(0, MAX_KEYS).map((k) => `\`${k.replace(/^inputs\./, "")}\``).join(", ");
    return [`${head}: ${shown}${keys.length > MAX_KEYS ? ` and ${keys.length - MAX_KEYS} more` : ""}`];
  }
  const value = (k: string) => {
    const [old, now] = [valueAt(before, k), valueAt(resource, k)];
    // Read from a resource replaced by a rule the offline values cannot show: new in a real deploy.
    if (change.follows && JSON.stringify(old) === JSON.stringify(now)) return [`- \`${k.replace(/^inputs\./, "")}\`: ${show(old)} → _(new once \`${cascade.get(change.follows)?.resource.name}\` is replaced)_`];
    return formatValueChange(k, old, now);
  };
  const values = keys.slice(0, MAX_KEYS).flatMap((k) => value(k).map((l) => `  ${n(l)}`));
  return [head, ...values, ...(keys.length > MAX_KEYS ? [`  - and ${keys.length - MAX_KEYS} more keys`] : [])];
}

/** Resource entries of every group (cluster or fleet-wide), not yet folded. */
export function resourceEntries(groups: ReadonlyMap<string, ResourceChanges>, cascade: Cascade, regionOf: (cluster: string) => string | null, options: DetailOptions): ScopedEntry[] {
  const entries: ScopedEntry[] = [];
  for (const [cluster, changes] of groups) {
    const region = regionOf(cluster);
    entries.push(...scoped(cluster, region, (n) => byType("+", "added", changes.added, n)));
    const sorted = [...changes.changed].sort((a, b) => a.resource.type.localeCompare(b.resource.type) || a.resource.name.localeCompare(b.resource.name));
    for (const c of sorted) entries.push(...scoped(cluster, region, (n) => changedLines(cascade, c, n, options)));
    entries.push(...scoped(cluster, region, (n) => byType("−", "removed", changes.removed, n)));
  }
  return entries;
}

/** Manifest entries of every group: files added and removed, and each changed file's diff. */
export function manifestEntries(groups: ReadonlyMap<string, FileChanges>, regionOf: (cluster: string) => string | null, options: DetailOptions): ScopedEntry[] {
  const entries: ScopedEntry[] = [];
  const files = (sign: string, list: readonly string[], n: Normalize) =>
    list.length === 0 ? [] : [`- ${sign} ${list.length} file(s): ${list.map((f) => `\`${n(f)}\``).join(", ")}`];
  for (const [cluster, changes] of groups) {
    const region = regionOf(cluster);
    entries.push(...scoped(cluster, region, (n) => files("+", changes.added, n)));
    entries.push(...scoped(cluster, region, (n) => files("−", changes.removed, n)));
    for (const f of changes.changed) {
      entries.push(...scoped(cluster, region, (n) => {
        if (!options.manifestDiffs) return [`- ~ \`${n(f.file)}\``];
        const lines = f.diff.split("\n");
        const cut = lines.length <= options.maxDiffLines ? lines : [...lines.slice(0, options.maxDiffLines), `… ${lines.length - options.maxDiffLines} more lines`];
        return [`- ~ \`${n(f.file)}\``, "  ```diff", ...cut.map((l) => `  ${n(l)}`), "  ```"];
      }));
    }
  }
  return entries;
}

/** Folded entries as Markdown: the first line of each says which clusters it is on. */
export function renderFolded(entries: readonly FoldedEntry[], max = Infinity): { lines: string[]; omitted: number } {
  const lines: string[] = [];
  for (const e of entries.slice(0, max)) {
    const where = clusterList(e.clusters);
    lines.push(where ? `${e.lines[0]} — ${where}` : e.lines[0], ...e.lines.slice(1));
  }
  return { lines, omitted: Math.max(0, entries.length - max) };
}

/** Every group's own entries, unfolded, under a heading per cluster. */
export function perClusterLines(entries: readonly ScopedEntry[], heading: (cluster: string | null) => string): string[] {
  const byCluster = new Map<string | null, ScopedEntry[]>();
  for (const e of entries) {
    const list = byCluster.get(e.cluster);
    if (list) list.push(e);
    else byCluster.set(e.cluster, [e]);
  }
  return [...byCluster.entries()].flatMap(([cluster, list]) => [`**${heading(cluster)}**`, "", ...list.flatMap((e) => e.lines), ""]);
}

export { foldEntries };
