import * as YAML from "yaml";
import { FLEET_KEY, FleetSpec, parseFleet } from "../../fleet";
import { UsageError } from "../errors";

export interface RoleChange {
  readonly cluster: string;
  readonly region: string;
  readonly from: string;
  readonly to: string;
}

export interface Promotion {
  /** The stack file's new text: the old one with only the two role values replaced. */
  readonly text: string;
  readonly changes: readonly RoleChange[];
  /** The fleet as it will be after the promotion (already validated). */
  readonly spec: FleetSpec;
  /** The promoted cluster was chosen as the takeover standby (no `--to`). */
  readonly byDefault: boolean;
}

/**
 * Promotes `target` to primary and the current primary to secondary in a stack file's
 * text; without a target, the takeover standby: the one Route 53 already sends traffic to
 * when the primary fails, whose bucket holds the primary's backups. The Document API finds
 * the two `role` scalars; the edit splices their source ranges rather than re-serialising
 * the document, because `doc.toString()` re-flows flow maps and drops the alignment of
 * trailing comments. Every other byte is kept. Refusals are bad input (exit 2).
 */
export function promote(text: string, requested: string | undefined, file = "the stack file"): Promotion {
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new UsageError(`${file}: not valid YAML (${doc.errors[0].message.split("\n")[0]})`);
  const config = doc.get("config");
  if (!YAML.isMap(config)) throw new UsageError(`${file}: has no 'config:' map`);
  const fleetKey = [FLEET_KEY, "fleet"].find((key) => config.has(key));
  const fleet = fleetKey ? config.get(fleetKey) : undefined;
  if (!YAML.isMap(fleet)) throw new UsageError(`${file}: has no '${FLEET_KEY}' map under config`);

  const name = String(fleet.get("name") ?? "?");
  if (fleet.get("mode") === "active-active") {
    throw new UsageError(`--to: fleet '${name}' is active-active: every cluster already serves traffic, there is no primary to move`);
  }
  const clusters = fleet.get("clusters");
  const items = YAML.isSeq(clusters) ? clusters.items.filter(YAML.isMap) : [];
  items.forEach(refuseIndirectRole);
  const byName = (n: string) => items.find((c) => c.get("name") === n);
  const target = requested ?? validate(text, fleetKey!).takeover!.name;
  const chosen = byName(target);
  if (!chosen) {
    throw new UsageError(`--to: no cluster named '${target}' in ${file} (clusters: ${items.map((c) => String(c.get("name"))).join(", ") || "none"})`);
  }
  if (chosen.get("role") === "primary") throw new UsageError(`--to: '${target}' is already the primary`);
  const current = items.find((c) => c.get("role") === "primary");
  if (!current) throw new UsageError(`--to: ${file} has no primary cluster to take over from`);

  const edits = [roleEdit(chosen, "primary", target), roleEdit(current, "secondary", String(current.get("name")))];
  // Splice from the end so earlier offsets stay valid.
  let next = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) next = next.slice(0, edit.start) + edit.value + next.slice(edit.end);

  const spec = validate(next, fleetKey!);
  const changes = [current, chosen].map((c) => {
    const cluster = String(c.get("name"));
    const after = spec.clusters.find((x) => x.name === cluster)!;
    return { cluster, region: after.region, from: String(c.get("role")), to: after.role };
  });
  return { text: next, changes, spec, byDefault: requested === undefined };
}

/**
 * A role behind an alias or an anchor is shared with another node, and a block scalar
 * (`role: |`) carries a line break: editing either in place would change more than one
 * role, or something else. They are refused (exit 2) with what to write instead.
 */
function refuseIndirectRole(cluster: YAML.YAMLMap, index: number): void {
  const node = cluster.get("role", true) as YAML.Node | undefined;
  if (node === undefined) return;
  const at = `fleet.clusters[${index}].role`;
  const plain = "write it as a plain value (role: primary) and run failover again";
  if (YAML.isAlias(node)) throw new UsageError(`${at}: is a YAML alias (*${node.source}); ${plain}`);
  if (node.anchor) throw new UsageError(`${at}: carries the YAML anchor &${node.anchor}; ${plain}`);
  if (YAML.isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")) throw new UsageError(`${at}: is a block scalar; ${plain}`);
  if (!YAML.isScalar(node)) throw new UsageError(`${at}: is not a scalar; ${plain}`);
}

/** Where a cluster's `role` value sits in the source, and its replacement in the same quoting. */
function roleEdit(cluster: YAML.YAMLMap, role: string, name: string): { start: number; end: number; value: string } {
  const node = cluster.get("role", true);
  if (!YAML.isScalar(node) || !node.range) throw new UsageError(`--to: cluster '${name}' has no plain 'role:' value to change`);
  const quote = node.type === "QUOTE_DOUBLE" ? '"' : node.type === "QUOTE_SINGLE" ? "'" : "";
  return { start: node.range[0], end: node.range[1], value: `${quote}${role}${quote}` };
}

/** The edited file must still be a valid fleet (same parse as every command), else nothing is written. */
function validate(text: string, fleetKey: string): FleetSpec {
  const config = (YAML.parse(text) as { config: Record<string, unknown> }).config;
  return parseFleet(config[fleetKey], config["aws:region"]);
}
