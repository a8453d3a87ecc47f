import * as fs from "fs";
import * as path from "path";
import { FleetConfigError } from "../fleet/errors";
import * as names from "../fleet/names";
import { PROJECT_FOLDERS } from "../fleet/paths";

/**
 * The file `npm run synth` writes at the root of every tree it renders. A non-empty folder
 * without it was not written by this program, so it is never replaced.
 */
export const { TREE_MARKER, TREE_MARKER_CONTENT } = names;

/** Siblings a run leaves beside its output folder while it works: `.<name>.eks-fleet-{lock,new,old}` (ignored by Git). */
export function workFile(target: string, kind: "lock" | "new" | "old"): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.eks-fleet-${kind}`);
}

/** The repository this program lives in: its root and source folders are never output. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/**
 * Resolves `dir` (symbolic links included) and refuses, as bad input naming `shown`, any
 * folder a run must not replace: the file-system root, the working directory or one of its
 * parents, a repository root, anything inside `.git` or another hidden or project folder of
 * a repository, a file, or a non-empty folder for which `ownsContent` is false.
 */
export function checkOutputFolder(dir: string, shown: string, ownsContent: (dir: string) => boolean = holdsTree): string {
  const fail = (message: string): never => {
    throw new FleetConfigError([{ path: shown || "--out", message }]);
  };
  if (dir.trim() === "") fail("is empty: name the folder to write");
  const target = realTarget(path.resolve(dir), fail);
  if (target === path.parse(target).root) fail("is the file-system root");
  if (target.split(path.sep).includes(".git")) fail("is inside a .git folder");
  const cwd = safeRealpath(process.cwd());
  if (isInside(cwd, target)) fail(target === cwd ? "is the working directory" : "is a parent of the working directory");
  for (const root of repositoryRoots(cwd)) {
    if (isInside(root, target)) fail("is a repository root or one of its parents");
    if (!isInside(target, root)) continue;
    const first = path.relative(root, target).split(path.sep)[0];
    if (first.startsWith(".")) fail(`is inside the hidden folder '${first}' of the repository`);
    if (PROJECT_FOLDERS.includes(first)) fail(`is inside '${first}', a folder of the project itself`);
  }
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) fail("is a file, not a folder");
  if (stat && fs.readdirSync(target).length > 0 && !ownsContent(target)) {
    fail(`is not empty and has no ${TREE_MARKER} file: it was not written by eks-fleet, so it is not replaced (name a new or empty folder)`);
  }
  return target;
}

/** Whether `dir` holds a tree this program rendered. */
export function holdsTree(dir: string): boolean {
  return fs.lstatSync(path.join(dir, TREE_MARKER), { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Whether `dir` is itself a folder (not a link to one) that holds a tree this program rendered
 * or is rendering: the only work folders (`.<name>.eks-fleet-{new,old}`) a run ever moves or
 * removes. A staging folder gets its marker first, so even a half-written one is recognized.
 */
export function isOwnTree(dir: string): boolean {
  return (fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false) && holdsTree(dir);
}

/**
 * `dir` with every existing ancestor resolved through symbolic links; a file on the way is bad
 * input, and so is a link that leads nowhere (writing "through" it would replace the link).
 */
function realTarget(dir: string, fail: (message: string) => never): string {
  let existing = dir;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    if (isSymbolicLink(existing)) fail(`'${existing}' is a symbolic link that leads nowhere`);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  if (rest.length > 0 && !fs.statSync(existing).isDirectory()) fail(`'${existing}' is a file, not a folder`);
  return path.join(safeRealpath(existing), ...rest);
}

function isSymbolicLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false; // missing, or a file on the way (reported below)
  }
}

/** The repository of this program and the one around the working directory. */
function repositoryRoots(cwd: string): string[] {
  const roots = new Set([safeRealpath(PROJECT_ROOT)]);
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, ".git"))) {
      roots.add(dir);
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return [...roots];
}

/** Whether `inner` is `outer` or inside it. */
function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function safeRealpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
