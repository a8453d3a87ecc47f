import { ApiObject, JsonPatch } from "cdk8s";
import { Construct } from "constructs";
import type { ClusterSpec, FleetSpec } from "../fleet";
import type { TreeLayer } from "../fleet/names";
import { FleetConfigError } from "../fleet/errors";
import { Select } from "./select";

/** The folders each cluster's agent reconciles (fleet/names.ts, TREE_LAYERS). */
export type Layer = TreeLayer;

/** What a replication's objects may depend on: the whole fleet and the cluster being rendered. */
export interface RenderContext {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
}

/** Adds the objects of one replication to `scope` (a cdk8s construct) for one cluster. */
export type Build = (scope: Construct, context: RenderContext) => void;

/** Changes one rendered object on the clusters an override selects. */
export type Edit = (object: ApiObject, context: RenderContext) => void;

interface Override {
  readonly where: Select;
  readonly edit: Edit;
}

/**
 * Patches of `Replication.patch`, applied to the manifest as written to Git. cdk8s's own
 * `addJsonPatch` runs before typed constructs convert their props (a Quantity is still an
 * object then), so a patch there could silently drop a plain value.
 */
interface PendingPatch {
  readonly replication: string;
  readonly cluster: string;
  readonly patch: JsonPatch;
}
const manifestPatches = new WeakMap<ApiObject, PendingPatch[]>();

/** What the renderer records about an object (policies/override-record.ts): its replication, and its manifest before any override ran. */
const origins = new WeakMap<ApiObject, { readonly replication: Replication; before?: Record<string, unknown> }>();

export function originOf(object: ApiObject): { readonly replication: Replication; readonly before?: Record<string, unknown> } | undefined {
  return origins.get(object);
}

/** The manifest of `object` as it goes into Git: cdk8s's rendering, then this fleet's patches. */
export function manifestOf(object: ApiObject): Record<string, unknown> {
  let json = object.toJson() as Record<string, unknown>;
  for (const { replication, cluster, patch } of manifestPatches.get(object) ?? []) {
    const op = (patch as unknown as { operation: { op: string; path: string; from?: string } }).operation;
    // Without this a replace of a missing key silently adds it, and a deeper one throws a TypeError.
    const missing = missingPointer(json, op);
    if (missing) {
      throw new FleetConfigError([{
        path: `replication ${replication}`,
        message: `cluster ${cluster}: patch ${op.op} ${op.path}: ${missing} does not exist in ${object.kind} ${object.metadata.name ?? ""}`.trim(),
      }]);
    }
    json = JsonPatch.apply(json, patch);
  }
  return json;
}

/** The JSON pointer (RFC 6901) an operation needs and `doc` lacks, if any. */
function missingPointer(doc: unknown, op: { op: string; path: string; from?: string }): string | undefined {
  const exists = (pointer: string, parentOnly: boolean): boolean => {
    const tokens = pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
    let at: unknown = doc;
    for (const [i, token] of tokens.entries()) {
      const last = i === tokens.length - 1;
      if (at === null || typeof at !== "object") return false;
      if (last && parentOnly) return !Array.isArray(at) || token === "-" || Number(token) <= at.length;
      if (Array.isArray(at) ? !(Number(token) < at.length) : !Object.prototype.hasOwnProperty.call(at, token)) return false;
      at = (at as Record<string, unknown>)[token];
    }
    return true;
  };
  if ((op.op === "move" || op.op === "copy") && op.from !== undefined && !exists(op.from, false)) return op.from;
  const parentOnly = op.op === "add" || op.op === "move" || op.op === "copy";
  return exists(op.path, parentOnly) ? undefined : parentOnly ? op.path.slice(0, op.path.lastIndexOf("/")) || "/" : op.path;
}

/**
 * Starts a replication: a named set of objects that is rendered once per target cluster.
 *
 * ```ts
 * replicate("payments-quota", (scope) => new KubeResourceQuota(scope, "quota", {...}))
 *   .to(Select.role("primary", "secondary"))
 *   .patch(Select.name("use1"), JsonPatch.replace("/spec/hard/pods", "200"));
 * ```
 */
export function replicate(name: string, build: Build): Replication {
  return new Replication(name, build, "platform", Select.all(), []);
}

/**
 * An immutable description of where a set of objects goes and how it differs per cluster.
 * The same idea as Karmada's PropagationPolicy + OverridePolicy, applied at render time so
 * the difference is visible in Git rather than decided inside a cluster.
 */
export class Replication {
  /** @internal use `replicate()` */
  constructor(
    readonly name: string,
    private readonly build: Build,
    /** @default "platform" */
    readonly layer: Layer,
    /** @default Select.all() */
    readonly target: Select,
    private readonly overrides: readonly Override[],
  ) {}

  /** Renders only on the selected clusters (replaces the previous target). */
  to(target: Select): Replication {
    return new Replication(this.name, this.build, this.layer, target, this.overrides);
  }

  /** Renders only on the named clusters. */
  toClusters(...names: string[]): Replication {
    return this.to(Select.name(...names));
  }

  /** Puts the objects in the apps layer (at the standby scale on a passive cluster) instead of the platform layer. */
  inLayer(layer: Layer): Replication {
    return new Replication(this.name, this.build, layer, this.target, this.overrides);
  }

  /**
   * Edits every object of this replication on the selected clusters. Overrides run in the
   * order they were declared, after the objects are built, so a later one wins.
   */
  override(where: Select, edit: Edit): Replication {
    return new Replication(this.name, this.build, this.layer, this.target, [...this.overrides, { where, edit }]);
  }

  /**
   * Applies JSON patches (RFC 6902, cdk8s `JsonPatch`) to the rendered manifests on the
   * selected clusters: the objects of `kind`, or every object of this replication when
   * `kind` is omitted. Paths and values are those of the YAML in Git.
   */
  patch(where: Select, patches: JsonPatch | readonly JsonPatch[], kind?: string): Replication {
    const list = Array.isArray(patches) ? patches : [patches as JsonPatch];
    return this.override(where, (object, context) => {
      if (kind !== undefined && object.kind !== kind) return;
      const pending = list.map((patch) => ({ replication: this.name, cluster: context.cluster.name, patch }));
      manifestPatches.set(object, [...(manifestPatches.get(object) ?? []), ...pending]);
    });
  }

  /** Cluster names the selectors of this replication mention (checked against the fleet). */
  get namedClusters(): readonly string[] {
    return [...this.target.namedClusters, ...this.overrides.flatMap((o) => o.where.namedClusters)];
  }

  appliesTo(cluster: ClusterSpec): boolean {
    return this.target.matches(cluster);
  }

  /** Builds this replication's objects for one cluster under `scope` and applies the matching overrides. */
  renderInto(scope: Construct, context: RenderContext): void {
    if (!this.appliesTo(context.cluster)) return;
    const unit = new Construct(scope, this.name);
    this.build(unit, context);
    const matching = this.overrides.filter((o) => o.where.matches(context.cluster));
    const objects = unit.node.findAll().filter(ApiObject.isApiObject);
    // Before the overrides run: the renderer records what they changed, and only that may differ between clusters.
    for (const object of objects) origins.set(object, { replication: this, before: matching.length > 0 ? object.toJson() : undefined });
    for (const { edit } of matching) for (const object of objects) edit(object, context);
  }
}
