import * as fs from "fs";
import * as path from "path";
import { structuredPatch } from "diff";
import { FLEET_WIDE } from "./compare-plans";

/** A rendered GitOps tree: path relative to its root (`clusters/use1/platform/x.yaml`) → content. */
export type ManifestTree = ReadonlyMap<string, string>;

export interface ChangedFile {
  readonly file: string;
  /** Compact unified diff (hunks only, no file headers). */
  readonly diff: string;
}

export interface FileChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly ChangedFile[];
}

/** Reads a rendered tree; a missing folder is an empty tree (a base before GitOps rendering existed). */
export function readTree(root: string): ManifestTree {
  const tree = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) tree.set(path.relative(root, full).split(path.sep).join("/"), fs.readFileSync(full, "utf8"));
    }
  };
  if (fs.existsSync(root)) walk(root);
  return new Map([...tree.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The cluster a tree path belongs to: `clusters/<name>/…`, anything else is fleet-wide. */
export function clusterOfPath(file: string): string {
  const [top, cluster] = file.split("/");
  return top === "clusters" && cluster ? cluster : FLEET_WIDE;
}

/** Files added / removed / changed per cluster; only clusters with a change appear. */
export function compareTrees(base: ManifestTree, head: ManifestTree, context = 2): Map<string, FileChanges> {
  const groups = new Map<string, { added: string[]; removed: string[]; changed: ChangedFile[] }>();
  const group = (file: string) => {
    const key = clusterOfPath(file);
    if (!groups.has(key)) groups.set(key, { added: [], removed: [], changed: [] });
    return groups.get(key)!;
  };
  for (const [file, content] of head) {
    const old = base.get(file);
    if (old === undefined) group(file).added.push(file);
    else if (old !== content) group(file).changed.push({ file, diff: lineDiff(old, content, context) });
  }
  for (const file of base.keys()) if (!head.has(file)) group(file).removed.push(file);
  return new Map([...groups.entries()].sort(([a], [b]) => (a === FLEET_WIDE ? 1 : b === FLEET_WIDE ? -1 : a.localeCompare(b))));
}

/** Unified-diff hunks of two texts, without the `---`/`+++` headers a comment does not need. */
export function lineDiff(before: string, after: string, context = 2): string {
  const patch = structuredPatch("a", "b", before, after, undefined, undefined, { context });
  return patch.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith("\\"))].join("\n"))
    .join("\n");
}
