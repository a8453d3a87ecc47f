import * as fs from "fs";
import * as path from "path";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
// Not the charts index: this thread never renders (cdk8s loads on the tree worker only).
import { checkOutputFolder, holdsTree, workFile } from "../charts/output-folder";
import { writeTreeAtomic } from "../charts/write-tree";
import { fleetFromStackFile, FleetSpec } from "../fleet";
import type { PlanDocument } from "./plan-document";
import { EXIT, runCommand } from "./errors";
import { sortViolations } from "../policies/violation";
import { renderTreeInWorker } from "./tree-in-worker";
import { planSummary } from "./summary";
import { stableJson, writeFileAtomic } from "./write";
import { withLock } from "./lock";
import { redact } from "./redact";

const USAGE = "npm run plan [-- --stack NAME | --config FILE] [--out DIR] [--json]";

/**
 * `npm run plan`: what `pulumi up` would create, without the Pulumi CLI or AWS: evaluates
 * index.ts under the mock engine, writes `<out>/plan.json`, prints a per-cluster summary.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, out: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const { configFile } = stackArgs(flags);
  // Only a folder this program created or wrote before is written (exit 2 otherwise).
  const out = checkOutputFolder(flags.out ?? "out", "--out", holdsPlan);

  const tree = path.join(out, "gitops");
  const root = path.relative(process.cwd(), tree) || "gitops";
  // The same tree `npm run synth` writes, so policies and reviews see what the agents will
  // apply: rendered and checked by the manifest rules on a worker while this thread evaluates.
  const rendering = renderTreeInWorker(configFile, root);
  let spec: FleetSpec;
  let planned: PlanDocument;
  try {
    const stack = fleetFromStackFile(configFile);
    spec = stack.spec;
    // Loaded once the worker runs, so the two threads load their modules at the same time.
    const { planFleet }: typeof import("./engine/plan-stack") = require("./engine/plan-stack");
    planned = (await planFleet(spec, stack.config)).document;
  } catch (err) {
    rendering.cancel();
    throw err;
  }
  const { files, violations } = await rendering.result;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const document = { ...planned, violations: sortViolations([...planned.violations, ...violations]) };
  const json = redact(stableJson(document));
  await withLock(workFile(out, "lock"), () => {
    writeTreeAtomic(tree, files, root);
    writeFileAtomic(path.join(out, "plan.json"), json);
  });

  if (flags.json) process.stdout.write(json);
  else console.log(`${planSummary(spec, document)}\nWrote ${path.relative(process.cwd(), path.join(out, "plan.json")) || "plan.json"}`);
  return document.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
}

/** A plan folder holds only what `plan` writes: plan.json, the rendered gitops/ tree and their work files. */
function holdsPlan(dir: string): boolean {
  return fs.readdirSync(dir).every((name) => {
    if (name === "gitops") return holdsTree(path.join(dir, name));
    return name === "plan.json" || /^plan\.json\.\d+\.tmp$/.test(name) || name.startsWith(".gitops.eks-fleet-");
  });
}

if (require.main === module) runCommand(main);
