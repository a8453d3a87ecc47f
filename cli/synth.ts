import * as fs from "fs";
import * as path from "path";
import { checkOutputFolder, renderTree, synthTree, treeDifferences, workFile } from "../charts";
import { fleetFromStackFile } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { EXIT, runCommand } from "./errors";
import { withLock } from "./lock";

const USAGE = "npm run synth [-- --stack NAME | --config FILE] [--out DIR] [--check]";

/**
 * `npm run synth`: renders the GitOps tree only (default: the fleet's `gitops.path`,
 * `gitops/`), validated, swapped in atomically. `--check` renders without writing and
 * exits 1 when the tree on disk differs (for CI).
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, out: { type: "string" }, check: { type: "boolean" } }, USAGE);
  const { configFile } = stackArgs(flags);
  const { spec } = fleetFromStackFile(configFile);
  // Only a folder this program created or rendered before is ever replaced (exit 2 otherwise).
  const out = checkOutputFolder(flags.out ?? spec.gitops.path, flags.out !== undefined ? "--out" : "fleet.gitops.path");
  const shown = path.relative(process.cwd(), out) || ".";

  if (flags.check) {
    const stale = treeDifferences(out, renderTree(spec, { root: shown }));
    for (const file of stale) console.error(`${shown}/${file}: differs from a fresh render`);
    if (stale.length === 0) console.log(`${shown} matches a fresh render`);
    return stale.length === 0 ? EXIT.ok : EXIT.violations;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  return withLock(
    workFile(out, "lock"),
    () => {
      const files = synthTree(spec, out, { root: shown });
      console.log(`Wrote ${files.length} files for ${spec.clusters.length} clusters into ${shown}/`);
      return EXIT.ok;
    },
    { shown },
  );
}

if (require.main === module) runCommand(main);
