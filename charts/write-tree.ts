import * as fs from "fs";
import * as path from "path";
import { FleetConfigError } from "../fleet/errors";
import { shownPath, withPath, writeNewFile } from "../fleet/safe-files";
import { checkOutputFolder, isOwnTree, TREE_MARKER, TREE_MARKER_CONTENT, workFile } from "./output-folder";
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
 *
 * Every path is created exclusively (mkdir, O_EXCL), so nothing is written through a link
 * planted at a work path, and only folders that carry the marker are ever moved or removed
 * (`isOwnTree`): anything else at a work path stops the run before it changes anything.
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
  checkWorkPathsFree(target, shown);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = workFile(target, "new");
  try {
    fs.mkdirSync(staging, 0o755);
  } catch (err) {
    throw withPath(err, staging);
  }
  try {
    // The marker first: it claims the folder as this program's, even half-written.
    for (const file of [{ path: TREE_MARKER, content: TREE_MARKER_CONTENT }, ...files]) {
      const destination = path.join(staging, file.path);
      if (!destination.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the tree: ${file.path}`);
      mkdirs(staging, path.dirname(destination));
      writeNewFile(destination, file.content, 0o644, path.join(target, file.path));
    }
    const mode = fs.statSync(target, { throwIfNoEntry: false })?.mode;
    if (mode !== undefined) fs.chmodSync(staging, mode & 0o7777); // the folder keeps its mode
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { target, staging };
}

/** Creates the folders from `root` (which exists) down to `dir`, naming the output path on failure. */
function mkdirs(root: string, dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw withPath(err, dir);
  }
}

/**
 * The second half of `writeTreeAtomic`: the staged tree takes its target's place. `alongside`
 * runs once it has (`npm run plan` moves plan.json into place there); if it fails, the old
 * tree comes back, so the two outputs change together or not at all.
 */
export function swapInTree({ staging, target }: StagedTree, alongside: () => void = () => undefined): void {
  const existing = fs.lstatSync(target, { throwIfNoEntry: false });
  let old: string | undefined;
  if (existing?.isDirectory() && !isOwnTree(target)) {
    fs.rmdirSync(target); // an empty folder (checkOutputFolder refuses any other): nothing to keep
  } else if (existing) {
    old = workFile(target, "old");
    fs.renameSync(target, old);
  }
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    if (old) fs.renameSync(old, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw withPath(err, target);
  }
  try {
    alongside();
  } catch (err) {
    fs.renameSync(target, staging);
    if (old) fs.renameSync(old, target);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Brings `target` back after an interrupted run: a complete new tree (it exists beside a
 * moved-aside old one only once it is complete) takes the free place, else the old one
 * returns. Then this program's leftovers go. Anything at a work path that is not a folder
 * carrying the marker is left alone.
 */
export function recoverSwap(target: string): void {
  const staging = workFile(target, "new");
  const old = workFile(target, "old");
  if (!fs.lstatSync(target, { throwIfNoEntry: false }) && isOwnTree(old)) {
    fs.renameSync(isOwnTree(staging) ? staging : old, target);
  }
  for (const leftover of [staging, old]) if (isOwnTree(leftover)) fs.rmSync(leftover, { recursive: true, force: true });
  const parent = path.dirname(target);
  // Work folders of earlier versions (`.<name>.new-XXXXXX`), once they hold a tree.
  const legacy = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.new-[A-Za-z0-9]{6}(\\.old)?$`);
  const names = fs.lstatSync(parent, { throwIfNoEntry: false })?.isDirectory() ? fs.readdirSync(parent) : [];
  for (const name of names) if (legacy.test(name) && isOwnTree(path.join(parent, name))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
}

/**
 * Refuses, before anything changes, when a work path holds something this program did not
 * make (its own leftovers are what `recoverSwap` takes care of).
 */
export function checkWorkPathsFree(target: string, shown = target): void {
  const problems = (["new", "old"] as const).flatMap((kind) => {
    const work = workFile(target, kind);
    return fs.lstatSync(work, { throwIfNoEntry: false }) && !isOwnTree(work)
      ? [{ path: shownPath(work), message: `is in the way of ${shown}: it was not made by this program, so it is left as it is; move it away` }]
      : [];
  });
  if (problems.length > 0) throw new FleetConfigError(problems);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
