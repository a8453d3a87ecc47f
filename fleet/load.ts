import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { FleetConfigError } from "./errors";
import { parseFleet } from "./parse";
import { FleetSpec } from "./spec";
import { checkDistinctGitopsPath } from "./stack-paths";

export const PROJECT = "eks-fleet";
export const FLEET_KEY = `${PROJECT}:fleet`;

/** The config of one stack as the Pulumi CLI would see it. */
export interface StackConfig {
  readonly stack: string;
  readonly file: string;
  /** Flat `namespace:key` → value, as in the stack file's `config:` map. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Under `pulumi up/preview`: the same parse as the offline commands, errors as `RunError`. */
export function fleetFromPulumiConfig(): FleetSpec {
  const raw = new pulumi.Config(PROJECT).getObject<unknown>("fleet");
  const homeRegion = new pulumi.Config("aws").get("region");
  try {
    const spec = parseFleet(raw, homeRegion);
    const own = stackFile(pulumi.getStack());
    if (fs.existsSync(own)) checkDistinctGitopsPath(spec, own);
    return spec;
  } catch (err) {
    if (err instanceof FleetConfigError) throw new pulumi.RunError(`invalid stack config:\n${err.message}`);
    throw err;
  }
}

/** Offline commands: reads `Pulumi.<stack>.yaml` (or any file) and parses it. */
export function fleetFromStackFile(file: string): { spec: FleetSpec; config: StackConfig } {
  const config = readStackFile(file);
  const spec = parseFleet(config.values[FLEET_KEY], config.values["aws:region"]);
  // Two stacks of one project must never render into, and so replace, each other's tree.
  checkDistinctGitopsPath(spec, file, shownPath);
  return { spec, config };
}

/** A file as a user would name it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

export function stackFile(stack: string, dir = process.cwd()): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string): StackConfig {
  const name = shownPath(file);
  const fail = (message: string): never => {
    throw new FleetConfigError([{ path: name, message }]);
  };
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    fail((err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `cannot read (${(err as Error).message})`);
  }
  if (text.trim() === "") fail("file is empty");

  let doc: unknown;
  try {
    // The alias cap stops "billion laughs" documents before they expand.
    doc = YAML.parse(text, { maxAliasCount: 50, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    fail(`not valid YAML (${oneLine((err as Error).message)})`);
  }
  if (!isRecord(doc) || !isRecord(doc.config)) fail("has no 'config:' map");
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((doc as { config: Record<string, unknown> }).config)) {
    // Keys without a namespace belong to the project, as the Pulumi CLI reads them.
    values[key.includes(":") ? key : `${PROJECT}:${key}`] = value;
  }
  if (values[FLEET_KEY] === undefined) fail(`has no '${FLEET_KEY}' key under config`);
  return { stack: path.basename(file).replace(/^Pulumi\.(.*)\.ya?ml$/, "$1"), file, values };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function oneLine(message: string): string {
  return message.split("\n")[0];
}
