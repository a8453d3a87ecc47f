import * as fs from "fs";
import * as path from "path";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { EXIT, runCommand, UsageError } from "./errors";
import { infraViolations, resourcesByStack, treeViolationsIfPresent } from "./policy-run";
import { policyConfigFile } from "./plan-files";
import { renderDrift } from "./render-drift";
import { PlanResourceLike, PolicyConfig, sortViolations } from "../policies/evaluate";
import { TreeError } from "../policies/tree";
import { Violation } from "../policies/violation";
import { FleetConfigError, formatProblem, readBounded } from "../fleet";

/** A plan.json grows ~150 KB per cluster; this bounds what a wrong --plan can cost. */
const MAX_PLAN_BYTES = 256 * 1024 * 1024;

const USAGE = "npm run check -- [--plan FILE] [--gitops DIR [--stack NAME | --config FILE]] [--policy-config FILE|DIR] [--json]";

/**
 * `npm run check`: every policy over a given plan.json and/or rendered GitOps tree, as a
 * table of rule, level, resource or file, and message. Exit 1 on a mandatory violation,
 * 2 when an input is missing or unreadable. With `--stack`/`--config`, the tree must also be
 * a fresh render of that fleet model (which is what makes the override record trustworthy).
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.check, USAGE);
  if (flags.plan === undefined && flags.gitops === undefined) throw new UsageError(`give --plan FILE, --gitops DIR or both\nusage: ${USAGE}`);

  const configPath = flags["policy-config"];
  const perStack = configPath !== undefined && fs.statSync(configPath, { throwIfNoEntry: false })?.isDirectory() === true;
  const config = configPath === undefined || perStack ? {} : (readJson(configPath, "--policy-config") as PolicyConfig);
  const violations: Violation[] = [];
  if (flags.plan !== undefined) {
    const resources = planResources(flags.plan);
    // A folder holds each stack's config as `npm run plan` writes them: each stack judged with its own.
    const configs = perStack ? stackConfigsIn(configPath, [...resourcesByStack(resources).keys()]) : undefined;
    violations.push(...(await infraViolations(resources, config, configs)));
  }
  if (flags.gitops !== undefined) {
    const dir = path.resolve(flags.gitops);
    if (!fs.existsSync(dir)) throw new UsageError(`--gitops: ${flags.gitops}: no such directory`);
    try {
      violations.push(...treeViolationsIfPresent(dir));
      if (flags.stack !== undefined || flags.config !== undefined) violations.push(...renderDrift(dir, stackArgs(flags).configFile));
    } catch (err) {
      if (err instanceof TreeError) throw new UsageError(err.problems.map((p) => `--gitops: ${p}`).join("\n"));
      throw err;
    }
  }

  const sorted = sortViolations(violations);
  if (flags.json) process.stdout.write(`${JSON.stringify(sorted, null, 2)}\n`);
  else console.log(table(sorted));
  return sorted.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
}

function readJson(file: string, flag: string): unknown {
  let text: string;
  try {
    // Bounded like every read: a FIFO or /dev/zero given as --plan must not hang the check.
    text = readBounded(file, file, MAX_PLAN_BYTES).toString("utf8");
  } catch (err) {
    if (err instanceof FleetConfigError) throw new UsageError(`${flag}: ${formatProblem(err.problems[0])}`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag}: ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Each stack's pack config from `dir` (`policy-config.<stack>.json`); one missing is bad input. */
function stackConfigsIn(dir: string, stacks: readonly string[]): Map<string, PolicyConfig> {
  const missing = stacks.filter((s) => !fs.existsSync(path.join(dir, policyConfigFile(s))));
  if (missing.length > 0) throw new UsageError(missing.map((s) => `--policy-config: ${path.join(dir, policyConfigFile(s))}: no pack config for stack ${s} (npm run plan writes one per stack)`).join("\n"));
  return new Map(stacks.map((s) => [s, readJson(path.join(dir, policyConfigFile(s)), "--policy-config") as PolicyConfig]));
}

/** The resources of a plan.json, checked enough that rules never trip over a malformed one. */
function planResources(file: string): PlanResourceLike[] {
  const plan = readJson(file, "--plan") as { resources?: unknown };
  if (!plan || typeof plan !== "object" || !Array.isArray(plan.resources)) throw new UsageError(`--plan: ${file}: has no 'resources' list (is it a plan.json?)`);
  const problems = plan.resources.flatMap((r: any, i: number) =>
    r && typeof r === "object" && typeof r.urn === "string" && typeof r.type === "string" && typeof r.name === "string" && r.inputs && typeof r.inputs === "object"
      ? []
      : [`--plan: ${file}: resources[${i}] needs urn, type, name and inputs`],
  );
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return plan.resources as PlanResourceLike[];
}

function table(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Policies: no violations";
  const rows = [["RULE", "LEVEL", "RESOURCE OR FILE", "MESSAGE"], ...violations.map((v) => [v.policy, v.enforcement, v.file ?? v.urn ?? "(stack)", v.message])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  const mandatory = violations.filter((v) => v.enforcement === "mandatory").length;
  return [
    ...rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ")),
    `${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)`,
  ].join("\n");
}

if (require.main === module) runCommand(main);
