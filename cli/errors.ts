import * as path from "path";
import { FleetConfigError, formatProblem } from "../fleet/errors";
import { redactStream } from "./redact";

/** A bad flag or argument: exit 2 like any other bad input. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, violations: 1, badInput: 2, internal: 70 } as const;

/** What the file system said, in words, for the errors a user can fix (exit 2). */
const FILE_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EFBIG: "file too large",
  EDQUOT: "disk quota exceeded",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder, not a file",
  ENOTEMPTY: "folder not empty",
  EEXIST: "already exists",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EIO: "input/output error",
  EMFILE: "too many open files",
  EBUSY: "busy",
  EXDEV: "crosses file systems",
  ENOENT: "no such file or folder",
};

/**
 * Runs a command with the exit-code contract of every command: 0 ok, 1 a mandatory
 * policy violation, 2 bad input (one line per problem, never a stack trace), 70 an internal
 * error (a bug: its full message, and the stack trace with `--debug`).
 */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  redactStream(process.stdout);
  redactStream(process.stderr);
  exitQuietlyOnBrokenPipe(process.stdout);
  // Every command takes --debug; it changes only how an internal error is reported.
  const argv = process.argv.slice(2);
  const debug = argv.includes("--debug") || !!process.env.EKS_FLEET_DEBUG;
  main(argv.filter((arg) => arg !== "--debug")).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportFailure(err, (line) => console.error(line), debug);
    },
  );
}

/** Prints `err` as one line per problem and returns the exit code it means. */
export function reportFailure(err: unknown, print: (line: string) => void, debug = false): number {
  if (err instanceof FleetConfigError) {
    for (const problem of err.problems) print(formatProblem(problem));
    return EXIT.badInput;
  }
  if (err instanceof UsageError) {
    for (const line of err.message.split("\n")) print(line);
    return EXIT.badInput;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && FILE_ERRORS[code]) {
    const file = (err as NodeJS.ErrnoException).path;
    print(`${file ? shownPath(file) : "file system"}: ${FILE_ERRORS[code]} (${code})`);
    return EXIT.badInput;
  }
  // A bug: the whole message (never cut to its first line), then the trace on request.
  const message = String((err as Error)?.message ?? err);
  print(`internal error (exit ${EXIT.internal}): ${message}`);
  if (debug) print(String((err as Error)?.stack ?? err));
  else print("This is a bug in eks-fleet. Run the command again with --debug to see the stack trace, and include it in a report.");
  return EXIT.internal;
}

/** A path relative to the working directory when inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * `npm run plan -- --json | head`: the reader went away. That ends the command quietly
 * (what a Unix tool does on SIGPIPE), not with an EPIPE stack trace.
 */
export function exitQuietlyOnBrokenPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") return exit(typeof process.exitCode === "number" ? process.exitCode : EXIT.ok);
    console.error(`internal error: cannot write output (${err.code ?? err.message})`);
    exit(EXIT.internal);
  });
}
