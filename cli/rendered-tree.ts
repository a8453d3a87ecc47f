import { RenderedFile } from "../charts";
import * as names from "../fleet/names";
import { ManifestTree } from "../policies/manifests";
import { treeOf } from "../policies/tree";

/**
 * The tree `loadTree` would read back from the files just rendered, read in memory by the
 * same code (`treeOf`): the files as written (with the marker), sorted as a directory walk
 * yields them.
 * tests/cli/fidelity.test.ts holds it equal to loadTree.
 */
export function treeOfRendered(files: readonly RenderedFile[]): ManifestTree {
  // The writer adds its marker beside what the renderer produced (charts/write-tree.ts).
  const written = [...files, { path: names.TREE_MARKER, content: names.TREE_MARKER_CONTENT }];
  return treeOf(
    written
      .map((file) => ({ path: file.path, kind: "file" as const, content: Buffer.from(file.content) }))
      .sort((a, b) => walkOrder(a.path.split("/"), b.path.split("/"))),
  );
}

/** A sorted walk: each folder's entries by name, a folder's files where its name sorts. */
function walkOrder(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i].localeCompare(b[i]);
  }
  return a.length - b.length;
}
