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
  const text = new pulumi.Config(PROJECT).get("fleet");
  const fleetFile = text === undefined ? fleetStackFile(pulumi.getStack()) : undefined;
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
    const spec = parsedOnce(`${homeRegion}\n${text}`, () => parseFleet(raw, homeRegion));
    const own = stackFile(pulumi.getStack());
    if (fs.existsSync(own)) checkDistinctSiblings(spec, own);
    return spec;
  } catch (err) {
    if (err instanceof FleetConfigError) throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
}

/**
 * The last config parsed in this process and its (deep-frozen) fleet: the offline plan of a
 * per-cluster fleet runs the program once per stack with the same config, and parsing a
 * 100-cluster fleet 111 times cost more than evaluating it.
 */
let lastParsed: { readonly key: string; readonly spec: FleetSpec } | undefined;
function parsedOnce(key: string, parse: () => FleetSpec): FleetSpec {
  if (lastParsed?.key !== key) lastParsed = { key, spec: parse() };
  return lastParsed.spec;
}

/** The stack file of the fleet stack `stack` belongs to: the shortest proper prefix of its name with a file (as deploy/stacks.ts resolves it). */
function fleetStackFile(stack: string): string | undefined {
  return stackPrefixes(stack).slice(1).reverse().map((prefix) => stackFile(prefix)).find((file) => fs.existsSync(file));
}
