import * as fs from "fs";
import * as path from "path";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
// Not the charts index: this thread never renders (cdk8s loads on the tree worker only).
import { checkOutputFolder, isOwnTree } from "../charts/output-folder";
import { checkWorkPathsFree, recoverSwap, stageTree, swapInTree } from "../charts/write-tree";
import { FleetConfigError, fleetFromStackFile, projectFolderOf } from "../fleet";
import type { PlanDocument } from "./plan-document";
import { EXIT, runCommand } from "./errors";
import { sortViolations } from "../policies/violation";
import { CheckedTree, renderTreeInWorker, startTreeWorker, stopTreeWorker, stopTreeWorkerAfterReply } from "./tree-in-worker";
import { planSummary } from "./summary";
import { commitFile, StagedFile, stableJson, stageFile } from "./write";
import { POLICY_CONFIG, policyConfigFile } from "./plan-files";
import { unavailableRegions } from "./engine/outage";
import { acquireLock, kindOf } from "./lock";
import { npmCommand, shownTree, StackRef, stackName } from "./next-steps";
import { redact } from "./redact";
import { fleetStacks } from "../deploy/stacks";
import { treePart } from "../deploy/tree-part";

const USAGE = "npm run plan [-- --stack NAME | --config FILE] [--out DIR] [--json] [--unavailable REGION ...] [--only-stack STACK]";

/**
 * `npm run plan`: what `pulumi up` would create, without the Pulumi CLI or AWS: evaluates
 * index.ts under the mock engine, writes `<out>/plan.json`, prints a per-cluster summary.
 * `--unavailable REGION` (repeatable) plans as during an outage of REGION: the first call
 * the program would make into it ends the plan with exit 2, naming what made it.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.plan, USAGE);
  const { configFile } = stackArgs(flags);
  const unavailable = unavailableRegions(flags.unavailable);
  // Only a folder this program created or wrote before is written (exit 2 otherwise).
  const out = checkOutputFolder(flags.out ?? "out", "--out", holdsPlan);
  const treeDir = path.join(out, "gitops");
  const root = path.relative(process.cwd(), treeDir) || "gitops";
  const tree = checkOutputFolder(treeDir, root);
  const planFile = path.join(out, "plan.json");
  // Every output path is checked before anything changes.
  checkPlanFile(planFile);
  checkWorkPathsFree(tree, root);
  // The same tree `npm run synth` writes, so policies and reviews see what the agents will
  // apply: rendered, checked by the manifest rules and staged by a worker while this thread
  // evaluates. It loads its modules while this thread reads the stack file.
  startTreeWorker();
  const stack = fleetFromStackFile(configFile);
  // Each stack's pack config is replaced only when it is a regular file, like plan.json.
  const stacks = fleetStacks(stack.spec, stack.config.stack);
  const configFiles = stacks.map((s) => path.join(out, policyConfigFile(s.name)));
  configFiles.forEach(checkPlanFile);
  // From here on, a failure removes what this run made: the staged tree and plan, the folders it created.
  const created = fs.mkdirSync(out, { recursive: true });
  let release = () => undefined as void;
  let rendering: Promise<CheckedTree> | undefined;
  let stagedPlan: StagedFile | undefined;
  const stagedConfigs: StagedFile[] = [];
  let document: PlanDocument;
  let json: string;
  try {
    release = await acquireLock(out, { shown: path.relative(process.cwd(), out) || out, command: "npm run plan" });
    // Again under the lock: a run that held it may have changed the folder.
    checkOutputFolder(out, "--out", holdsPlan);
    checkPlanFile(planFile);
    configFiles.forEach(checkPlanFile);
    // The stack's own tree says where each wave stands; the plan's copy goes to --out.
    const keptDir = path.resolve(projectFolderOf(configFile), stack.spec.gitops.path);
    // `--only-stack` renders, checks and writes the part of the tree that stack's agents apply,
    // as its CrossGuard run judges it (a fleet or replication stack: none); an unknown stack fails the plan below.
    const only = stacks.find((s) => s.name === flags["only-stack"]);
    const part = flags["only-stack"] === undefined ? undefined : only ? treePart(stack.spec, only) : [];
    if (part?.length === 0) {
      // Nothing to render or check: the worker, started before the stack was known, stops loading.
      void stopTreeWorker();
      rendering = Promise.resolve({ staged: stageTree(tree, [], root), violations: [] });
    } else rendering = renderTreeInWorker(stack.spec, root, tree, keptDir, part);
    // Awaited once the program is evaluated: a failure in the meantime is not an unhandled rejection.
    rendering.catch(() => undefined);
    // Loaded once the worker runs, so the two threads load their modules at the same time.
    const { planFleet }: typeof import("./engine/plan-stack") = require("./engine/plan-stack");
    // `--only-stack`: one stack of a per-cluster fleet, after the stacks it reads (their resources left out).
    const { document: planned, policyConfigs } = await planFleet(stack.spec, stack.config, [], "fast", unavailable, flags["only-stack"]);
    const { staged, violations } = await rendering;
    document = { ...planned, violations: sortViolations([...planned.violations, ...violations]) };
    json = redact(stableJson(document));
    // Written in full before the tree moves; the two take their places together or not at all.
    stagedPlan = stageFile(planFile, json);
    // Each stack's pack config, for its CrossGuard run (`--policy-pack-config`): not under
    // `--only-stack`, whose plan lacks the other stacks' estimates that the cost cap's shares need.
    if (flags["only-stack"] === undefined) {
      for (const [name, config] of policyConfigs) stagedConfigs.push(stageFile(path.join(out, policyConfigFile(name)), stableJson(config)));
    }
    const ready = stagedPlan;
    swapInTree(staged, () => {
      for (const config of stagedConfigs) commitFile(config);
      commitFile(ready);
    });
    if (flags["only-stack"] === undefined) removeStaleConfigs(out, new Set(policyConfigs.keys()));
  } catch (err) {
    if (stagedPlan) fs.rmSync(stagedPlan.temporary, { force: true });
    for (const config of stagedConfigs) fs.rmSync(config.temporary, { force: true });
    if (rendering) {
      await rendering.catch(() => undefined);
      recoverSwap(tree);
    }
    release();
    if (created) removeEmptyFolders(out, created);
    throw err;
  }
  release();

  const failed = document.violations.some((v) => v.enforcement === "mandatory");
  if (flags.json) process.stdout.write(json);
  else console.log(`${planSummary(stack.spec, document)}\nWrote ${path.relative(process.cwd(), path.join(out, "plan.json")) || "plan.json"}\n${nextStep({ configFile, spec: stack.spec }, failed, path.relative(process.cwd(), out) || ".", flags["only-stack"])}`);
  return failed ? EXIT.violations : EXIT.ok;
}

/** What to run after a plan, for this stack: fix what fails, else render, preview and deploy it. */
function nextStep(stack: StackRef, failed: boolean, out: string, only?: string): string {
  const name = stackName(stack);
  // A per-cluster fleet deploys stack by stack with the pack configs of the whole fleet's plan
  // (`npm run deploy`, which plans first): `--only-stack` writes none, so it names its stack there.
  const up =
    stack.spec.stacks === "per-cluster"
      ? npmCommand("deploy", stack, ...(only === undefined ? [] : ["--only", only]))
      : `pulumi up --stack ${name} --policy-pack policies --policy-pack-config ${path.join(out, policyConfigFile(name))}`;
  if (failed) return `Next: fix the mandatory violations above (the plan exits 1, and \`${up}\` would refuse them), then \`${npmCommand("plan", stack)}\` again.`;
  return `Next: \`${npmCommand("synth", stack)}\` renders ${shownTree(stack)} to commit, \`${npmCommand("diff", stack, "--base", stack.spec.gitops.branch)}\` previews the change, \`${up}\` deploys it.`;
}

/** Pack configs of stacks the fleet no longer has, left by an earlier plan into this folder. */
function removeStaleConfigs(out: string, stacks: ReadonlySet<string>): void {
  for (const name of fs.readdirSync(out)) {
    const stack = POLICY_CONFIG.exec(name)?.[1];
    if (stack !== undefined && !stacks.has(stack) && fs.lstatSync(path.join(out, name)).isFile()) fs.rmSync(path.join(out, name));
  }
}

/** Removes `deepest` and its parents up to `first` while they are empty (`rmdir` refuses any other). */
function removeEmptyFolders(deepest: string, first: string): void {
  for (let dir = deepest; ; dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === first) return;
  }
}

/**
 * A plan folder holds only what `plan` writes: plan.json, the rendered gitops/ tree (a folder,
 * not a link to one) and their work files.
 */
function holdsPlan(dir: string): boolean {
  return fs.readdirSync(dir).every((name) => {
    if (name === "gitops") return isOwnTree(path.join(dir, name));
    return name === "plan.json" || POLICY_CONFIG.test(name) || /^\.(plan|policy-config\..+)\.json\.[0-9a-f]{12}\.tmp$/.test(name) || /^plan\.json\.\d+\.tmp$/.test(name) || name.startsWith(".gitops.eks-fleet-");
  });
}

/** plan.json is replaced only when it is a regular file: never a folder, a link or a FIFO. */
function checkPlanFile(file: string): void {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) {
    throw new FleetConfigError([{ path: path.relative(process.cwd(), file) || file, message: `is ${kindOf(stat)}, not the plan this program writes; it is left as it is: move it away` }]);
  }
}

if (require.main === module) {
  stopTreeWorkerAfterReply();
  runCommand(main);
}
