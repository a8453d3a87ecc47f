import * as fs from "fs";
import * as path from "path";
import { RenderedFile } from "./render";

/**
 * Replaces the folder `dir` with exactly `files`: they are written into a temporary
 * sibling folder (same file system, so the swap is a rename), then the old folder is moved
 * aside, the new one moved in and the old one removed. Any failure before the swap removes
 * the temporary folder and leaves `dir` as it was.
 */
export function writeTreeAtomic(dir: string, files: readonly RenderedFile[]): void {
  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.new-`));
  try {
    for (const file of files) {
      const destination = path.join(staging, file.path);
      if (!destination.startsWith(staging + path.sep)) throw new Error(`refusing to write outside the tree: ${file.path}`);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.writeFileSync(destination, file.content);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  swap(staging, target);
}

function swap(staging: string, target: string): void {
  if (!fs.existsSync(target)) return fs.renameSync(staging, target);
  const old = `${staging}.old`;
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
