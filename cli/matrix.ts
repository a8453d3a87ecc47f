import * as fs from "fs";
import * as path from "path";
import { deployMatrix, matrixOutputs } from "../deploy/matrix";
import * as YAML from "yaml";
import { FLEET_KEY, fleetFromStackFile, readBounded, stackNameOf } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { EXIT, runCommand, UsageError } from "./errors";
import { holdingResources } from "../deploy/automation-runner";
import type { StackSummary } from "@pulumi/pulumi/automation";

const USAGE = "npm run matrix [-- --stack NAME | --config FILE] [--only STACK,...] [--holding FILE [--org ORG]]";

/**
 * `npm run matrix`: the workflows' job matrices as `name=<JSON>` lines for `$GITHUB_OUTPUT`
 * (`stacks`, every stack; `stage1` … the deploy workflow's stages: deploy/matrix.ts), over the stack file
 * given or every fleet's stack file in the project folder (a file without `eks-fleet:fleet`
 * is one of a per-cluster fleet's own stacks, which read their fleet's file). `--only`
 * keeps the stacks a change touches. `--holding`: the backend's stacks as `pulumi stack ls
 * --json --all` prints them (of `--org`, when given): a stack that holds no resources yet
 * deploys in the stage `npm run deploy` gives it (deploy/stacks.ts `deployStages`); without
 * it, every stack is taken as holding some.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, only: { type: "string" }, holding: { type: "string" }, org: { type: "string" } }, USAGE);
  const chosen = flags.stack !== undefined || flags.config !== undefined;
  const files = chosen ? [stackArgs(flags).configFile] : fleetFiles(process.cwd());
  const fleets = files.map((file) => ({ fleetStack: stackNameOf(file)!, spec: fleetFromStackFile(file).spec }));
  const only = flags.only === undefined ? undefined : new Set(flags.only.split(",").map((s) => s.trim()).filter(Boolean));
  const holding = flags.holding === undefined ? undefined : holdingResources(stackList(flags.holding), flags.org);
  for (const line of matrixOutputs(deployMatrix(fleets, only, (stack) => holding !== undefined && !holding.has(stack)))) console.log(line);
  return EXIT.ok;
}

/** `pulumi stack ls --json` output: a list of stack summaries (bad input, exit 2, otherwise). */
function stackList(file: string): StackSummary[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readBounded(file, "--holding", 16 * 1024 * 1024, "a stack list is a few hundred bytes a stack").toString("utf8"));
  } catch (err) {
    throw new UsageError(`--holding: ${file} is not the JSON of pulumi stack ls --json (${err instanceof Error ? err.message : String(err)})\nusage: ${USAGE}`);
  }
  const valid = Array.isArray(parsed) && parsed.every((s) => typeof s?.name === "string" && (s.resourceCount === undefined || typeof s.resourceCount === "number"));
  if (!valid) throw new UsageError(`--holding: ${file} is not the JSON of pulumi stack ls --json (a list of { name, resourceCount })\nusage: ${USAGE}`);
  return parsed as StackSummary[];
}

/**
 * The project's fleet stack files: those that hold a fleet. Read leniently, only for the key:
 * a fleet's own file is then read in full (its errors are reported); a per-cluster fleet's
 * stack files hold at most what `pulumi stack init` writes (`encryptionsalt`).
 */
function fleetFiles(dir: string): string[] {
  return fs.readdirSync(dir)
    .filter((name) => stackNameOf(name) !== undefined)
    .map((name) => path.join(dir, name))
    .filter((file) => holdsFleet(readBounded(file, path.basename(file)).toString("utf8")))
    .sort();
}

function holdsFleet(text: string): boolean {
  try {
    const config = YAML.parse(text)?.config;
    return typeof config === "object" && config !== null && FLEET_KEY in config;
  } catch {
    // Not YAML: read in full, so its error is reported.
    return true;
  }
}

if (require.main === module) runCommand(main);
