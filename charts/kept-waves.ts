import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { ClusterRollout, ClusterSpec, FleetSpec, RolloutState } from "../fleet";
import { FleetConfigError } from "../fleet/errors";
import * as names from "../fleet/names";
import { followsSource, parseRolloutState, readTreeFile, serializeRolloutState } from "../fleet/rollout-state";
import { objectDigest, objectKey, OverrideEntry, parseOverrideRecord, PlacementEntry, serializeOverrideRecord } from "../policies/override-record";
import { fleetInfoWithoutRole, fleetInfoWithRole } from "./platform/fleet-info";
import { pruneProtected } from "./prune-safety";
import { KUSTOMIZATION_FILE, partOf, RenderedFile, toYaml } from "./render";
import { appsLayer, runningManifest } from "./standby";
import { TextMemo } from "./text-memo";

/**
 * Waves in the rendered tree. The tree is rendered for every cluster from the current
 * source; then each cluster whose wave has not been promoted keeps the platform and apps
 * files it runs (read from the tree on disk and checked against the digest `rollout.json`
 * records), so a change to the fleet's manifests reaches the first wave only and a later
 * wave gets it when `npm run rollout -- promote` moves it. This works the same for Flux and
 * Argo CD, since both apply the folder at the branch's newest commit: no agent setting
 * changes, and every pull request shows exactly which clusters' files a change touches.
 *
 * What depends on the role is the failover switch, never held back by a wave: the traffic
 * layer (the health answers) always comes from the current source, and a kept wave's files
 * are turned back into their running form (charts/standby.ts records what a standby's state
 * replaced) and given the current role: the standby state of its apps and the role keys of
 * fleet-info. So a `npm run failover` commit scales a pilot light up, or a demoted primary
 * down, on every wave at once, without shipping the unpromoted manifest changes with it.
 *
 * Chosen over pinning each wave's agents to a source revision (Flux `GitRepository.spec.ref.commit`,
 * Argo CD `targetRevision` per wave): pinned revisions keep the old files in history, not in
 * the tree, so a failover could not reach a pinned wave's apps without a second, always-current
 * mechanism that patches them (kustomize patches computed from the pinned files), a pull
 * request would show every cluster's files changing though only the first wave gets them, and
 * a promotion would be a one-line SHA change that shows nothing of what the wave receives.
 */
export interface KeptTree {
  readonly state?: RolloutState;
  /** The files of a cluster's platform and apps folders as they are, read only for a cluster that keeps them. */
  readonly filesOf: (cluster: string) => RenderedFile[];
}

/** The tree folder's state, its kept files read on demand; none when the folder holds no state yet (first render). */
export function readKeptTree(dir: string, shown = dir): KeptTree | undefined {
  const stateFile = path.join(dir, names.ROLLOUT_STATE_FILE);
  if (!fs.existsSync(stateFile)) return undefined;
  const state = parseRolloutState(readTreeFile(stateFile, `${shown}/${names.ROLLOUT_STATE_FILE}`), `${shown}/${names.ROLLOUT_STATE_FILE}`);
  const filesOf = (cluster: string) => {
    const files: RenderedFile[] = [];
    for (const layer of KEPT_LAYERS) {
      const folder = path.join(dir, "clusters", cluster, layer);
      if (!fs.lstatSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      for (const file of fs.readdirSync(folder)) {
        const relative = `clusters/${cluster}/${layer}/${file}`;
        files.push({ path: relative, content: readTreeFile(path.join(folder, file), `${shown}/${relative}`) });
      }
    }
    return files;
  };
  return { state, filesOf };
}

/** The same, from a tree held in memory (what a render returned). */
export function keptTreeOf(files: readonly RenderedFile[]): KeptTree | undefined {
  const state = files.find((f) => f.path === names.ROLLOUT_STATE_FILE);
  if (!state) return undefined;
  return { state: parseRolloutState(state.content, names.ROLLOUT_STATE_FILE), filesOf: (cluster) => files.filter((f) => isKeptLayerFile(f.path) && f.path.startsWith(`clusters/${cluster}/`)) };
}

/** The layers a wave keeps until promoted; `traffic` (the health answers) always follows the current source. */
export const KEPT_LAYERS = ["platform", "apps"] as const;

/** A change to the state that comes with this render. */
export interface RolloutChange {
  /** The waves whose clusters take the current source (and `fleet.kubernetesVersion`): a promotion moves one, an abort every wave that moved. */
  readonly promote?: { readonly waves: readonly string[]; readonly at: string; readonly revision: string };
  /** A failed gate: recorded so that nothing is promoted until the rollout is aborted or resumed. */
  readonly halt?: RolloutState["halted"];
  /** Clears a halt (abort, or an explicit resume). */
  readonly resume?: boolean;
}

export interface RolloutRender {
  readonly files: RenderedFile[];
  readonly state: RolloutState;
  /** Clusters whose files are kept (their wave has not taken the current source). */
  readonly kept: readonly string[];
}

/**
 * The tree as the agents apply it: `fresh` (every cluster rendered from the current source)
 * with each not-yet-promoted cluster's kept files, the override record adjusted for them and
 * `rollout.json` written. Throws `FleetConfigError` when a kept file differs from what its
 * wave was promoted to (a hand edit), or is missing.
 *
 * With `part` (`fresh` rendered for those clusters only, charts/render.ts): the same for those
 * clusters, whose files need nothing of another cluster's (a cluster keeps or takes its files
 * by its own entry of the state, its own wave and its own files), and the override record's
 * entries for their objects; no `rollout.json`, which is the whole fleet's.
 */
export function applyRollout(fleet: FleetSpec, fresh: readonly RenderedFile[], kept: KeptTree | undefined, root: string, change: RolloutChange = {}, part?: readonly string[]): RolloutRender {
  const byCluster = groupByCluster(fresh);
  const out: RenderedFile[] = fresh.filter((f) => !isKeptLayerFile(f.path));
  const entries: Record<string, ClusterRollout> = {};
  const keptClusters: ClusterSpec[] = [];
  const running = new RunningForms();
  for (const cluster of partOf(fleet, part)) {
    const own = byCluster.get(cluster.name) ?? [];
    const freshDigest = running.digest(own);
    const previous = kept?.state?.clusters[cluster.name];
    const promoting = change.promote?.waves.includes(cluster.wave) ?? false;
    const promoted = promoting ? { at: change.promote!.at, revision: change.promote!.revision } : previous?.promoted;
    // The first wave, a wave being promoted and a cluster the state does not know take the
    // current source and version; any other keeps what it was promoted to.
    const current = promoting || followsSource(fleet, cluster, kept?.state);
    if (current || previous!.digest === freshDigest) {
      out.push(...own);
      const kubernetesVersion = current ? fleet.kubernetesVersion : previous!.kubernetesVersion;
      entries[cluster.name] = { wave: cluster.wave, digest: freshDigest, kubernetesVersion, ...(promoted ? { promoted } : {}) };
      continue;
    }
    const files = kept!.filesOf(cluster.name);
    const where = `${root}/clusters/${cluster.name}`;
    if (files.length === 0) {
      throw new FleetConfigError([{ path: where, message: `${names.ROLLOUT_STATE_FILE} keeps wave '${cluster.wave}' at what it was promoted to, but its platform and apps files are missing: restore them from Git` }]);
    }
    if (running.digest(files) !== previous!.digest) {
      throw new FleetConfigError([{
        path: where,
        message: `differs from what wave '${cluster.wave}' was promoted to (${names.ROLLOUT_STATE_FILE}): the files of a wave that has not been promoted change only through npm run rollout -- promote; restore them from Git`,
      }]);
    }
    out.push(...withRole(files, cluster, where));
    entries[cluster.name] = { ...previous!, wave: cluster.wave };
    keptClusters.push(cluster);
  }
  const halted = change.resume ? undefined : change.halt ?? kept?.state?.halted;
  const state: RolloutState = { clusters: entries, ...(halted ? { halted } : {}) };
  const files = adjustOverrideRecord(fleet, fresh, out, keptClusters);
  if (part === undefined) files.push({ path: names.ROLLOUT_STATE_FILE, content: serializeRolloutState(state) });
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), state, kept: keptClusters.map((c) => c.name) };
}

const isKeptLayerFile = (file: string) => /^clusters\/[^/]+\/(platform|apps)\//.test(file);

function groupByCluster(files: readonly RenderedFile[]): Map<string, RenderedFile[]> {
  const groups = new Map<string, RenderedFile[]>();
  for (const file of files) {
    if (!isKeptLayerFile(file.path)) continue;
    const cluster = file.path.split("/")[1];
    groups.set(cluster, [...(groups.get(cluster) ?? []), file]);
  }
  return groups;
}

/**
 * Manifests with what no role decides: a standby's apps as a running cluster renders them,
 * fleet-info without its role keys. Equal text gives equal forms, so each distinct file is
 * parsed once however many clusters (and renders of the process) share it.
 */
const RUNNING_FORMS = new TextMemo<string>();

class RunningForms {
  text(file: RenderedFile): string {
    if (path.posix.basename(file.path) === KUSTOMIZATION_FILE) return file.content;
    return RUNNING_FORMS.get(file.content, (content) => toYaml(runningFormOf(YAML.parse(content))));
  }

  /** sha256 over each platform and apps file (path within the cluster, running form), by path. */
  digest(files: readonly RenderedFile[]): string {
    const hash = createHash("sha256");
    for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      hash.update(`${file.path.split("/").slice(2).join("/")}\n${this.text(file)}\n`);
    }
    return `sha256:${hash.digest("hex")}`;
  }
}

const runningFormOf = (manifest: Record<string, any>) => fleetInfoWithoutRole(runningManifest(manifest));

/** Kept files with the cluster's current role: the apps layer at its standby state, fleet-info's role keys. */
function withRole(files: readonly RenderedFile[], cluster: ClusterSpec, where: string): RenderedFile[] {
  const manifests = (layer: string) => files.filter((f) => f.path.split("/")[2] === layer && path.posix.basename(f.path) !== KUSTOMIZATION_FILE);
  const serialize = (file: RenderedFile, manifest: Record<string, any>) => ({ path: file.path, content: toYaml(pruneProtected(manifest)) });
  const platform = manifests("platform").map((f) => serialize(f, fleetInfoWithRole(runningFormOf(YAML.parse(f.content)), cluster)));
  const appsFiles = manifests("apps");
  let apps: RenderedFile[];
  try {
    const shaped = appsLayer(appsFiles.map((f) => runningManifest(YAML.parse(f.content))), cluster);
    apps = appsFiles.map((f, i) => serialize(f, shaped[i]));
  } catch (err) {
    throw new FleetConfigError([{ path: `${where}/apps`, message: `cluster ${cluster.name}: ${(err as Error).message}` }]);
  }
  return [...platform, ...apps, ...files.filter((f) => path.posix.basename(f.path) === KUSTOMIZATION_FILE)];
}

/**
 * The override record for the tree as it is applied: a kept copy that differs from the
 * current source's copy on its cluster is recorded as the rollout's difference (the whole
 * object, pinned by its digest), and an object present on different clusters than the current
 * source places it gets a placement naming exactly where it is. The consistency rule then
 * accepts the waves' differences and still catches any hand edit.
 */
function adjustOverrideRecord(fleet: FleetSpec, fresh: readonly RenderedFile[], out: RenderedFile[], kept: readonly ClusterSpec[]): RenderedFile[] {
  if (kept.length === 0) return out;
  const keptFiles = out.filter((f) => kept.some((c) => f.path.startsWith(`clusters/${c.name}/`)) && isKeptLayerFile(f.path));
  const freshByPath = new Map(fresh.map((f) => [f.path, f.content]));
  const recordFile = out.find((f) => f.path === names.OVERRIDE_RECORD_FILE);
  const record = recordFile ? parseOverrideRecord(recordFile.content) : { overrides: [], placements: [] };
  const parse = cachedParse();
  const keyOf = (file: RenderedFile) => (path.posix.basename(file.path) === KUSTOMIZATION_FILE ? undefined : objectKey(parse(file.content)));
  const overrides: OverrideEntry[] = [...record.overrides];
  for (const file of keptFiles) {
    if (freshByPath.get(file.path) === file.content) continue;
    const key = keyOf(file);
    if (!key) continue;
    const cluster = file.path.split("/")[1];
    const wave = kept.find((c) => c.name === cluster)!.wave;
    const at = overrides.findIndex((e) => e.object === key && e.cluster === cluster);
    if (at >= 0) overrides.splice(at, 1);
    overrides.push({ object: key, cluster, replication: `rollout: wave ${wave} not promoted yet`, pointers: ["/"], sha256: objectDigest(parse(file.content)) });
  }
  // Where each object is, in the tree as applied, against where the current source puts it.
  const presence = (files: readonly RenderedFile[]) => {
    const where = new Map<string, Set<string>>();
    for (const file of files.filter((f) => isKeptLayerFile(f.path))) {
      const key = keyOf(file);
      if (key) where.set(key, (where.get(key) ?? new Set()).add(file.path.split("/")[1]));
    }
    return where;
  };
  const [now, source] = [presence(out), presence(fresh)];
  const all = fleet.clusters.map((c) => c.name);
  const placements = new Map<string, PlacementEntry>(record.placements.map((p) => [p.object, p]));
  for (const key of new Set([...now.keys(), ...source.keys()])) {
    const here = [...(now.get(key) ?? [])].sort();
    const there = [...(source.get(key) ?? [])].sort();
    if (here.join() === there.join()) continue;
    const replication = placements.get(key)?.replication ?? "rollout: waves not promoted yet";
    placements.delete(key);
    if (here.length > 0 && here.length < all.length) placements.set(key, { object: key, replication, clusters: here });
  }
  const byKey = <T extends { object: string }>(a: T, b: T) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0);
  const content = serializeOverrideRecord({ overrides, placements: [...placements.values()].sort(byKey) });
  return [...out.filter((f) => f.path !== names.OVERRIDE_RECORD_FILE), { path: names.OVERRIDE_RECORD_FILE, content }];
}

function cachedParse(): (text: string) => Record<string, any> {
  const cache = new Map<string, Record<string, any>>();
  return (text) => {
    let parsed = cache.get(text);
    if (!parsed) cache.set(text, (parsed = YAML.parse(text)));
    return parsed!;
  };
}
