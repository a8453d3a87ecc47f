import * as fs from "fs";
import * as path from "path";
import { checkOutputFolder, readKeptTree, recoverSwap, renderTree, staleTreeReport, synthTree, treeChanges } from "../charts";
import { fleetFromStackFile } from "../fleet";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { EXIT, runCommand } from "./errors";
import { withLock } from "./lock";
import { npmCommand, stackName, treeDir } from "./next-steps";

const USAGE = "npm run synth [-- --stack NAME | --config FILE] [--out DIR] [--check]";

/**
 * `npm run synth`: renders the GitOps tree only (default: the fleet's `gitops.path`,
 * `gitops/`), validated, swapped in atomically. `--check` renders without writing and
 * exits 1 when the tree on disk differs (for CI).
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.synth, USAGE);
  const { configFile } = stackArgs(flags);
  const { spec } = fleetFromStackFile(configFile);
  // Each stack's own tree (its `gitops.path`, beside its stack file in the project), and only
  // a folder this program created or rendered before is ever replaced (exit 2 otherwise).
  const stack = { configFile, spec };
  const out = flags.out !== undefined ? checkOutputFolder(flags.out, "--out") : checkOutputFolder(treeDir(stack), "fleet.gitops.path");
  const shown = path.relative(process.cwd(), out) || ".";

  if (flags.check) {
    const rerun = ["npm run synth", ...(flags.stack || flags.config || flags.out ? ["--"] : []), ...(flags.stack ? ["--stack", flags.stack] : flags.config ? ["--config", flags.config] : []), ...(flags.out ? ["--out", flags.out] : [])].join(" ");
    // Waves that have not been promoted keep the files on disk, checked against rollout.json.
    const stale = staleTreeReport(shown, treeChanges(out, renderTree(spec, { root: shown, kept: readKeptTree(out, shown) })), rerun);
    for (const line of stale) console.error(line);
    if (stale.length === 0) console.log(`${shown} matches a fresh render`);
    return stale.length === 0 ? EXIT.ok : EXIT.violations;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  return withLock(
    out,
    () => {
      // An interrupted swap is finished first: the tree on disk is what the waves keep.
      recoverSwap(out);
      const files = synthTree(spec, out, { root: shown, kept: readKeptTree(out, shown) });
      console.log(`Wrote ${files.length} files for ${spec.clusters.length} clusters into ${shown}/`);
      if (flags.out === undefined) {
        console.log(`Next: commit ${shown}/ with the change that made it (CI runs \`${npmCommand("synth", stack, "--check")}\`), and preview both sides with \`${npmCommand("diff", stack, "--base", spec.gitops.branch)}\`; the agents apply ${shown}/ once it is on ${spec.gitops.branch}, and \`pulumi up --stack ${stackName(stack)}\` the infrastructure.`);
      }
      return EXIT.ok;
    },
    { shown, command: "npm run synth" },
  );
}

if (require.main === module) runCommand(main);
