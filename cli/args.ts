import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { UsageError } from "./errors";
import { stackFile, stackNameOf } from "../fleet";
import { UNAVAILABLE_OPTION } from "./engine/outage";

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

/**
 * The flags of every `npm run` command, by script name: what each command parses (strictly),
 * and what docs/RUNBOOK.md's commands are checked against. `rollout` takes its subcommand
 * (status, promote, abort) before them.
 */
export const COMMAND_OPTIONS = {
  plan: { ...STACK_OPTIONS, ...UNAVAILABLE_OPTION, out: { type: "string" }, json: { type: "boolean" }, "only-stack": { type: "string" } },
  synth: { ...STACK_OPTIONS, out: { type: "string" }, check: { type: "boolean" } },
  check: { ...STACK_OPTIONS, plan: { type: "string" }, gitops: { type: "string" }, "policy-config": { type: "string" }, json: { type: "boolean" } },
  diff: { ...STACK_OPTIONS, base: { type: "string" }, "touched-stacks": { type: "boolean" } },
  failover: { ...STACK_OPTIONS, ...UNAVAILABLE_OPTION, to: { type: "string" }, "dry-run": { type: "boolean" } },
  rollout: { ...STACK_OPTIONS, outputs: { type: "string" }, replay: { type: "string" }, watch: { type: "boolean" }, resume: { type: "boolean" }, write: { type: "boolean" } },
  roles: { ...STACK_OPTIONS },
  deploy: { ...STACK_OPTIONS, preview: { type: "boolean" }, parallel: { type: "string" }, "stack-parallel": { type: "string" }, only: { type: "string" }, org: { type: "string" } },
  matrix: { ...STACK_OPTIONS, only: { type: "string" } },
  migrate: { ...STACK_OPTIONS, org: { type: "string" } },
} as const;

/** The stack a command acts on without `--stack` or `--config`. */
export const DEFAULT_STACK = "prod";

/**
 * The stack file of `--config FILE`, or of `--stack NAME` (`Pulumi.<NAME>.yaml` in `dir`, the
 * Pulumi project), default `prod`. A stack that is not there is bad input naming the ones that are.
 */
export function stackArgs(values: { stack?: string; config?: string }, dir = process.cwd()): StackArgs {
  if (values.stack !== undefined && values.config !== undefined) throw new UsageError("--stack and --config are mutually exclusive");
  if (values.config !== undefined) return { configFile: path.resolve(values.config) };
  const stack = values.stack ?? DEFAULT_STACK;
  const flag = values.stack !== undefined ? "--stack" : `--stack (default ${DEFAULT_STACK})`;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack: '${stack}' is not a stack name`);
  const configFile = stackFile(stack, dir);
  if (!fs.existsSync(configFile)) throw new UsageError(`${flag}: no stack '${stack}' here (${path.basename(configFile)} not found); ${stacksHere(dir)}`);
  return { configFile };
}

/** The stacks of the project in `dir` (its `Pulumi.<stack>.yaml` files beside `Pulumi.yaml`), in words. */
function stacksHere(dir: string): string {
  if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) return "no Pulumi.yaml here either: run from the project folder, or name the file with --config FILE";
  const stacks = fs.readdirSync(dir).map((name) => stackNameOf(name)).filter((name): name is string => name !== undefined).sort();
  return stacks.length ? `stacks here: ${stacks.join(", ")}` : "this project has no stack file yet: create Pulumi.<stack>.yaml (see README, Quick start)";
}
