import * as fs from "fs";
import * as path from "path";
import { FleetConfigError } from "./errors";

/**
 * The file access every layer shares: reads that never block or grow without bound, and
 * writes that only ever create a new path. Errors keep the path they concern, so a command
 * reports `out/plan.json: no space left on device (ENOSPC)` rather than a bare code.
 */

/** A file as a user would name it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** A stack file is a few kilobytes; this bounds what a mistaken `--config` (a log, a disk image) can cost. */
export const MAX_STACK_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A manifest file of the GitOps tree or of `replicated/`: etcd stores an object of at most
 * 1.5 MiB by default (etcd `--max-request-bytes`), so a file of a few objects stays far below this.
 */
export const MAX_MANIFEST_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a regular file of at most `limit` bytes. A FIFO, a device (`/dev/zero`, or a link to
 * it) or a folder is refused before any read, so nothing blocks or grows without bound.
 * Problems are bad input naming `name`.
 */
export function readBounded(file: string, name = path.basename(file), limit = MAX_STACK_FILE_BYTES, why = "a stack file is a few kilobytes"): Buffer {
  const fail = (message: string): never => {
    throw new FleetConfigError([{ path: name, message }]);
  };
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) fail("is not a regular file");
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > limit) fail(`is larger than ${formatBytes(limit)}; ${why}`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof FleetConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is not a regular file" : `cannot read (${(err as Error).message.split("\n")[0]})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`;
}

/**
 * Creates `file` with `content`; fails if anything at all is at that path (O_EXCL: a file, a
 * folder, a link, even a dangling one), so a planted link is never written through. A write
 * that fails after the create removes the file again.
 */
export function writeNewFile(file: string, content: string | Buffer, mode = 0o644, shown = file): void {
  let fd: number;
  try {
    fd = fs.openSync(file, "wx", mode);
  } catch (err) {
    throw withPath(err, shown);
  }
  try {
    fs.writeFileSync(fd, content);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw withPath(err, shown);
  }
  fs.closeSync(fd);
}

/**
 * A file-system error, named by `file`: the errors of fd-based calls (write, fsync) carry no
 * path, and a temporary file's name means nothing to the user.
 */
export function withPath(err: unknown, file: string): unknown {
  const errno = err as NodeJS.ErrnoException;
  if (errno && typeof errno === "object" && typeof errno.code === "string") errno.path = file;
  return err;
}
