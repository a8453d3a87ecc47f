import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetConfigError, fleetFromStackFile, FleetSpec, projectFolderOf, readRolloutState, stackNameOf, withClusterReleases } from "../fleet";
import { multiWaveProblems, upgradeProblems, versionsInPlan } from "../fleet/upgrades";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { repoRoot, resolveCommit, withWorktree } from "./diff/git";
import { exitCleanlyOnSignals, onInterrupt } from "./diff/interrupt";
import { DiffInput, renderComments } from "./diff/markdown";
import { stateMoveCommands, stateMoves } from "../deploy/migration";
import { touchedStacks } from "../deploy/touched";
import { baseConfigFile, planBase, planHead, PlannedSide } from "./diff/sides";
import { stacksToDiff } from "./diff/stacks";
import { Topology, topologyOf } from "./diff/topology";
import { EXIT, runCommand, UsageError } from "./errors";
import { shownTree, stackName } from "./next-steps";
import type { PlanDocument } from "./plan-document";
import { redact } from "./redact";

const USAGE = "npm run diff -- --base GITREF [--stack NAME | --config FILE] [--touched-stacks]";

/**
 * `npm run diff`: plans and renders the fleet at a base revision (in a temporary git
 * worktree) and in the working tree, and prints the difference as Markdown for a
 * pull-request comment: of `--stack`/`--config`, else of every stack the change touches.
 * Exit 1 when a head has a mandatory policy violation.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.diff, USAGE);
  if (!flags.base) throw new UsageError(`--base GITREF is required\nusage: ${USAGE}`);
  const root = repoRoot(process.cwd());
  const commit = resolveCommit(root, flags.base);
  const chosen = flags.stack !== undefined || flags.config !== undefined;
  const files = chosen ? [stackArgs(flags).configFile] : stacksToDiff(root, commit, process.cwd());
  // Every head must be valid input first: its errors are the author's to fix (exit 2).
  const heads = new Map<string, FleetSpec | undefined>();
  for (const file of files) heads.set(file, chosen || fs.existsSync(file) ? headSpec(file) : undefined);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-diff-"));
  const forget = onInterrupt(() => fs.rmSync(scratch, { recursive: true, force: true }));
  try {
    const inputs = await withWorktree(root, commit, scratch, async (dir) => {
      const planned: DiffInput[] = [];
      // One stack at a time, its two sides at once: the machine plans two programs, not 2 × N.
      for (const [i, file] of files.entries()) {
        const stack = stackNameOf(file) ?? "stack";
        const out = (side: string) => path.join(scratch, `${side}-${i}`);
        const spec = heads.get(file);
        const [base, plannedHead] = await Promise.all([
          planBase(dir, baseConfigFile(root, dir, file), out("base"), stack),
          spec ? planHead(root, file, out("head")) : undefined,
        ]);
        // The base is what is deployed, as far as an offline diff can know: a version step EKS
        // refuses there would fail the deploy half-way, so it is bad input now.
        const baseVersions = versionsInPlan(base.plan.resources);
        const skipped = spec ? [...upgradeProblems(spec, baseVersions, `at the base ${flags.base}`), ...multiWaveProblems(spec, baseVersions)] : [];
        if (skipped.length > 0) throw new FleetConfigError(skipped);
        const head = plannedHead ?? deletedAtHead(file, base);
        planned.push({
          base: { ...base, label: `${flags.base} (${commit.slice(0, 7)})` },
          head: { ...head, label: "working tree" },
          topology: spec ? topologyOf(spec) : noTopology(stack),
        });
      }
      return planned;
    });
    // The stacks to preview and deploy (CI's matrix: npm run matrix -- --only), comma-separated, instead of the comment.
    const touched = [...new Set(inputs.flatMap((i) => touchedStacks(i.base.plan, i.head.plan)))].sort();
    if (flags["touched-stacks"]) {
      process.stdout.write(`${touched.join(",")}\n`);
      return EXIT.ok;
    }
    const stacks = touched.length === 0 ? "none" : touched.map((s) => `\`${s}\``).join(", ");
    process.stdout.write(`${redact(renderComments(inputs)).trimEnd()}\n\n**Stacks this change touches** (CI previews and deploys only these): ${stacks}\n`);
    process.stdout.write(stateMovesNote(inputs.map((i) => ({ base: i.base.plan, head: i.head.plan }))));
    // On stderr: the comment on stdout goes to the pull request as it is.
    for (const [configFile, spec] of heads) {
      if (!spec) continue;
      const stack = { configFile, spec };
      console.error(`Next (stack ${stackName(stack)}): once reviewed, merge into ${spec.gitops.branch}: the agents apply ${shownTree(stack)} from it, and \`pulumi up --stack ${stackName(stack)}\` (the deploy workflow) the infrastructure.`);
    }
    return inputs.some((i) => i.head.plan.violations.some((v) => v.enforcement === "mandatory")) ? EXIT.violations : EXIT.ok;
  } finally {
    forget();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The `pulumi state move` commands to run before deploying, when resources change stacks (an
 * Argo CD hub's NAT addresses when the hub changes, or from the fleet stack that held them
 * before the addresses stacks: deploy/migration.ts `stateMoves`); moved first, they stay as
 * they are in AWS. Empty when nothing moves.
 */
export function stateMovesNote(plans: readonly { readonly base: PlanDocument; readonly head: PlanDocument }[]): string {
  const moves = plans.flatMap(({ base, head }) => stateMoves(base, head));
  if (moves.length === 0) return "";
  // A destination the base holds nothing in is new (an addresses stack, the first time): created first.
  const deployed = new Set(plans.flatMap(({ base }) => base.resources.map((r) => r.stack ?? base.stack)));
  const newStacks = new Set(moves.map((m) => m.dest).filter((s) => !deployed.has(s)));
  const why = "docs/RUNBOOK.md, section 3; deployed without, a stack would allocate new addresses and fail to release those a NAT gateway holds";
  return `\n**Before deploying, move these resources between stacks** (${why}):\n\n\`\`\`sh\n${stateMoveCommands(moves, undefined, newStacks).join("\n")}\n\`\`\`\n`;
}

/** The head's fleet, each cluster at the version its wave is promoted to (the tree's rollout.json). */
function headSpec(file: string): FleetSpec {
  const { spec } = fleetFromStackFile(file);
  return withClusterReleases(spec, readRolloutState(path.resolve(projectFolderOf(file), spec.gitops.path)));
}

/** A stack file the change deletes: nothing is deployed from it any more, and nothing is destroyed either. */
function deletedAtHead(file: string, base: PlannedSide): PlannedSide {
  const stack = stackNameOf(file) ?? file;
  return { ...base, note: `\`${path.basename(file)}\` is deleted by this change: its resources stay in AWS until \`pulumi destroy --stack ${stack}\`; nothing below changes.` };
}

function noTopology(stack: string): Topology {
  return { fleet: stack, mode: "active-passive", record: "", gitops: { engine: "flux", repoUrl: "", branch: "" }, clusters: [] };
}

if (require.main === module) {
  exitCleanlyOnSignals();
  runCommand(main);
}
