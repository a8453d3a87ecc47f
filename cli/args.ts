import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { UsageError } from "./errors";
import { stackFile } from "../fleet";

export interface StackArgs {
  /** The stack file to read: `--config FILE`, or `Pulumi.<--stack>.yaml` (default prod). */
  readonly configFile: string;
}

/** Parses flags strictly: an unknown flag or a missing value is bad input (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${usage}`);
  }
}

export const STACK_OPTIONS = {
  stack: { type: "string" },
  config: { type: "string" },
} as const;

export function stackArgs(values: { stack?: string; config?: string }): StackArgs {
  if (values.stack !== undefined && values.config !== undefined) throw new UsageError("--stack and --config are mutually exclusive");
  if (values.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.stack)) throw new UsageError(`--stack: '${values.stack}' is not a stack name`);
  return { configFile: values.config !== undefined ? path.resolve(values.config) : stackFile(values.stack ?? "prod") };
}
