import * as path from "path";
import * as YAML from "yaml";
import { FleetConfigError } from "./errors";
import { parseFleet } from "./parse";
import { FleetSpec } from "./spec";
import { readBounded, shownPath } from "./safe-files";

export { shownPath };
import { checkDistinctSiblings } from "./stack-paths";

export const PROJECT = "eks-fleet";
export const FLEET_KEY = `${PROJECT}:fleet`;

/** The config of one stack as the Pulumi CLI would see it. */
export interface StackConfig {
  readonly stack: string;
  readonly file: string;
  /** Flat `namespace:key` → value, as in the stack file's `config:` map. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Offline commands: reads `Pulumi.<stack>.yaml` (or any file) and parses it. */
export function fleetFromStackFile(file: string): { spec: FleetSpec; config: StackConfig } {
  const config = readStackFile(file);
  const spec = parseFleet(config.values[FLEET_KEY], config.values["aws:region"]);
  // Two stacks of one project must never share a tree, a fleet name or a record.
  checkDistinctSiblings(spec, file, shownPath);
  return { spec, config };
}

export function stackFile(stack: string, dir = process.cwd()): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string): StackConfig {
  const name = shownPath(file);
  const fail = (message: string): never => {
    throw new FleetConfigError([{ path: name, message }]);
  };
  const bytes = readBounded(file, name);
  const text = bytes.toString("utf8");
  if (text.trim() === "") fail("file is empty");

  let doc: unknown;
  try {
    // uniqueKeys makes the parser compare each key with every earlier one (quadratic in a
    // map's size); duplicates are found in one pass instead.
    const parsed = YAML.parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    if (parsed.errors.length > 0) throw parsed.errors[0];
    const duplicate = firstDuplicateKey(parsed);
    if (duplicate) fail(`not valid YAML (map keys must be unique: '${duplicate}' appears twice)`);
    // The alias cap stops "billion laughs" documents before they expand.
    doc = parsed.toJS({ maxAliasCount: 50 });
  } catch (err) {
    if (err instanceof FleetConfigError) throw err;
    fail(`not valid YAML (${oneLine((err as Error).message)})`);
  }
  if (!isRecord(doc) || !isRecord(doc.config)) fail("has no 'config:' map");
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((doc as { config: Record<string, unknown> }).config)) {
    // Keys without a namespace belong to the project, as the Pulumi CLI reads them.
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (full in values) fail(`config has both '${full}' and '${key}', which Pulumi reads as the same key; keep one`);
    values[full] = value;
  }
  if (values[FLEET_KEY] === undefined) fail(`has no '${FLEET_KEY}' key under config`);
  return { stack: path.basename(file).replace(/^Pulumi\.(.*)\.ya?ml$/, "$1"), file, values };
}

/** The first key that appears twice in one map, anywhere in the document; one pass. */
function firstDuplicateKey(doc: YAML.Document): string | undefined {
  let duplicate: string | undefined;
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          duplicate = String(key);
          return YAML.visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return duplicate;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function oneLine(message: string): string {
  return message.split("\n")[0];
}
