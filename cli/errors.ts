import { FleetConfigError, formatProblem } from "../fleet";

/** A bad flag or argument: exit 2 like any other bad input. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, violations: 1, badInput: 2, internal: 70 } as const;

/**
 * Runs a command with the exit-code contract of every command: 0 ok, 1 a mandatory
 * policy violation, 2 bad input (one line per problem, never a stack trace).
 */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof FleetConfigError) {
        for (const problem of err.problems) console.error(formatProblem(problem));
        process.exitCode = EXIT.badInput;
      } else if (err instanceof UsageError) {
        console.error(err.message);
        process.exitCode = EXIT.badInput;
      } else {
        console.error(`internal error: ${(err as Error)?.message ?? String(err)}`);
        if (process.env.EKS_FLEET_DEBUG) console.error(err);
        process.exitCode = EXIT.internal;
      }
    },
  );
}
