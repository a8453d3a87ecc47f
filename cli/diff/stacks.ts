import * as fs from "fs";
import * as path from "path";
import { stackNameOf } from "../../fleet";
import { git } from "./git";

/**
 * The stack files a pull request changes the preview of, absolute, in the project folder
 * `projectDir`: every stack when anything besides stack files changed (the program, charts
 * or policies change what every stack plans), else the stack files that changed, including
 * one the change adds or deletes. With no change at all, every stack.
 */
export function stacksToDiff(root: string, commit: string, projectDir: string): string[] {
  const inProject = (file: string) => path.dirname(path.join(root, file)) === path.resolve(projectDir);
  const isStack = (file: string) => inProject(file) && stackNameOf(file) !== undefined;
  const changed = [
    ...git(["diff", "--name-only", commit, "--"], root).split("\n"),
    ...git(["ls-files", "--others", "--exclude-standard"], root).split("\n"),
  ].filter(Boolean);
  const projectRel = path.relative(root, projectDir);
  const atBase = git(["ls-tree", "--name-only", commit, "--", projectRel ? `${projectRel}/` : "."], root).split("\n").filter((f) => f && isStack(f));
  const atHead = fs.readdirSync(projectDir).filter((f) => stackNameOf(f) !== undefined).map((f) => path.relative(root, path.join(projectDir, f)));
  const all = [...new Set([...atBase, ...atHead])];
  const changedStacks = changed.filter(isStack);
  const chosen = changed.some((f) => !isStack(f)) || changedStacks.length === 0 ? all : changedStacks;
  return [...new Set(chosen)].sort().map((f) => path.join(root, f));
}
