import * as YAML from "yaml";
import { RenderedFile } from "../charts";
import { ManifestObject, ManifestTree } from "../policies/manifests";

/**
 * The tree `loadTree` would read back from the files just rendered, built from them in
 * memory: the same objects in the same order (clusters by name, platform then apps, paths
 * as a sorted directory walk yields them). Each distinct file content is parsed once; most
 * are the same on every cluster. tests/cli/rendered-tree.test.ts holds it equal to loadTree.
 */
export function treeOfRendered(files: readonly RenderedFile[]): ManifestTree {
  const parsed = new Map<string, unknown[]>();
  const entries = files
    .map((file) => ({ file, segments: file.path.split("/") }))
    .filter(({ segments: [top, , layer], file }) => top === "clusters" && (layer === "platform" || layer === "apps") && /\.ya?ml$/.test(file.path))
    .sort((a, b) => walkOrder(a.segments, b.segments));

  const objects: ManifestObject[] = [];
  for (const { file, segments } of entries) {
    let docs = parsed.get(file.content);
    if (!docs) {
      docs = YAML.parseAllDocuments(file.content).map((doc) => doc.toJS({ maxAliasCount: 50 }));
      parsed.set(file.content, docs);
    }
    for (const object of docs) {
      if (object === null || object === undefined) continue;
      objects.push({ file: file.path, cluster: segments[1], layer: segments[2], object: structuredClone(object) as Record<string, any> });
    }
  }
  const clusters = [...new Set(files.map((f) => f.path.split("/")).filter((s) => s[0] === "clusters" && s.length > 2).map((s) => s[1]))].sort();
  return { clusters, objects };
}

/** Clusters and layers as loadTree visits them, then each folder's entries by name. */
function walkOrder(a: string[], b: string[]): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  if (a[2] !== b[2]) return a[2] === "platform" ? -1 : 1;
  for (let i = 3; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i].localeCompare(b[i]);
  }
  return a.length - b.length;
}
