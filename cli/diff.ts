import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fleetFromStackFile } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { repoRoot, resolveCommit, withWorktree } from "./diff/git";
import { exitCleanlyOnSignals, onInterrupt } from "./diff/interrupt";
import { renderComment } from "./diff/markdown";
import { baseConfigFile, planBase, planHead } from "./diff/sides";
import { topologyOf } from "./diff/topology";
import { EXIT, runCommand, UsageError } from "./errors";
import { redact } from "./redact";

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
  const forget = onInterrupt(() => fs.rmSync(scratch, { recursive: true, force: true }));
  // Both sides plan at once; the scratch folder goes only after both have finished.
  const headPlan = planHead(root, configFile, path.join(scratch, "head-out"));
  try {
    const [base, head] = await Promise.all([
      withWorktree(root, commit, scratch, (dir) => planBase(dir, baseConfigFile(root, dir, configFile), path.join(scratch, "base-out"), config.stack)),
      headPlan,
    ]);
    const markdown = renderComment({
      base: { ...base, label: `${flags.base} (${commit.slice(0, 7)})` },
      head: { ...head, label: "working tree" },
      topology: topologyOf(spec),
    });
    process.stdout.write(redact(markdown));
    return head.plan.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
  } finally {
    await headPlan.catch(() => undefined);
    forget();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  exitCleanlyOnSignals();
  runCommand(main);
}
