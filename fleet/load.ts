import * as path from "path";
import * as YAML from "yaml";
import { FleetConfigError } from "./errors";
import { ConfigSource, yamlSource } from "./locate";
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
  const { config, source } = readStackDocument(file);
  const spec = parseFleet(config.values[FLEET_KEY], config.values["aws:region"], new Date(), source);
  try {
    // Two stacks of one project must never share a tree, a fleet name or a record.
    checkDistinctSiblings(spec, file, shownPath);
  } catch (err) {
    if (!(err instanceof FleetConfigError)) throw err;
    throw new FleetConfigError(err.problems.map((problem) => ({ ...problem, where: source.locate(problem.path) })));
  }
  return { spec, config };
}

export function stackFile(stack: string, dir = process.cwd()): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function readStackFile(file: string): StackConfig {
  return readStackDocument(file).config;
}

/** A stack file's config, and where in the file each of its values was written. */
function readStackDocument(file: string): { config: StackConfig; source: ConfigSource } {
  const name = shownPath(file);
  const lines = new YAML.LineCounter();
  // A problem with the file as a whole names the file, and the line and column when there is one.
  const fail = (message: string, offset?: number): never => {
    const at = offset === undefined ? name : `${name}:${lines.linePos(offset).line}:${lines.linePos(offset).col}`;
    throw new FleetConfigError([{ path: at, message }]);
  };
  const bytes = readBounded(file, name);
  const text = bytes.toString("utf8");
  if (text.trim() === "") fail("file is empty");

  let parsed: YAML.Document;
  let doc: unknown;
  try {
    // uniqueKeys makes the parser compare each key with every earlier one (quadratic in a
    // map's size); duplicates are found in one pass instead.
    parsed = YAML.parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
    if (parsed.errors.length > 0) {
      const [error] = parsed.errors;
      return fail(`not valid YAML (${oneLine(error.message)})`, error.pos[0]);
    }
    const duplicate = firstDuplicateKey(parsed);
    if (duplicate) fail(`not valid YAML (map keys must be unique: '${duplicate.key}' appears twice)`, duplicate.offset);
    // The alias cap stops "billion laughs" documents before they expand.
    doc = parsed.toJS({ maxAliasCount: 50 });
  } catch (err) {
    if (err instanceof FleetConfigError) throw err;
    return fail(`not valid YAML (${oneLine((err as Error).message)})`);
  }
  if (!isRecord(doc) || !isRecord(doc.config)) fail("has no 'config:' map");
  const values: Record<string, unknown> = {};
  const written: Record<string, string> = {};
  for (const [key, value] of Object.entries((doc as { config: Record<string, unknown> }).config)) {
    // Keys without a namespace belong to the project, as the Pulumi CLI reads them.
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (full in values) fail(`config has both '${full}' and '${key}', which Pulumi reads as the same key; keep one`);
    values[full] = value;
    written[full] = key;
  }
  if (values[FLEET_KEY] === undefined) fail(`has no '${FLEET_KEY}' key under config`);
  const config = { stack: path.basename(file).replace(/^Pulumi\.(.*)\.ya?ml$/, "$1"), file, values };
  // Problems name `fleet.…` for the project's fleet key, and other keys by their full name.
  const roots = Object.fromEntries(Object.entries(written).map(([full, key]) => [full === FLEET_KEY ? "fleet" : full, key]));
  return { config, source: yamlSource(parsed, text, lines, name, roots) };
}

/**
 * The first key that appears twice in one map, anywhere in the document, and where; one pass.
 * Keys are compared as the JavaScript object the map becomes: `1` and `"1"` (or `null` and
 * `"null"`) are one property there, so the later one would silently replace the earlier.
 */
function firstDuplicateKey(doc: YAML.Document): { key: string; offset?: number } | undefined {
  let duplicate: { key: string; offset?: number } | undefined;
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) {
          duplicate = { key, offset: YAML.isNode(pair.key) ? pair.key.range?.[0] : undefined };
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
