import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fleetFromStackFile } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { emptyPlan } from "./diff/compare-plans";
import { ManifestTree, readTree } from "./diff/compare-trees";
import { repoRoot, resolveCommit, runPlan, withWorktree } from "./diff/git";
import { DiffSide, renderComment } from "./diff/markdown";
import { topologyOf } from "./diff/topology";
import { EXIT, runCommand, UsageError } from "./errors";
import { PlanDocument } from "./plan-document";

const USAGE = "npm run diff -- --base GITREF [--stack NAME | --config FILE]";

/**
 * `npm run diff`: plans and renders the fleet at a base revision (in a temporary git
 * worktree) and in the working tree, and prints the difference as Markdown for a
 * pull-request comment. Exit 1 when the head has a mandatory policy violation.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, base: { type: "string" } }, USAGE);
  if (!flags.base) throw new UsageError(`--base GITREF is required\nusage: ${USAGE}`);
  const { configFile } = stackArgs(flags);
  const root = repoRoot(process.cwd());
  const commit = resolveCommit(root, flags.base);
  // The head must be valid input: its errors are the author's to fix (exit 2).
  const { spec, config } = fleetFromStackFile(configFile);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-diff-"));
  try {
    const base = await withWorktree(root, commit, scratch, (dir) => planBase(dir, baseConfigFile(root, dir, configFile), path.join(scratch, "base-out"), config.stack));
    const head = planSide(root, configFile, path.join(scratch, "head-out"), "working tree");
    const markdown = renderComment({
      base: { ...base, label: `${flags.base} (${commit.slice(0, 7)})` },
      head,
      topology: topologyOf(spec),
    });
    process.stdout.write(markdown);
    return head.plan.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The same stack file at the base: the same path inside the repository, else the same file. */
function baseConfigFile(root: string, baseDir: string, configFile: string): string {
  const relative = path.relative(fs.realpathSync(root), fs.realpathSync(configFile));
  return relative.startsWith("..") || path.isAbsolute(relative) ? configFile : path.join(baseDir, relative);
}

/** A base without the stack (a PR adding it) or with an invalid one compares as an empty fleet. */
async function planBase(dir: string, configFile: string, out: string, stack: string): Promise<Omit<DiffSide, "label">> {
  const empty = (note: string) => ({ plan: emptyPlan(stack), tree: new Map() as ManifestTree, note });
  const name = path.basename(configFile);
  if (!fs.existsSync(configFile)) return empty(`\`${name}\` does not exist at the base: everything is new.`);
  const run = runPlan(dir, configFile, out);
  if (run.code === EXIT.badInput) return empty(`\`${name}\` is not valid at the base (${run.stderr.split("\n")[0] || "bad input"}): compared against an empty fleet.`);
  return { plan: readPlan(out, run, "base"), tree: readTree(path.join(out, "gitops")) };
}

function planSide(dir: string, configFile: string, out: string, label: string): DiffSide {
  const run = runPlan(dir, configFile, out);
  if (run.code === EXIT.badInput) throw new UsageError(run.stderr || `${path.basename(configFile)}: bad input`);
  return { label, plan: readPlan(out, run, label), tree: readTree(path.join(out, "gitops")) };
}

function readPlan(out: string, run: { code: number; stderr: string }, side: string): PlanDocument {
  const file = path.join(out, "plan.json");
  if ((run.code !== EXIT.ok && run.code !== EXIT.violations) || !fs.existsSync(file)) {
    throw new Error(`the plan at the ${side} failed (exit ${run.code}): ${run.stderr.split("\n").slice(0, 5).join(" / ")}`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
}

if (require.main === module) runCommand(main);
