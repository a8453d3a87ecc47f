import * as path from "path";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { synthTree } from "../charts";
import { planStack } from "./engine/plan-stack";
import { EXIT, runCommand } from "./errors";
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

  const { spec, document } = await planStack(configFile);
  const json = stableJson(document);
  writeFileAtomic(path.join(out, "plan.json"), json);
  // The same tree `npm run synth` writes, so policies and reviews see what the agents will apply.
  synthTree(spec, path.join(out, "gitops"), { root: path.relative(process.cwd(), path.join(out, "gitops")) || "gitops" });

  if (flags.json) process.stdout.write(json);
  else console.log(`${planSummary(spec, document)}\nWrote ${path.relative(process.cwd(), path.join(out, "plan.json")) || "plan.json"}`);
  return document.violations.some((v) => v.enforcement === "mandatory") ? EXIT.violations : EXIT.ok;
}

if (require.main === module) runCommand(main);
