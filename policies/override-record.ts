import { createHash } from "crypto";

/**
 * The renderer's record of every per-cluster difference declared in code: which object on
 * which cluster an `.override()` / `.patch()` changed (the JSON pointers it touched, and a
 * digest of the object as rendered), and which objects a `.to()` places on some clusters
 * only. The consistency rule accepts a difference between clusters only when this record
 * explains it; an annotation written into the tree by hand explains nothing.
 *
 * Written to the tree's root (`names.OVERRIDE_RECORD_FILE`, outside every layer, so no agent
 * applies it) when there is something to record. A hand edit of an overridden object no
 * longer matches its digest; a hand edit of the record itself is caught wherever the tree is
 * compared with a fresh render of the fleet model (`npm run plan` renders the tree it checks,
 * `npm run check --config` re-renders, CI runs `npm run synth -- --check`).
 */
export interface OverrideEntry {
  /** `Kind namespace/name` (cluster-scoped: `Kind /name`). */
  readonly object: string;
  readonly cluster: string;
  /** The replication whose override made the change. */
  readonly replication: string;
  /** What the overrides changed, as JSON pointers into the object rendered without them. */
  readonly pointers: readonly string[];
  /** `objectDigest` of the object as rendered. */
  readonly sha256: string;
}

export interface PlacementEntry {
  readonly object: string;
  readonly replication: string;
  /** The only clusters the object is rendered on. */
  readonly clusters: readonly string[];
}

export interface OverrideRecord {
  readonly overrides: readonly OverrideEntry[];
  readonly placements: readonly PlacementEntry[];
}

/** `Kind namespace/name`: how rules and the record name one object across clusters. */
export function objectKey(object: Record<string, any>): string {
  return `${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as any)[k])]));
  return value;
}

/** The object as stable text: key order never matters. */
export const canonicalJson = (object: unknown): string => JSON.stringify(sortedKeys(object));

export const objectDigest = (object: unknown): string => createHash("sha256").update(canonicalJson(object)).digest("hex");

/** JSON pointers (RFC 6901) where `after` differs from `before`: the deepest differing map keys or array indexes. */
export function differingPointers(before: unknown, after: unknown, at = ""): string[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const bothMaps = [before, after].every((v) => v && typeof v === "object" && !Array.isArray(v));
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  if (!bothMaps && !bothArrays) return [at || "/"];
  const keys = bothArrays
    ? [...Array(Math.max((before as unknown[]).length, (after as unknown[]).length)).keys()].map(String)
    : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
  const escape = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");
  return keys.flatMap((k) => differingPointers((before as any)[k], (after as any)[k], `${at}/${escape(k)}`));
}

/** Whether `pointer` is `covering` or inside it. */
export const covers = (covering: string, pointer: string): boolean => covering === "/" || pointer === covering || pointer.startsWith(`${covering}/`);

export function serializeOverrideRecord(record: OverrideRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Reads a record, checking its shape; throws with what is wrong. */
export function parseOverrideRecord(text: string): OverrideRecord {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  const ok =
    value &&
    Array.isArray(value.overrides) &&
    Array.isArray(value.placements) &&
    value.overrides.every((e: any) => e && typeof e.object === "string" && typeof e.cluster === "string" && typeof e.replication === "string" && strings(e.pointers) && typeof e.sha256 === "string") &&
    value.placements.every((e: any) => e && typeof e.object === "string" && typeof e.replication === "string" && strings(e.clusters));
  if (!ok) throw new Error("not an override record ({ overrides: [{object, cluster, replication, pointers, sha256}], placements: [{object, replication, clusters}] })");
  return value as OverrideRecord;
}
