import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { FleetConfigError } from "./errors";
import { PROJECT, stackFile } from "./load";
import { parseFleet } from "./parse";
import { FleetSpec } from "./spec";
import { checkDistinctSiblings } from "./stack-paths";

// Not in the fleet index: the offline commands and the tree renderer read the fleet without the Pulumi SDK.

/** Under `pulumi up/preview`: the same parse as the offline commands, errors as `RunError`. */
export function fleetFromPulumiConfig(): FleetSpec {
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
