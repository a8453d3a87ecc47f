import * as fs from "fs";
import * as path from "path";
import { deployMatrix, matrixOutputs } from "../deploy/matrix";
import * as YAML from "yaml";
import { FLEET_KEY, fleetFromStackFile, readBounded, stackNameOf } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { EXIT, runCommand } from "./errors";

const USAGE = "npm run matrix [-- --stack NAME | --config FILE] [--only STACK,...]";

/**
 * `npm run matrix`: the workflows' job matrices as `name=<JSON>` lines for `$GITHUB_OUTPUT`
 * (`stacks`, every stack; `stage1` … the deploy workflow's stages: deploy/matrix.ts), over the stack file
 * given or every fleet's stack file in the project folder (a file without `eks-fleet:fleet`
 * is one of a per-cluster fleet's own stacks, which read their fleet's file). `--only`
 * keeps the stacks a change touches.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, only: { type: "string" } }, USAGE);
  const chosen = flags.stack !== undefined || flags.config !== undefined;
  const files = chosen ? [stackArgs(flags).configFile] : fleetFiles(process.cwd());
  const fleets = files.map((file) => ({ fleetStack: stackNameOf(file)!, spec: fleetFromStackFile(file).spec }));
  const only = flags.only === undefined ? undefined : new Set(flags.only.split(",").map((s) => s.trim()).filter(Boolean));
  for (const line of matrixOutputs(deployMatrix(fleets, only))) console.log(line);
  return EXIT.ok;
}

/**
 * The project's fleet stack files: those that hold a fleet. Read leniently, only for the key:
 * a fleet's own file is then read in full (its errors are reported); a per-cluster fleet's
 * stack files hold at most what `pulumi stack init` writes (`encryptionsalt`).
 */
function fleetFiles(dir: string): string[] {
  return fs.readdirSync(dir)
    .filter((name) => stackNameOf(name) !== undefined)
    .map((name) => path.join(dir, name))
    .filter((file) => holdsFleet(readBounded(file, path.basename(file)).toString("utf8")))
    .sort();
}

function holdsFleet(text: string): boolean {
  try {
    const config = YAML.parse(text)?.config;
    return typeof config === "object" && config !== null && FLEET_KEY in config;
  } catch {
    // Not YAML: read in full, so its error is reported.
    return true;
  }
}

if (require.main === module) runCommand(main);
