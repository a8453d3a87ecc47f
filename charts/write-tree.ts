import * as fs from "fs";
import * as path from "path";
import { checkOutputFolder, TREE_MARKER, TREE_MARKER_CONTENT, workFile } from "./output-folder";
import { RenderedFile } from "./render";

/**
 * Replaces the folder `dir` with exactly `files`, refusing any folder `checkOutputFolder`
 * refuses. The files are written into the sibling `.<name>.eks-fleet-new` first (same file
 * system, so the swap is a rename); only when it is complete does the old tree move aside
 * to `.<name>.eks-fleet-old` and the new one take its place.
 *
 * POSIX rename cannot replace a non-empty folder, and a symbolic link at `dir` would reach
 * Git as a link rather than as files, so between those two renames `dir` is briefly
 * absent. A run killed there leaves the complete new tree beside it: the next run (or
 * `synth --check`) finishes the swap before doing anything else (`recoverSwap`). Any other
 * kill leaves the old tree in place. Callers hold the folder's lock (`cli/lock.ts`).
 */
export function writeTreeAtomic(dir: string, files: readonly RenderedFile[], shown = dir): void {
  swapInTree(stageTree(dir, files, shown));
}

/** A tree written in full into the staging sibling of `target`, ready to take its place. */
export interface StagedTree {
  readonly target: string;
  readonly staging: string;
}

/**
 * The first half of `writeTreeAtomic`: checks `dir`, finishes an interrupted swap, then writes
 * `files` into the staging folder (removed again if that fails). `npm run plan` stages on its
 * tree worker while the program is evaluated, and swaps once the plan is complete.
 */
export function stageTree(dir: string, files: readonly RenderedFile[], shown = dir): StagedTree {
  const target = checkOutputFolder(dir, shown);
  recoverSwap(target);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = workFile(target, "new");
  fs.mkdirSync(staging);
  try {
    for (const file of [...files, { path: TREE_MARKER, content: TREE_MARKER_CONTENT }]) {
      const destination = path.join(staging, file.path);
      if (!destination.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the tree: ${file.path}`);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.writeFileSync(destination, file.content);
    }
    const mode = fs.statSync(target, { throwIfNoEntry: false })?.mode;
    if (mode !== undefined) fs.chmodSync(staging, mode & 0o7777); // the folder keeps its mode
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { target, staging };
}

/** The second half of `writeTreeAtomic`: the staged tree takes its target's place. */
export function swapInTree({ staging, target }: StagedTree): void {
  swap(staging, target);
}

function swap(staging: string, target: string): void {
  if (!fs.existsSync(target)) return fs.renameSync(staging, target);
  const old = workFile(target, "old");
  fs.renameSync(target, old);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    fs.renameSync(old, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Brings `target` back after an interrupted run: a complete new tree (it exists beside a
 * moved-aside old one only once it is complete) takes the free place, else the old one
 * returns. Then the leftovers go, including the `.<name>.new-XXXXXX` folders of earlier
 * versions.
 */
export function recoverSwap(target: string): void {
  const staging = workFile(target, "new");
  const old = workFile(target, "old");
  if (!fs.existsSync(target) && fs.existsSync(old)) fs.renameSync(fs.existsSync(staging) ? staging : old, target);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(old, { recursive: true, force: true });
  const parent = path.dirname(target);
  const legacy = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.new-[A-Za-z0-9]{6}(\\.old)?$`);
  for (const name of fs.existsSync(parent) ? fs.readdirSync(parent) : []) {
    if (legacy.test(name)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
