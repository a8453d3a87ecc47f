import * as fs from "fs";
import * as path from "path";
import { EXIT, UsageError } from "../errors";
import { PlanDocument } from "../plan-document";
import { emptyPlan } from "./compare-plans";
import { ManifestTree, readTree } from "./compare-trees";
import { PlanRun, runPlan } from "./git";
import { DiffSide } from "./markdown";

export type PlannedSide = Omit<DiffSide, "label">;

/** The same stack file at the base: the same path inside the repository, else the same file. */
export function baseConfigFile(root: string, baseDir: string, configFile: string): string {
  // The file may be gone at the head (a change deleting the stack): resolve its folder only.
  const relative = path.relative(fs.realpathSync(root), path.join(fs.realpathSync(path.dirname(configFile)), path.basename(configFile)));
  return relative.startsWith("..") || path.isAbsolute(relative) ? configFile : path.join(baseDir, relative);
}

/**
 * Plans the base with the base's own code. A base without the stack (a PR adding it) or
 * with an invalid one compares as an empty fleet, with a note saying so.
 */
export async function planBase(dir: string, configFile: string, out: string, stack: string): Promise<PlannedSide> {
  const empty = (note: string): PlannedSide => ({ plan: emptyPlan(stack), tree: new Map() as ManifestTree, note });
  const name = path.basename(configFile);
  if (!fs.existsSync(configFile)) return empty(`\`${name}\` does not exist at the base: everything is new.`);
  const run = await runPlan(dir, configFile, out);
  if (run.code === EXIT.badInput) {
    return empty(`\`${name}\` is not valid at the base (${run.stderr.split("\n")[0] || "bad input"}): compared against an empty fleet.`);
  }
  return { plan: readPlan(out, run, "base"), tree: readTree(path.join(out, "gitops")) };
}

/** Plans the working tree; here bad input is the author's to fix (exit 2). */
export async function planHead(dir: string, configFile: string, out: string): Promise<PlannedSide> {
  const run = await runPlan(dir, configFile, out);
  if (run.code === EXIT.badInput) throw new UsageError(run.stderr || `${path.basename(configFile)}: bad input`);
  return { plan: readPlan(out, run, "head"), tree: readTree(path.join(out, "gitops")) };
}

function readPlan(out: string, run: PlanRun, side: string): PlanDocument {
  const file = path.join(out, "plan.json");
  if ((run.code !== EXIT.ok && run.code !== EXIT.violations) || !fs.existsSync(file)) {
    throw new Error(`the plan at the ${side} failed (exit ${run.code}): ${run.stderr.split("\n").slice(0, 5).join(" / ")}`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
}
