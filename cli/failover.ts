import * as path from "path";
import { fleetFromStackFile } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { EXIT, runCommand, UsageError } from "./errors";
import { playPromotion } from "./failover/play";
import { promotionReport } from "./failover/report";
import { lockedStackFile, writeStackFileText } from "./failover/stack-file";
import { acquireLock } from "./lock";

const USAGE = "npm run failover -- --to CLUSTER [--stack NAME | --config FILE] [--dry-run]";

/**
 * `npm run failover`: makes a secondary the primary in the stack file (and the old
 * primary a secondary), keeping every comment and the formatting. Traffic has already
 * moved by then (Route 53 fails over on its own). Prints what the promotion changes and
 * the `pulumi up --target …` of the surviving side, which never needs the failed region;
 * `--dry-run` prints the same and writes nothing.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, to: { type: "string" }, "dry-run": { type: "boolean" } }, USAGE);
  if (!flags.to) throw new UsageError(`--to CLUSTER is required\nusage: ${USAGE}`);
  const { configFile } = stackArgs(flags);
  // The file must be a valid fleet before anything is touched (bad input: exit 2).
  fleetFromStackFile(configFile);
  const name = path.basename(configFile);
  // Two failovers on one file run one after the other; the second sees the first's edit.
  const release = await acquireLock(lockedStackFile(configFile), { shown: name, command: "npm run failover" });
  try {
    // Planned from a private copy, so a dry run (or a failing plan) leaves the file untouched.
    const played = await playPromotion(configFile, flags.to);
    if (!flags["dry-run"]) writeStackFileText(played.original, played.promotion.text);

    console.log(promotionReport(played, { dryRun: !!flags["dry-run"], file: name }).join("\n"));
    if (!flags["dry-run"]) {
      console.log(`\nNext: \`npm run synth\`, commit ${name} and gitops/, open a pull request (its diff comment shows the whole change) and merge it: the agents pull the new tree. Then run the targeted \`pulumi up\` above; a full one once every region is back.`);
    }
  } finally {
    release();
  }
  return EXIT.ok;
}

if (require.main === module) runCommand(main);
