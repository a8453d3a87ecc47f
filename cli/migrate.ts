import { migrationPlan, migrationScript } from "../deploy/migration";
import { FLEET_KEY, FleetConfigError, fleetFromStackFile, StackConfig, stackNameOf } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { planFleet } from "./engine/plan-stack";
import { EXIT, runCommand, UsageError } from "./errors";

const USAGE = "npm run migrate [-- --stack NAME | --config FILE] [--org ORG]";

/**
 * `npm run migrate`: the `pulumi stack init` and `pulumi state move` commands that turn a
 * single-stack fleet into a fleet stack and a stack per cluster with no change in AWS, from
 * offline plans of the fleet both ways (deploy/migration.ts). Prints the script; runs nothing.
 * Exit 2 when a cloud resource would be left in no stack.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { ...STACK_OPTIONS, org: { type: "string" } }, USAGE);
  const { configFile } = stackArgs(flags);
  const stack = stackNameOf(configFile);
  if (!stack) throw new UsageError(`${configFile}: the file name (Pulumi.<stack>.yaml) names the stack to split`);
  const { spec, config } = fleetFromStackFile(configFile);
  const as = (stacks: "single" | "per-cluster") => {
    const values = { ...config.values, [FLEET_KEY]: { ...(config.values[FLEET_KEY] as object), stacks } };
    const asConfig: StackConfig = { ...config, stack, values };
    return planFleet({ ...spec, stacks }, asConfig);
  };
  const single = (await as("single")).document;
  const split = (await as("per-cluster")).document;
  const plan = migrationPlan(single, split);
  if (plan.problems.length > 0) throw new FleetConfigError(plan.problems.map((message) => ({ path: "fleet.stacks", message })));
  process.stdout.write(migrationScript(plan, flags.org));
  return EXIT.ok;
}

if (require.main === module) runCommand(main);
