import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { FleetConfigError } from "./errors";
import { fleetFromStackFile, PROJECT, stackFile } from "./load";
import { parseFleet } from "./parse";
import { FleetSpec } from "./spec";
import { checkDistinctSiblings, stackPrefixes } from "./stack-paths";

// Not in the fleet index: the offline commands and the tree renderer read the fleet without the Pulumi SDK.

/**
 * Under `pulumi up/preview`: the same parse as the offline commands, errors as `RunError`.
 * A stack of a per-cluster fleet (`prod.use1`, `prod.links.us-east-1`) has no config of its
 * own: it reads its fleet stack's file, the nearest `Pulumi.<prefix>.yaml` of its name
 * (deploy/stacks.ts), so every stack of one fleet reads the same file whatever runs it (the
 * CLI, pulumi/actions, the Automation API).
 */
export function fleetFromPulumiConfig(): FleetSpec {
  const fleetFile = new pulumi.Config(PROJECT).getObject<unknown>("fleet") === undefined ? fleetStackFile(pulumi.getStack()) : undefined;
  if (fleetFile) {
    try {
      return fleetFromStackFile(fleetFile).spec;
    } catch (err) {
      if (err instanceof FleetConfigError) throw new pulumi.RunError(`invalid stack config (${path.basename(fleetFile)}):\n${err.message}`);
      throw err;
    }
  }
  const raw = new pulumi.Config(PROJECT).getObject<unknown>("fleet");
  const homeRegion = new pulumi.Config("aws").get("region");
  try {
    const spec = parseFleet(raw, homeRegion);
    const own = stackFile(pulumi.getStack());
    if (fs.existsSync(own)) checkDistinctSiblings(spec, own);
    return spec;
  } catch (err) {
    if (err instanceof FleetConfigError) throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
}

/** The stack file of the fleet stack `stack` belongs to: the shortest proper prefix of its name with a file (as deploy/stacks.ts resolves it). */
function fleetStackFile(stack: string): string | undefined {
  return stackPrefixes(stack).slice(1).reverse().map((prefix) => stackFile(prefix)).find((file) => fs.existsSync(file));
}
