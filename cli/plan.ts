import * as path from "path";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { synthTree } from "../charts";
import { planStack } from "./engine/plan-stack";
import { EXIT, runCommand } from "./errors";
import { evaluateTree, sortViolations } from "../policies/evaluate";
import { treeOfRendered } from "./rendered-tree";
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
  const files = synthTree(spec, tree, { root: path.relative(process.cwd(), tree) || "gitops" });
  // The rules see the tree just written, from memory rather than read back and re-parsed.
  const document = { ...planned, violations: sortViolations([...planned.violations, ...evaluateTree(treeOfRendered(files))]) };
  const json = stableJson(document);
  writeFileAtomic(path.join(out, "plan.json"), json);

  if (flags.json) process.stdout.write(json);
  else console.log(`${planSummary(spec, document)}\nWrote ${path.relative(process.cwd(), path.join(out, "plan.json")) || "plan.json"}`);
  return document.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
}

if (require.main === module) runCommand(main);
