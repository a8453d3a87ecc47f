/**
 * Folding a change that is the same on many clusters into one entry. Two clusters' changes
 * are "the same" when they read the same once each cluster's own name and region are
 * replaced by `{cluster}` and `{region}` (bucket `prod-c0-velero-…` on c0 and
 * `prod-c1-velero-…` on c1 are the same change).
 */
export interface ClusterScope {
  /** The cluster a change belongs to, or null for a fleet-wide change. */
  readonly cluster: string | null;
  readonly region: string | null;
}

export type Normalize = (text: string) => string;

export function normalizerFor(scope: ClusterScope): Normalize {
  const pattern = (word: string) => new RegExp(`(?<![A-Za-z0-9])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");
  const cluster = scope.cluster ? pattern(scope.cluster) : undefined;
  const region = scope.region ? pattern(scope.region) : undefined;
  return (text) => {
    let out = text;
    if (cluster) out = out.replace(cluster, "{cluster}");
    if (region) out = out.replace(region, "{region}");
    return out;
  };
}

/** One change as a cluster sees it: `lines` rendered for that cluster, `shared` with placeholders. */
export interface ScopedEntry<T = unknown> {
  readonly cluster: string | null;
  /** The entry as shown when only this cluster has it. */
  readonly lines: readonly string[];
  /** The entry with the cluster's name and region replaced: equal for equal changes. */
  readonly shared: readonly string[];
  /** Optional payload carried along (e.g. an order key). */
  readonly data?: T;
}

export interface FoldedEntry<T = unknown> {
  /** Clusters with this change, in order; empty for a fleet-wide change. */
  readonly clusters: readonly string[];
  readonly lines: readonly string[];
  readonly data?: T;
}

/** Groups identical entries; an entry on one cluster keeps its own names, several share placeholders. */
export function foldEntries<T>(entries: readonly ScopedEntry<T>[]): FoldedEntry<T>[] {
  const groups = new Map<string, ScopedEntry<T>[]>();
  for (const e of entries) {
    const key = e.cluster === null ? `\u0000${groups.size}\u0000${e.lines.join("\n")}` : e.shared.join("\n");
    const members = groups.get(key);
    if (members) members.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((members) => {
    const clusters = members
      .map((m) => m.cluster)
      .filter((c): c is string => c !== null)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    return { clusters, lines: members.length === 1 ? members[0].lines : members[0].shared, data: members[0].data };
  });
}

/** `on 3 clusters: a, b, c` (cut after `max` names), `on a`, or "" for fleet-wide. */
export function clusterList(clusters: readonly string[], max = 12): string {
  if (clusters.length === 0) return "";
  if (clusters.length === 1) return `on \`${clusters[0]}\``;
  const shown = clusters.slice(0, max).map((c) => `\`${c}\``).join(", ");
  return `on ${clusters.length} clusters: ${shown}${clusters.length > max ? ` and ${clusters.length - max} more` : ""}`;
}
