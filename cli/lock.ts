import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { workFile } from "../charts/output-folder";
import { UsageError } from "./errors";

export interface LockOptions {
  /** How long to wait for another run to finish. @default 30 s */
  readonly waitMs?: number;
  /** How the locked path is named in messages. @default the path */
  readonly shown?: string;
  /** What the holder is doing, shown to a run that waits for it (`npm run plan`). */
  readonly command?: string;
}

/** What a lock file holds: who holds it, and the path it covers. */
interface Holder {
  readonly lock: "eks-fleet";
  readonly covers: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly command?: string;
}

const POLL_MS = 100;
/** A lock file is a line of JSON; anything longer was not written by this program. */
const MAX_LOCK_BYTES = 4096;

/**
 * Runs `work` while holding the lock that covers `target` (an output folder or a stack file,
 * by its real path), so that runs writing the same path, or one inside the other
 * (`plan --out D` and `synth --out D/gitops`), run one after the other.
 */
export async function withLock<T>(target: string, work: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(target, options);
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * Takes the lock covering `target` and returns the function that releases it.
 *
 * The lock is the file `.<name>.eks-fleet-lock` beside `target` (`workFile`), holding the
 * holder's pid, host, start time and command. It is written in full into a file of its own
 * first and then hard-linked into place: link(2) never replaces nor follows what is already
 * there, so a lock is complete the moment it exists and two runs cannot both take it.
 *
 * A run also honours the locks of every folder around `target` and inside it. The outer run
 * keeps its lock while it waits for the inner one to finish; the inner run steps back, so two
 * nested runs never wait for each other.
 *
 * Waiting is bounded (`waitMs`) and ends with one line naming the holder. A lock of this
 * program whose process is gone (same host) is taken over. Anything else at the lock's path
 * (a folder, a link, a FIFO, a file of someone else's) is never read through, waited on or
 * removed: the run stops at once, naming it.
 */
export async function acquireLock(target: string, options: LockOptions = {}): Promise<() => void> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  const shown = options.shown ?? target;
  const lockFile = workFile(target, "lock");
  const mine = `${JSON.stringify({ lock: "eks-fleet", covers: target, pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command: options.command } satisfies Holder)}\n`;
  const release = () => {
    // Only our own lock: never one a later run took over.
    if (readLock(lockFile).text === mine) fs.rmSync(lockFile, { force: true });
  };
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await sleep(POLL_MS);
    const busy = (holder: Holder | undefined, where: string): never | void => {
      if (Date.now() < deadline) return;
      throw new UsageError(`${shown}: ${where} by another run (${describe(holder)}); wait for it to finish, or delete ${lockFile} if that process is gone`);
    };
    if (!tryLink(lockFile, mine)) {
      const found = readLock(lockFile);
      if (found.foreign) throw new UsageError(`${shown}: ${lockFile} is in the way: ${found.foreign}, not a lock this program wrote; it is left as it is: move it away`);
      if (found.holder && isStale(found.holder)) takeOver(lockFile, found.text!);
      else busy(found.holder, "in use");
      continue;
    }
    // Ours; now the folders around it and inside it.
    const outer = heldAncestor(target);
    if (outer) {
      release();
      busy(outer, `inside ${outer.covers}, which is in use`);
      continue;
    }
    for (;;) {
      const inner = heldDescendant(target);
      if (!inner) return release;
      if (Date.now() >= deadline) {
        release();
        busy(inner, `${inner.covers} inside it is in use`);
      }
      await sleep(POLL_MS);
    }
  }
}

function describe(holder: Holder | undefined): string {
  if (!holder) return "a run that has just finished";
  return `${holder.command ? `${holder.command}, ` : ""}pid ${holder.pid} on ${holder.host} since ${holder.since}`;
}

/** Writes `content` into a new file of its own beside `lockFile`, then links it into place. */
function tryLink(lockFile: string, content: string): boolean {
  const staged = createExclusive(lockFile, content);
  try {
    fs.linkSync(staged, lockFile);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(staged, { force: true });
  }
}

/** A new file `<lockFile>.<random>` holding `content`; O_EXCL, so never an existing path or link. */
function createExclusive(lockFile: string, content: string): string {
  const file = `${lockFile}.${randomBytes(6).toString("hex")}`;
  try {
    fs.writeFileSync(file, content, { flag: "wx", mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") fs.rmSync(file, { force: true }); // a write that failed after the create
    // Named by the lock's path: the user knows that one, not the staging file's.
    throw Object.assign(err as Error, { path: lockFile });
  }
  return file;
}

/**
 * Moves a stale lock out of the way: renamed onto a file this run has just created (so
 * nothing else is replaced), then checked. If another run had taken the lock over in the
 * meantime, its lock is linked back unless yet another run holds the place by now.
 */
function takeOver(lockFile: string, stale: string): void {
  const aside = createExclusive(lockFile, "");
  try {
    fs.renameSync(lockFile, aside);
  } catch (err) {
    fs.rmSync(aside, { force: true });
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (readLock(aside).text !== stale) {
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // Another run holds the place now; the lock we moved is released when its run ends.
    }
  }
  fs.rmSync(aside, { force: true });
}

interface Found {
  /** The lock's text, when it is a regular file. */
  readonly text?: string;
  readonly holder?: Holder;
  /** What is at the path instead of a lock, if anything. */
  readonly foreign?: string;
}

/** Reads `file` without following a link or blocking on a FIFO: a lock of this program, nothing, or something foreign. */
function readLock(file: string): Found {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return {};
  if (!stat.isFile()) return { foreign: kindOf(stat) };
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      if (!fs.fstatSync(fd).isFile()) return { foreign: "not a regular file" };
      const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
      text = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  const holder = parseHolder(text);
  return holder ? { text, holder } : { text, foreign: "a file" };
}

function parseHolder(text: string): Holder | undefined {
  if (text.length > MAX_LOCK_BYTES) return undefined;
  try {
    const value = JSON.parse(text) as Holder;
    const valid = value?.lock === "eks-fleet" && typeof value.covers === "string" && Number.isInteger(value.pid) && typeof value.host === "string" && typeof value.since === "string";
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}

export function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isSymbolicLink()) return "a symbolic link";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return "a device";
  return "a file";
}

/** A process on another host cannot be checked from here: its lock is respected until the wait ends. */
function isStale(holder: Holder): boolean {
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

/** A live lock of this program on a folder that holds `target`. */
function heldAncestor(target: string): Holder | undefined {
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const holder = liveHolder(workFile(dir, "lock"));
    if (holder) return holder;
  }
  return undefined;
}

/** A live lock of this program on a path inside the folder `target` (links are not followed). */
function heldDescendant(target: string): Holder | undefined {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return undefined;
  const folders = [target];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // removed meanwhile, or unreadable: no lock of ours can be there
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) folders.push(full);
      else if (entry.isFile() && LOCK_NAME.test(entry.name)) {
        const holder = liveHolder(full);
        if (holder) return holder;
      }
    }
  }
  return undefined;
}

const LOCK_NAME = /^\..+\.eks-fleet-lock$/;

function liveHolder(lockFile: string): Holder | undefined {
  const { holder } = readLock(lockFile);
  return holder && !isStale(holder) ? holder : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
