import { fleetFromStackFile } from "../fleet";
import { COMMAND_OPTIONS, parseFlags, stackArgs } from "./args";
import { EXIT, runCommand } from "./errors";

const USAGE = "npm run roles [-- --stack NAME | --config FILE]";

/**
 * `npm run roles`: the IAM roles a stack's CI assumes, from its stack file (validated), as
 * `name=value` lines for `$GITHUB_OUTPUT`: `deploy` (fleet.deployRoleArn, which `pulumi up`
 * runs as and every cluster admits as cluster-admin) and `preview` (fleet.previewRoleArn,
 * view-only in the clusters; empty when the stack names none). The workflows assume exactly
 * these, so the identity CI uses is the one the clusters' access entries name.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, COMMAND_OPTIONS.roles, USAGE);
  const { spec } = fleetFromStackFile(stackArgs(flags).configFile);
  console.log(`deploy=${spec.deployRoleArn}\npreview=${spec.previewRoleArn ?? ""}`);
  return EXIT.ok;
}

if (require.main === module) runCommand(main);
