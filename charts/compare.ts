import * as fs from "fs";
import * as path from "path";
import { TREE_MARKER, TREE_MARKER_CONTENT } from "./output-folder";
import { RenderedFile } from "./render";

/**
 * Files that differ between the folder `dir` and `files` plus the marker every written tree
 * carries (missing, extra or changed), sorted.
 */
export function treeDifferences(dir: string, files: readonly RenderedFile[]): string[] {
  const expected = new Map([...files.map((f): [string, string] => [f.path, f.content]), [TREE_MARKER, TREE_MARKER_CONTENT]]);
  const onDisk = fs.existsSync(dir) ? listFiles(dir) : [];
  const differing = new Set<string>();
  for (const file of onDisk) {
    const content = expected.get(file);
    if (content === undefined || fs.readFileSync(path.join(dir, file), "utf8") !== content) differing.add(file);
  }
  for (const file of expected.keys()) if (!onDisk.includes(file)) differing.add(file);
  return [...differing].sort();
}

function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, relative) : [relative];
  });
}
