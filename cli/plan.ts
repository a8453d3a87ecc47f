import * as path from "path";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { synthTree } from "../charts";
import { planStack } from "./engine/plan-stack";
import { EXIT, runCommand, UsageError } from "./errors";
import { sortViolations } from "../policies/evaluate";
import { TreeError } from "../policies/tree";
import { treeViolationsIfPresent } from "./policy-run";
import { planSummary } from "./summary";
import { stableJson, writeFileAtomic } from "./write";

const USAGE = "npm run plan [-- --stack NAME | --config FILE] [--out DIR] [--json]";

/**
 * `npm run plan`: what `pulumi up` would create, without the Pulumi CLI or AWS: evaluates
 * index.ts under the mock engine, writes `<out>/plan.json`, prints a per-cluster summary.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, out: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const { configFile } = stackArgs(flags);
  const out = path.resolve(flags.out ?? "out");

  const { spec, document: planned } = await planStack(configFile);
  // The same tree `npm run synth` writes, so policies and reviews see what the agents will apply.
  const tree = path.join(out, "gitops");
  synthTree(spec, tree, { root: path.relative(process.cwd(), tree) || "gitops" });
  const document = { ...planned, violations: sortViolations([...planned.violations, ...treeViolationsOf(tree)]) };
  const json = stableJson(document);
  writeFileAtomic(path.join(out, "plan.json"), json);

  if (flags.json) process.stdout.write(json);
  else console.log(`${planSummary(spec, document)}\nWrote ${path.relative(process.cwd(), path.join(out, "plan.json")) || "plan.json"}`);
  return document.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
}

function treeViolationsOf(dir: string) {
  try {
    return treeViolationsIfPresent(dir);
  } catch (err) {
    if (err instanceof TreeError) throw new UsageError(err.message);
    throw err;
  }
}

if (require.main === module) runCommand(main);
