import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../errors";
import { onInterrupt, spawnTracked } from "./interrupt";

/** Runs git and returns its trimmed stdout; a failure carries git's own message. */
export function git(args: readonly string[], cwd: string): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? "").trim();
    throw new Error(`git ${args.join(" ")}: ${stderr || (err as Error).message}`);
  }
}

/** The top of the repository around `cwd`; bad input when there is none. */
export function repoRoot(cwd: string): string {
  try {
    return git(["rev-parse", "--show-toplevel"], cwd);
  } catch {
    throw new UsageError(`--base: ${cwd} is not inside a git repository`);
  }
}

/** The commit a ref names; bad input for an unknown ref. */
export function resolveCommit(root: string, ref: string): string {
  if (ref.startsWith("-")) throw new UsageError(`--base: '${ref}' is not a git ref`);
  try {
    return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
  } catch {
    throw new UsageError(`--base: unknown git ref '${ref}' (for a pull request, fetch the base branch first)`);
  }
}

/**
 * Checks `commit` out into a temporary worktree, with the working tree's node_modules
 * linked in so the base plans without an install, and always removes it again.
 */
export async function withWorktree<T>(root: string, commit: string, scratch: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(scratch, "base");
  const modules = path.join(dir, "node_modules");
  const remove = () => {
    // Unlink first: removing the worktree must never reach into the shared node_modules.
    if (fs.lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(modules);
    try {
      git(["worktree", "remove", "--force", dir], root);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      git(["worktree", "prune"], root);
    }
  };
  // Registered before the worktree exists, so an interrupt at any point removes it.
  const forget = onInterrupt(remove);
  git(["worktree", "add", "--detach", "--quiet", dir, commit], root);
  try {
    if (!fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), modules, "dir");
    return await use(dir);
  } finally {
    forget();
    remove();
  }
}

export interface PlanRun {
  /** The plan command's exit code: 0 ok, 1 mandatory violations, 2 bad input. */
  readonly code: number;
  readonly stderr: string;
}

/** Runs a tree's own `npm run plan`, so the base is planned by the base's code. */
export function runPlan(tree: string, configFile: string, out: string): Promise<PlanRun> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked("npm", ["run", "--silent", "plan", "--", "--config", configFile, "--out", out], {
      cwd: tree,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("npm warn"));
      resolve({ code: code ?? 70, stderr: lines.join("\n") });
    });
  });
}
