import * as fs from "fs";
import * as path from "path";
import { readKeptTree, recoverSwap, renderRollout, RolloutChange, writeTreeAtomic } from "../charts";
import { fleetFromStackFile, FleetSpec, projectFolderOf } from "../fleet";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { git, repoRoot } from "./diff/git";
import { EXIT, runCommand, UsageError } from "./errors";
import { acquireLock } from "./lock";
import type { StatusSource } from "../operations/rollout/status-source";

const USAGE = "npm run rollout -- status | promote [--watch] [--resume] | abort [--write] [--stack NAME | --config FILE] [--outputs FILE | --replay FILE]";

/**
 * `npm run rollout`: argument handling only; the decisions are in operations/rollout/.
 * - status: each wave's commit, its agents' report on that commit, bake left and gates;
 * - promote: the next wave takes the current source when every gate passes (the tree and
 *   rollout.json written under the tree's lock, in one swap; commit and push them), a failed
 *   gate halts the rollout; `--watch` evaluates every `rollout.gateInterval` until one of those;
 * - abort: the revert of the change the rollout carries; `--write` applies it to the working
 *   tree (`git revert --no-commit`, then every wave that ran it takes the reverted source),
 *   never commits or pushes.
 * Statuses come from the clusters and AWS (`--outputs`: `pulumi stack output --json
 * --show-secrets`) or from a recording (`--replay`).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!["status", "promote", "abort"].includes(command ?? "")) throw new UsageError(`name a command: status, promote or abort\nusage: ${USAGE}`);
  const flags = parseFlags(rest, COMMAND_OPTIONS.rollout, USAGE);
  const { configFile } = stackArgs(flags);
  const { spec } = fleetFromStackFile(configFile);
  const treeDir = path.resolve(projectFolderOf(configFile), spec.gitops.path);
  const shown = path.relative(process.cwd(), treeDir) || ".";
  const source = await sourceOf(spec, flags, treeDir);
  const { rolloutStatus, decidePromotion, watchPromotion, proposeAbort } = await import("../operations/rollout/rollout");
  const { statusLines, decisionLines, abortLines } = await import("../operations/rollout/report");
  const render = (change?: RolloutChange) => renderRollout(spec, { root: shown, kept: readKeptTree(treeDir, shown), change });

  if (command === "status") {
    const { position, reports } = await rolloutStatus(spec, render(), source);
    console.log(statusLines(spec, position, reports).join("\n"));
    return reports.some((r) => r.verdict === "fail") ? EXIT.violations : EXIT.ok;
  }
  if (command === "promote") {
    const current = flags.resume ? render({ resume: true }) : render();
    const revision = headOf(treeDir);
    const sleep = (seconds: number) => new Promise<void>((done) => setTimeout(done, seconds * 1000));
    const decision = flags.watch ? await watchPromotion(spec, current, source, revision, sleep) : await decidePromotion(spec, current, source, revision);
    if ("reports" in decision) {
      const { statusLines: lines } = await import("../operations/rollout/report");
      const { positionOf } = await import("../operations/rollout/rollout");
      console.log(lines(spec, positionOf(spec, current), decision.reports).join("\n"), "\n");
    }
    console.log(decisionLines(decision).join("\n"));
    if (decision.kind === "promote" || decision.kind === "halt" || (flags.resume && decision.kind !== "halted")) {
      await writeTree(treeDir, shown, () => render({ ...(flags.resume ? { resume: true } : {}), ...(decision.kind === "promote" || decision.kind === "halt" ? decision.change : {}) }).files);
      console.log(`\nWrote ${shown}/ (rollout.json and the wave's files): commit and push them; the agents apply the push.`);
    }
    return decision.kind === "halt" || decision.kind === "halted" ? EXIT.violations : EXIT.ok;
  }
  const proposal = await proposeAbort(spec, render(), source);
  console.log(abortLines(proposal).join("\n"));
  if (flags.write && proposal.commits.length > 0) {
    const root = repoRoot(treeDir);
    git(["revert", "--no-commit", ...proposal.commits.map((c) => c.sha)], root);
    // The reverted source, at once on every wave that ran the change; the halt is cleared.
    const change: RolloutChange = { promote: { waves: proposal.waves, at: source.now().toISOString(), revision: `revert of ${proposal.commits.map((c) => c.sha.slice(0, 7)).join(",")}` }, resume: true };
    await writeTree(treeDir, shown, () => render(change).files);
    fs.writeFileSync(path.join(root, ".git", "MERGE_MSG"), `${proposal.message}\n`);
    console.log(`\nThe revert is staged with ${shown}/ re-rendered: review it and commit (the message is prepared); nothing was pushed.`);
  }
  return EXIT.ok;
}

async function sourceOf(spec: FleetSpec, flags: { outputs?: string; replay?: string }, treeDir: string): Promise<StatusSource> {
  if (flags.replay !== undefined) {
    const { RecordedSource } = await import("../operations/rollout/recorded-source");
    const recording = readJson(flags.replay, "--replay");
    return new RecordedSource(recording as never, new Date());
  }
  if (flags.outputs === undefined) throw new UsageError(`--outputs FILE (pulumi stack output --json --show-secrets) or --replay FILE is required\nusage: ${USAGE}`);
  const { LiveSource } = await import("../operations/rollout/live-source");
  return new LiveSource(spec, readJson(flags.outputs, "--outputs") as never, repoRoot(treeDir));
}

function readJson(file: string, flag: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`${flag}: ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `not valid JSON (${(err as Error).message})`}`);
  }
}

function headOf(dir: string): string {
  try {
    return git(["rev-parse", "HEAD"], repoRoot(dir));
  } catch {
    return "working tree";
  }
}

/** The tree and its rollout.json, swapped in under the tree's lock (the one synth takes). */
async function writeTree(treeDir: string, shown: string, files: () => ReturnType<typeof renderRollout>["files"]): Promise<void> {
  fs.mkdirSync(path.dirname(treeDir), { recursive: true });
  const release = await acquireLock(treeDir, { shown, command: "npm run rollout" });
  try {
    recoverSwap(treeDir);
    writeTreeAtomic(treeDir, files(), shown);
  } finally {
    release();
  }
}

if (require.main === module) runCommand(main);
