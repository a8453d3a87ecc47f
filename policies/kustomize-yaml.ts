import * as YAML from "yaml";

/**
 * YAML read the way `kustomize build` reads it, so the rules judge what Flux and Argo CD
 * apply. Kustomize parses with go-yaml v3 (its fork in kubernetes-sigs/kustomize
 * `kyaml/internal/forked`), expands aliases and merge keys itself (kyaml `yaml/rnode.go`,
 * `deAnchor`), then turns each object into JSON. The `yaml` package reads YAML 1.2 and would
 * see other values, so it only parses here (failsafe schema: every scalar stays text) and
 * this file gives each node the value go-yaml v3 resolves (`resolve.go`):
 * - `<<` merges a map, an alias of one, or a list of them; keys of the map win over merged
 *   ones, an earlier list entry over a later one; a quoted `"<<"` key is dropped;
 * - `010` is octal, `1_000` is 1000, `0b101` is 5, a `2001-12-14` date is a timestamp;
 *   `yes`, `on`, `y` stay strings (only true/True/TRUE and false/False/FALSE are booleans).
 * What kustomize refuses (duplicate keys, keys that are not strings, infinities, a merge of
 * a non-map) throws, so the caller reports the file as unreadable rather than guessing.
 */

/** What go-yaml v3 treats as null, booleans and special floats (`resolve.go`, resolveMap). */
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);
const NOT_JSON = new Set([".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"]);
const MERGE = "<<";
/** `yamlStyleFloat` of go-yaml v3. */
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** A billion-laughs file expands aliases without end: nodes read through aliases are capped. */
const MAX_ALIASED_NODES = 50_000;

const TAG = "tag:yaml.org,2002:";

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** The documents of a YAML (or JSON) text as kustomize reads them; empty documents are skipped. */
export function kustomizeDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  for (const doc of YAML.parseAllDocuments(text, { schema: "failsafe", uniqueKeys: false, merge: false }) as YAML.Document[]) {
    if (doc.errors.length > 0) throw new Error(`not valid YAML (${doc.errors[0].message.split("\n")[0]})`);
    const value = new Reader(doc).read(doc.contents);
    if (value !== null) documents.push(value);
  }
  return documents;
}

class Reader {
  private aliased = 0;
  private aliasDepth = 0;
  private readonly resolving = new Set<YAML.Node>();
  /** Each alias's anchored node, looked up once (the lookup walks the document). */
  private readonly targets = new Map<YAML.Alias, unknown>();

  constructor(private readonly doc: YAML.Document) {}

  read(node: unknown): Value {
    if (this.aliasDepth > 0 && ++this.aliased > MAX_ALIASED_NODES) throw new Error(`expands to more than ${MAX_ALIASED_NODES} nodes through aliases`);
    if (node === null || node === undefined) return null;
    if (YAML.isAlias(node)) {
      this.aliasDepth++;
      try {
        return this.read(this.target(node));
      } finally {
        this.aliasDepth--;
      }
    }
    if (YAML.isScalar(node)) return scalarValue(node);
    if (YAML.isSeq(node)) return this.guarded(collection(node, "seq"), () => node.items.map((item) => this.read(item)));
    if (YAML.isMap(node)) return this.guarded(collection(node, "map"), () => this.mapping(node));
    throw new Error("holds a YAML node kustomize does not read");
  }

  /** The anchored node an alias names. */
  private target(alias: YAML.Alias): unknown {
    if (!this.targets.has(alias)) this.targets.set(alias, alias.resolve(this.doc));
    const target = this.targets.get(alias);
    if (!target) throw new Error(`names an undefined anchor '${alias.source}'`);
    return target;
  }

  /** Reads a collection, refusing one that contains itself through an alias (go-yaml: "anchor … contains itself"). */
  private guarded<T>(node: YAML.Node, read: () => T): T {
    if (this.resolving.has(node)) throw new Error("has an anchor whose value contains itself");
    this.resolving.add(node);
    try {
      return read();
    } finally {
      this.resolving.delete(node);
    }
  }

  /** A mapping with its merge key expanded (kyaml `removeMergeTags` + `mergeAll`). */
  private mapping(map: YAML.YAMLMap): Value {
    const own = new Map<string, Value>();
    let merges: unknown;
    let mergeKeys = 0;
    for (const pair of map.items) {
      const keyNode = pair.key;
      if (YAML.isScalar(keyNode) && String(keyNode.source) === MERGE) {
        if (++mergeKeys > 1) throw new Error("has more than one '<<' key in a mapping");
        // A plain `<<` (or one tagged !!merge) merges; a quoted "<<" is cleared like the plain one and merges nothing.
        if ((keyNode.type === "PLAIN" && keyNode.tag === undefined) || keyNode.tag === `${TAG}merge`) merges = pair.value;
        continue;
      }
      const key = this.read(keyNode);
      if (typeof key !== "string") throw new Error(`has a mapping key that is not a string (${JSON.stringify(key)}); kustomize cannot turn it into JSON`);
      if (own.has(key)) throw new Error(`has the mapping key '${key}' twice`);
      own.set(key, this.read(pair.value));
    }
    const result: { [key: string]: Value } = {};
    // Later list entries first, so earlier ones override them; the map's own keys last.
    for (const source of this.mergeSources(merges).reverse()) Object.assign(result, source);
    for (const [key, value] of own) result[key] = value;
    return result;
  }

  /** The maps a `<<` value names, in the order written (kyaml `findMergeValues`). */
  private mergeSources(value: unknown): { [key: string]: Value }[] {
    if (value === undefined) return [];
    const one = (node: unknown): { [key: string]: Value } => {
      const target = YAML.isAlias(node) ? this.target(node) : node;
      if (!YAML.isMap(target)) throw new Error("merges ('<<') something that is not a map");
      // Read through the alias, so what it expands counts against the cap.
      return this.read(node) as { [key: string]: Value };
    };
    if (YAML.isSeq(value)) return value.items.map((item) => {
      if (YAML.isSeq(item)) throw new Error("merges ('<<') a nested list");
      return one(item);
    });
    return [one(value)];
  }
}

/** A map or list without a tag that changes its meaning (`!!set`, `!!omap`, …), which kustomize reads its own way. */
function collection<T extends YAML.YAMLMap | YAML.YAMLSeq>(node: T, kind: "map" | "seq"): T {
  if (node.tag !== undefined && node.tag !== "!" && node.tag !== `${TAG}${kind}`) throw new Error(`tags a collection as ${node.tag}, which kustomize reads differently`);
  return node;
}

/** The value go-yaml v3 gives a scalar, by its tag and style (`decode.go` scalar, `resolve.go`). */
function scalarValue(node: YAML.Scalar): Value {
  const text = String(node.source ?? node.value ?? "");
  const tag = node.tag;
  // Quoted and block scalars are strings; the non-specific tag `!` changes nothing.
  if (tag === undefined || tag === "!") return node.type === "PLAIN" ? resolve(text).value : text;
  // A local tag (`!foo`) is kept as text.
  if (!tag.startsWith(TAG)) return text;
  const name = tag.slice(TAG.length);
  if (name === "str") return text;
  if (name === "binary") return Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8");
  if (!["null", "bool", "int", "float", "timestamp"].includes(name)) throw new Error(`tags the scalar '${text}' as !!${name}, which kustomize cannot read`);
  const resolved = resolve(text);
  // An integer read as !!float is the same number.
  if (resolved.tag === name || (name === "float" && resolved.tag === "int")) return resolved.value;
  throw new Error(`cannot read '${text}' as !!${name}`);
}

type Resolved = { tag: "null" | "bool" | "int" | "float" | "timestamp" | "str"; value: Value };

/** go-yaml v3's `resolve` for a plain scalar. */
function resolve(text: string): Resolved {
  if (NULLS.has(text)) return { tag: "null", value: null };
  if (TRUE.has(text)) return { tag: "bool", value: true };
  if (FALSE.has(text)) return { tag: "bool", value: false };
  if (NOT_JSON.has(text)) throw new Error(`has the value ${text}, which JSON cannot hold (kustomize fails on it)`);
  const first = text[0];
  if (first === ".") {
    const value = goFloat(text);
    return value === undefined ? { tag: "str", value: text } : { tag: "float", value };
  }
  if (!/[0-9+-]/.test(first)) return { tag: "str", value: text };
  const time = timestamp(text);
  if (time !== undefined) return { tag: "timestamp", value: time };
  const plain = text.replace(/_/g, "");
  const int = integer(plain);
  if (int !== undefined) return { tag: "int", value: int };
  const float = goFloat(plain);
  return float === undefined ? { tag: "str", value: text } : { tag: "float", value: float };
}

/** `strconv.ParseInt(s, 0, 64)` / `ParseUint`: sign, then 0x, 0o, 0b or a leading 0 (octal). */
function integer(text: string): number | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match;
  const prefixed = /^0[xXoObB]/.test(digits);
  const value = prefixed ? BigInt(digits.toLowerCase()) : /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const signed = sign === "-" ? -value : value;
  if (signed < -(1n << 63n) || signed > (1n << 64n) - 1n) return undefined; // out of range: go-yaml tries a float next
  // JSON numbers beyond 2^53 would not read back as the integer kustomize writes.
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`has the integer ${text}, too large to read exactly`);
  return Number(signed);
}

/** `strconv.ParseFloat` of a text that matches go-yaml's float pattern. */
function goFloat(text: string): number | undefined {
  if (!FLOAT.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`has the value ${text}, which JSON cannot hold (kustomize fails on it)`);
  return value;
}

/**
 * go-yaml v3's `parseTimestamp` (layouts `2006-1-2T15:4:5.999999999Z07:00`, the same with a
 * lower-case `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`), as Go's `time.Time` writes it
 * to JSON (RFC 3339 with nanoseconds, trailing zeros dropped).
 */
function timestamp(text: string): string | undefined {
  const match = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:([Tt])|( ))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, t, space, hour, minute, second, fraction, zone] = match;
  const y = Number(year), mo = Number(month), d = Number(day);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]) return undefined;
  const date = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  if (hour === undefined) return `${date}T00:00:00Z`;
  // The T layouts need a zone, the space layout has none.
  if ((t !== undefined) !== (zone !== undefined) || (space !== undefined && zone !== undefined)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zone !== undefined && zone !== "Z" && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const nanos = (fraction ?? "").replace(/0+$/, "");
  const offset = zone === undefined || zone === "Z" || /^[+-]00:00$/.test(zone) ? "Z" : zone;
  return `${date}T${hour.padStart(2, "0")}:${minute.padStart(2, "0")}:${second.padStart(2, "0")}${nanos ? `.${nanos}` : ""}${offset}`;
}
