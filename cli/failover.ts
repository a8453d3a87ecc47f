import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fleetFromStackFile } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { comparePlans, FLEET_WIDE } from "./diff/compare-plans";
import { planStack } from "./engine/plan-stack";
import { EXIT, runCommand, UsageError } from "./errors";
import { promote, RoleChange } from "./failover/promote";
import { encodeStackFile, readStackFileText, stackFileLock, writeStackFileText } from "./failover/stack-file";
import { acquireLock } from "./lock";
import { planSummary } from "./summary";

const USAGE = "npm run failover -- --to CLUSTER [--stack NAME | --config FILE] [--dry-run]";

/**
 * `npm run failover`: makes a secondary the primary in the stack file (and the old
 * primary a secondary), keeping every comment and the formatting. Traffic has already
 * moved by then (Route 53 fails over on its own); merging this change and `pulumi up`
 * resume the apps layer on the new primary.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, to: { type: "string" }, "dry-run": { type: "boolean" } }, USAGE);
  if (!flags.to) throw new UsageError(`--to CLUSTER is required\nusage: ${USAGE}`);
  const { configFile } = stackArgs(flags);
  // The file must be a valid fleet before anything is touched (bad input: exit 2).
  fleetFromStackFile(configFile);
  const name = path.basename(configFile);
  // Two failovers on one file run one after the other; the second sees the first's edit.
  const release = await acquireLock(stackFileLock(configFile), { shown: name });
  // Plan the result from a copy, so a dry run (or a failing plan) leaves the file untouched.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-failover-"));
  try {
    const before = readStackFileText(configFile);
    const promotion = promote(before.text, flags.to, name);
    const copy = path.join(scratch, name);
    fs.writeFileSync(copy, encodeStackFile(before, promotion.text));
    const [old, next] = [await planStack(configFile), await planStack(copy)];
    if (!flags["dry-run"]) writeStackFileText(before, promotion.text);

    console.log(`${flags["dry-run"] ? "Would promote" : "Promoted"} ${flags.to} to primary in ${name}:`);
    console.log(roleLines(promotion.changes).join("\n"));
    console.log("");
    console.log(planSummary(next.spec, next.document));
    console.log("");
    console.log(resourceLines(comparePlans(old.document, next.document).resources).join("\n"));
    if (!flags["dry-run"]) {
      console.log(`\nNext: \`npm run synth\`, commit ${name} and gitops/, open a pull request (its diff comment shows the whole change); merging runs \`pulumi up\`, which resumes the apps layer on ${flags.to}.`);
    }
    return EXIT.ok;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    release();
  }
}

export function roleLines(changes: readonly RoleChange[]): string[] {
  const width = Math.max(...changes.map((c) => c.cluster.length));
  return changes.map((c) => `  ${c.cluster.padEnd(width)}  ${c.region.padEnd(14)}  ${c.from} → ${c.to}`);
}

/** Per cluster: resources added, removed, and which input keys change on how many resources. */
export function resourceLines(groups: ReturnType<typeof comparePlans>["resources"]): string[] {
  if (groups.size === 0) return ["Resources: no input changes."];
  const lines = ["Resources that change:"];
  for (const [cluster, changes] of groups) {
    const where = cluster === FLEET_WIDE ? "fleet-wide" : cluster;
    for (const r of changes.added) lines.push(`  + ${where}: ${r.type} ${r.name}`);
    for (const r of changes.removed) lines.push(`  - ${where}: ${r.type} ${r.name}`);
    if (changes.changed.length === 0) continue;
    const keys = new Map<string, number>();
    for (const c of changes.changed) for (const k of c.keys) keys.set(k, (keys.get(k) ?? 0) + 1);
    const list = [...keys.entries()].map(([k, n]) => `${k} (${n})`).join(", ");
    lines.push(`  ~ ${where}: ${changes.changed.length} resource(s): ${list}`);
  }
  return lines;
}

if (require.main === module) runCommand(main);
