import { ChildProcess, spawn, SpawnOptions } from "child_process";

/**
 * Ctrl-C (or a CI job's SIGTERM) during `diff` must not leave a git worktree registered or
 * plans running. Child processes run in their own process group, so one signal stops the
 * child and everything it started; cleanups undo what was set up, newest first.
 */
const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];

/** Spawns a child in its own process group, stopped on interrupt. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.on("error", () => children.delete(child));
  return child;
}

/** Runs `cleanup` on interrupt until the returned function is called. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/** Stops every tracked child (its whole process group), then runs the cleanups, newest first. */
export function interrupt(): void {
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // keep cleaning up the rest
    }
  }
}

/** The command line's handlers: clean up, then exit with the shell's code for the signal. */
export function exitCleanlyOnSignals(): void {
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes)) {
    process.once(signal, () => {
      interrupt();
      console.error(`diff: interrupted (${signal}); its worktree and plans were removed`);
      process.exit(code);
    });
  }
}
