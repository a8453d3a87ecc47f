import * as path from "path";
import { fleetFromStackFile, shownPath } from "../fleet";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { EXIT, runCommand, UsageError } from "./errors";
import { playPromotion } from "./failover/play";
import { promotionReport } from "./failover/report";
import { lockedStackFile, writeStackFileText } from "./failover/stack-file";
import { acquireLock } from "./lock";
import { npmCommand, shownTree, stackName } from "./next-steps";
import { unavailableRegions } from "./engine/outage";

const USAGE = "npm run failover -- [--to CLUSTER] [--stack NAME | --config FILE] [--dry-run] [--unavailable REGION ...]";

/**
 * `npm run failover`: makes a secondary the primary in the stack file (and the old
 * primary a secondary), keeping every comment and the formatting; without `--to`, the
 * takeover standby, to which Route 53 already sends the traffic when the primary fails.
 * The commit is the switch: once the agents apply the re-rendered tree, the gateways'
 * health answers move the traffic, with no Pulumi run and no call into the failed region.
 * Prints the role and answer changes, the objectives, the tree files and any resource
 * change (none); `--dry-run` prints the same and writes nothing. `--unavailable REGION` plays
 * it as during an outage of REGION: a call the program would make into it is bad input (exit 2).
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.failover, USAGE);
  if (flags.to === "") throw new UsageError(`--to: name the cluster to promote, or leave --to out to promote the takeover standby\nusage: ${USAGE}`);
  const { configFile } = stackArgs(flags);
  const unavailable = unavailableRegions(flags.unavailable);
  // The file must be a valid fleet before anything is touched (bad input: exit 2).
  fleetFromStackFile(configFile);
  const name = path.basename(configFile);
  // Two failovers on one file run one after the other; the second sees the first's edit.
  const release = await acquireLock(lockedStackFile(configFile), { shown: name, command: "npm run failover" });
  try {
    // Planned from a private copy, so a dry run (or a failing plan) leaves the file untouched.
    const played = await playPromotion(configFile, flags.to, {}, unavailable);
    if (!flags["dry-run"]) writeStackFileText(played.original, played.promotion.text);

    console.log(promotionReport(played, { dryRun: !!flags["dry-run"], file: name }).join("\n"));
    if (!flags["dry-run"]) {
      const stack = { configFile, spec: played.after.spec };
      console.log(
        `\nNext: \`${npmCommand("synth", stack)}\`, commit ${shownPath(configFile)} and ${shownTree(stack)}, open a pull request (its diff comment shows the whole change) and merge it: ` +
          `the agents apply the new tree and the gateways' answers move the traffic. Later, a normal \`pulumi up --stack ${stackName(stack)}\` ` +
          "reconciles the stack to the file; it changes no Route 53 or Global Accelerator resource.",
      );
    }
  } finally {
    release();
  }
  return EXIT.ok;
}

if (require.main === module) runCommand(main);
