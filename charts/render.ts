import { ApiObject, App, Chart } from "cdk8s";
import * as YAML from "yaml";
import type { ClusterSpec, FleetSpec } from "../fleet";
import { FleetConfigError, type Problem } from "../fleet/errors";
import * as names from "../fleet/names";
import { differingPointers, objectDigest, objectKey, OverrideEntry, PlacementEntry, serializeOverrideRecord } from "../policies/override-record";
import { Layer, manifestOf, originOf, Replication } from "./replicate";
import { basicProblem } from "./replicated";
import { pruneProtected } from "./prune-safety";
import { appsLayer } from "./standby";
import { TextMemo } from "./text-memo";
import { objectProblems } from "./validate";

export const LAYERS: readonly Layer[] = names.TREE_LAYERS;
/** Lists each layer's files, so the folder exists (Git keeps no empty folder) and the agent applies exactly these. */
export const KUSTOMIZATION_FILE = "kustomization.yaml";

export interface RenderedFile {
  /** Relative to the tree root: `clusters/<cluster>/<layer>/<file>`. */
  readonly path: string;
  readonly content: string;
}

export interface RenderOptions {
  /** How error messages name the tree root (e.g. `gitops`). @default "gitops" */
  readonly root?: string;
  /** Check every object against its schema before anything is written. @default true */
  readonly validate?: boolean;
  /**
   * Render only these clusters' folders: the part of the tree one stack's agents apply
   * (deploy/tree-part.ts). Each folder is what the whole render gives it, byte for byte, since a
   * cluster's objects come from the fleet and the cluster alone (`RenderContext`); the override
   * record holds only the entries of their objects, which is all the manifest rules read of it
   * for those folders. @default every cluster
   */
  readonly clusters?: readonly string[];
}

/**
 * Renders every cluster's layers in memory: cdk8s builds the objects, each becomes one
 * file with a stable name and key order, and every object is validated. Nothing touches
 * the disk, so a problem here can never leave a half-written tree. Throws
 * `FleetConfigError` listing every problem, each naming the file, cluster and field.
 */
export function renderFleet(fleet: FleetSpec, replications: readonly Replication[], options: RenderOptions = {}): RenderedFile[] {
  const root = options.root ?? "gitops";
  checkSelectors(fleet, replications);
  const problems: Problem[] = [];
  const files: RenderedFile[] = [];
  // Most objects are identical on every cluster (and in every fleet a process renders):
  // validate and serialize each distinct one once.
  const check = (manifest: Record<string, unknown>) => {
    const key = JSON.stringify(manifest);
    return { yaml: YAML_OF.get(key, () => toYaml(manifest)), problems: options.validate === false ? [] : PROBLEMS_OF.get(key, () => objectProblems(manifest)) };
  };
  const overrides: OverrideEntry[] = [];
  const placements = new Map<string, PlacementEntry>();
  for (const cluster of partOf(fleet, options.clusters)) {
    for (const [layer, rendered] of renderCluster(fleet, cluster, replications)) {
      const manifests = rendered.map((r) => r.manifest);
      for (const { manifest, replication, before } of rendered) {
        if (!replication) continue;
        if (before) {
          const pointers = differingPointers(before, manifest);
          if (pointers.length > 0) overrides.push({ object: objectKey(manifest), cluster: cluster.name, replication: replication.name, pointers, sha256: objectDigest(manifest) });
        }
        const targets = fleet.clusters.filter((c) => replication.appliesTo(c)).map((c) => c.name);
        if (targets.length < fleet.clusters.length) placements.set(objectKey(manifest), { object: objectKey(manifest), replication: replication.name, clusters: targets });
      }
      const folder = `clusters/${cluster.name}/${layer}`;
      const names = new Map<string, string>();
      for (const manifest of manifests) {
        const basic = basicProblem(manifest);
        if (basic) {
          problems.push({ path: `${root}/${folder}/?`, message: `cluster ${cluster.name}: ${basic}` });
          continue;
        }
        const file = fileName(manifest);
        const where = `${root}/${folder}/${file}`;
        const { yaml, problems: found } = check(manifest);
        problems.push(...found.map((message) => ({ path: where, message: `cluster ${cluster.name}: ${message}` })));
        const id = `${manifest.kind} ${(manifest.metadata as { namespace?: string }).namespace ?? ""}/${(manifest.metadata as { name: string }).name}`;
        const clash = names.get(file);
        if (clash) problems.push({ path: where, message: `cluster ${cluster.name}: ${id} and ${clash} render to the same file` });
        names.set(file, id);
        files.push({ path: `${folder}/${file}`, content: yaml });
      }
      files.push({ path: `${folder}/${KUSTOMIZATION_FILE}`, content: kustomization([...names.keys()]) });
    }
  }
  if (problems.length > 0) throw new FleetConfigError(problems);
  if (overrides.length > 0 || placements.size > 0) {
    const byKey = <T extends { object: string }>(a: T, b: T) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0);
    files.push({ path: names.OVERRIDE_RECORD_FILE, content: serializeOverrideRecord({ overrides, placements: [...placements.values()].sort(byKey) }) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The clusters of `part` in fleet order (every cluster without one). */
export function partOf(fleet: FleetSpec, part: readonly string[] | undefined): readonly ClusterSpec[] {
  return part === undefined ? fleet.clusters : fleet.clusters.filter((c) => part.includes(c.name));
}

/** By the manifest's JSON, which holds everything `toYaml` and `objectProblems` read. */
const YAML_OF = new TextMemo<string>();
const PROBLEMS_OF = new TextMemo<readonly string[]>();

interface RenderedObject {
  readonly manifest: Record<string, unknown>;
  /** Absent only for an object an override added outside any replication (recorded nowhere, so it must not differ). */
  readonly replication?: Replication;
  /** The manifest before the replication's overrides ran, when any ran on this cluster. */
  readonly before?: Record<string, unknown>;
}

/** One cdk8s App per cluster (released after rendering), one Chart per layer. */
function renderCluster(fleet: FleetSpec, cluster: ClusterSpec, replications: readonly Replication[]): Map<Layer, RenderedObject[]> {
  const app = new App();
  const charts = new Map(LAYERS.map((layer) => [layer, new Chart(app, `${cluster.name}-${layer}`)]));
  const context = { fleet, cluster };
  const result = new Map<Layer, RenderedObject[]>();
  for (const replication of replications) {
    try {
      replication.renderInto(charts.get(replication.layer)!, context);
    } catch (err) {
      if (err instanceof FleetConfigError) throw err;
      throw new FleetConfigError([{ path: `replication ${replication.name}`, message: `cluster ${cluster.name}: ${(err as Error).message}` }]);
    }
  }
  for (const [layer, chart] of charts) {
    try {
      const objects = chart.node.findAll().filter(ApiObject.isApiObject);
      const manifests = objects.map(manifestOf);
      // The apps layer at the cluster's state (charts/standby.ts): the whole layer, so an autoscaler's target is known.
      const shaped = layer === "apps" ? appsLayer(manifests, cluster) : manifests;
      result.set(layer, objects.map((object, i) => {
        const origin = originOf(object);
        // Every object that holds data, whoever rendered it (charts or replicated/), is kept from the agents' pruning.
        return { manifest: pruneProtected(shaped[i]), ...origin, ...(origin?.before ? { before: pruneProtected(origin.before) } : {}) };
      }));
    } catch (err) {
      // A JSON patch on a path that does not exist fails here, after every override ran.
      if (err instanceof FleetConfigError) throw err;
      throw new FleetConfigError([{ path: `clusters/${cluster.name}/${layer}`, message: `cluster ${cluster.name}: ${(err as Error).message}` }]);
    }
  }
  return result;
}

/** A selector that names a cluster the fleet does not have would silently match nothing. */
function checkSelectors(fleet: FleetSpec, replications: readonly Replication[]): void {
  const known = new Set(fleet.clusters.map((c) => c.name));
  const problems = replications.flatMap((r) =>
    r.namedClusters.filter((name) => !known.has(name)).map((name) => ({ path: `replication ${r.name}`, message: `selects cluster '${name}', which is not in fleet.clusters` })),
  );
  if (problems.length > 0) throw new FleetConfigError(problems);
}

/** `<kind>-<namespace>-<name>.yaml` (cluster-scoped: `<kind>-<name>.yaml`), lowercase, no hashes. */
export function fileName(manifest: Record<string, unknown>): string {
  const metadata = manifest.metadata as { name: string; namespace?: string };
  const parts = [manifest.kind as string, metadata.namespace, metadata.name].filter((p): p is string => !!p);
  return `${parts.map((p) => p.toLowerCase().replace(/[^a-z0-9.-]+/g, "-")).join("-")}.yaml`;
}

/** apiVersion, kind, metadata first (as kubectl shows them), every other key sorted, at every level. */
export function canonical(manifest: Record<string, unknown>): Record<string, unknown> {
  const head = ["apiVersion", "kind", "metadata"].filter((k) => k in manifest);
  const rest = Object.keys(manifest).filter((k) => !head.includes(k)).sort();
  return Object.fromEntries([...head, ...rest].map((k) => [k, sorted(manifest[k])]));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** A manifest as the renderer writes it into Git. */
export function toYaml(manifest: Record<string, unknown>): string {
  // lineWidth 0: long strings stay on one line, so a change shows as a one-line diff.
  return YAML.stringify(canonical(manifest), { lineWidth: 0 });
}

function kustomization(files: string[]): string {
  return YAML.stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: files.sort() }, { lineWidth: 0 });
}
