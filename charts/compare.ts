import * as fs from "fs";
import * as path from "path";
import { readBounded } from "../fleet/safe-files";
import { TREE_MARKER, TREE_MARKER_CONTENT } from "./output-folder";
import { RenderedFile } from "./render";

/** How the folder on disk differs from a fresh render, each list sorted. */
export interface TreeChanges {
  /** Rendered but not on disk. */
  readonly missing: readonly string[];
  /** On disk but no longer rendered. */
  readonly extra: readonly string[];
  /** On both, with different content. */
  readonly changed: readonly string[];
}

/**
 * Missing, extra and changed files of the folder `dir` against `files` and the marker. Only
 * regular files are read, and only when their size matches: a link, a FIFO or a device in
 * the folder is a change, never followed, waited on or read.
 */
export function treeChanges(dir: string, files: readonly RenderedFile[]): TreeChanges {
  // Every written tree carries the marker beside the rendered files.
  const expected = new Map([...files.map((f): [string, string] => [f.path, f.content]), [TREE_MARKER, TREE_MARKER_CONTENT]]);
  const onDisk = fs.existsSync(dir) ? listEntries(dir) : [];
  const present = new Set(onDisk.map((entry) => entry.path));
  const extra: string[] = [];
  const changed: string[] = [];
  for (const entry of onDisk) {
    const content = expected.get(entry.path);
    if (content === undefined) extra.push(entry.path);
    else if (!sameContent(path.join(dir, entry.path), entry.stat, content)) changed.push(entry.path);
  }
  const missing = [...expected.keys()].filter((file) => !present.has(file));
  return { missing: missing.sort(), extra: extra.sort(), changed: changed.sort() };
}

function sameContent(file: string, stat: fs.Stats, content: string): boolean {
  if (!stat.isFile() || stat.size !== Buffer.byteLength(content)) return false;
  return readBounded(file, file, stat.size + 1).toString("utf8") === content;
}

/** Files that differ between the folder `dir` and `files` (missing, extra or changed), sorted. */
export function treeDifferences(dir: string, files: readonly RenderedFile[]): string[] {
  const { missing, extra, changed } = treeChanges(dir, files);
  return [...missing, ...extra, ...changed].sort();
}

/** One line per stale file, then what to run; nothing when the tree is current. */
export function staleTreeReport(shown: string, changes: TreeChanges, rerun: string): string[] {
  const { missing, extra, changed } = changes;
  if (missing.length + extra.length + changed.length === 0) return [];
  return [
    ...missing.map((file) => `${shown}/${file}: missing (a fresh render writes it)`),
    ...extra.map((file) => `${shown}/${file}: extra (a fresh render no longer has it)`),
    ...changed.map((file) => `${shown}/${file}: changed (differs from a fresh render)`),
    `${shown} is out of date: ${missing.length} missing, ${extra.length} extra, ${changed.length} changed; run \`${rerun}\` and commit the result`,
  ];
}

/** Every entry under `dir` but folders (links are entries, not followed), with its lstat. */
function listEntries(dir: string, prefix = ""): { path: string; stat: fs.Stats }[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listEntries(dir, relative) : [{ path: relative, stat: fs.lstatSync(path.join(dir, relative)) }];
  });
}
