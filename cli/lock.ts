import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "./errors";

export interface LockOptions {
  /** How long to wait for another run to finish. @default 30 s */
  readonly waitMs?: number;
  /** How `file`'s lock is named in the message when waiting fails. */
  readonly shown?: string;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const POLL_MS = 100;
/** A lock file still empty after this long was left by a run killed right after creating it. */
const EMPTY_LOCK_STALE_MS = 5000;

/**
 * Runs `work` while holding the lock file `lockFile` (created with O_EXCL, holding the pid,
 * host and start time), so two runs on the same folder or stack file serialize: the second
 * waits, then fails with one line naming the holder. A lock whose process is gone (same
 * host, pid no longer alive) is stale and taken over.
 */
export async function withLock<T>(lockFile: string, work: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(lockFile, options);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Takes the lock (waiting as `withLock` does) and returns the function that releases it. */
export async function acquireLock(lockFile: string, options: LockOptions = {}): Promise<() => void> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() } satisfies Holder);
  for (;;) {
    if (tryCreate(lockFile, mine)) break;
    const holder = readHolder(lockFile);
    if (holder === "gone") continue;
    if (isStale(lockFile, holder)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : "a run that is starting";
      throw new UsageError(
        `${options.shown ?? lockFile}: in use by another run (${who}); wait for it to finish, or delete ${path.basename(lockFile)} if that process is gone`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  // Only our own lock: never one a later run took over.
  return () => {
    if (readText(lockFile) === mine) fs.rmSync(lockFile, { force: true });
  };
}

function tryCreate(lockFile: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The lock's holder, undefined when unreadable (being written), "gone" when released meanwhile. */
function readHolder(lockFile: string): Holder | undefined | "gone" {
  const text = readText(lockFile);
  if (text === undefined) return "gone";
  try {
    const holder = JSON.parse(text) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.host === "string" ? holder : undefined;
  } catch {
    return undefined;
  }
}

function isStale(lockFile: string, holder: Holder | undefined): boolean {
  if (holder === undefined) {
    const age = Date.now() - (fs.statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    return age > EMPTY_LOCK_STALE_MS;
  }
  // A process on another host cannot be checked from here: its lock is respected.
  return holder.host === os.hostname() && !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
