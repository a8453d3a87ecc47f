import * as fs from "fs";
import * as path from "path";
import { deepFreeze } from "./deep-freeze";
import { FleetConfigError } from "./errors";
import { ROLLOUT_STATE_FILE } from "./names";
import type { ClusterSpec, FleetSpec } from "./spec";

/**
 * Where each wave stands, kept at the root of the rendered tree (`rollout.json`, beside the
 * override record, outside every layer so no agent applies it). It is written only with the
 * tree, in the same atomic swap under the tree's lock (`npm run synth`, `npm run rollout --
 * promote | abort`), reviewed in the same pull request, and read by both sides:
 * - the renderer (charts/kept-waves.ts): a cluster whose wave has not been promoted keeps
 *   its platform and apps files, checked against `digest`;
 * - the program: a cluster runs `kubernetesVersion`, so an upgrade reaches one wave per deploy.
 * The first wave never waits: it always renders from the current source and runs
 * `fleet.kubernetesVersion`; promoting a wave gives its clusters the same.
 */
export interface ClusterRollout {
  readonly wave: string;
  /** sha256 of the cluster's platform and apps layers in their running form (roles taken out). */
  readonly digest: string;
  readonly kubernetesVersion: string;
  /** When, and from which commit, the cluster's wave last took the current source. */
  readonly promoted?: { readonly at: string; readonly revision: string };
}

/** A rollout stopped by a failed gate: nothing is promoted until it is aborted or resumed. */
export interface RolloutHalt {
  readonly wave: string;
  readonly at: string;
  readonly reasons: readonly string[];
}

export interface RolloutState {
  readonly clusters: Readonly<Record<string, ClusterRollout>>;
  readonly halted?: RolloutHalt;
}

export { ROLLOUT_STATE_FILE };

/** The state at the root of the tree folder `dir`, undefined where the tree has none yet. */
export function readRolloutState(dir: string, shown = dir): RolloutState | undefined {
  const file = path.join(dir, ROLLOUT_STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  return parseRolloutState(readTreeFile(file, `${shown}/${ROLLOUT_STATE_FILE}`), `${shown}/${ROLLOUT_STATE_FILE}`);
}

/** A rendered file is a few kilobytes; this bounds what a stray file in the tree can cost. */
export const MAX_TREE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A file of the rendered tree as text: a regular file (never a FIFO or a device, nothing
 * blocks) of at most MAX_TREE_FILE_BYTES, else bad input naming `shown`. Kept free of the
 * fleet's schema: the tree worker reads the tree without loading it.
 */
export function readTreeFile(file: string, shown: string): string {
  const fail = (message: string): never => {
    throw new FleetConfigError([{ path: shown, message }]);
  };
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) fail("is not a regular file");
    if (stat.size > MAX_TREE_FILE_BYTES) fail(`is larger than ${MAX_TREE_FILE_BYTES / 1024 / 1024} MiB; a rendered file is a few kilobytes`);
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a state, checking its shape; bad input (exit 2) names the file and the field. */
export function parseRolloutState(text: string, shown: string): RolloutState {
  const fail = (where: string, message: string): never => {
    throw new FleetConfigError([{ path: `${shown}${where}`, message }]);
  };
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail("", `not valid JSON (${(err as Error).message.split("\n")[0]}); it is written by npm run synth and npm run rollout, restore it from Git`);
  }
  if (!value || typeof value !== "object" || !value.clusters || typeof value.clusters !== "object") fail("", "has no 'clusters' map");
  const text_ = (v: unknown) => typeof v === "string" && v.length > 0;
  for (const [name, entry] of Object.entries<any>(value.clusters)) {
    const ok = entry && text_(entry.wave) && /^sha256:[0-9a-f]{64}$/.test(entry.digest) && text_(entry.kubernetesVersion)
      && (entry.promoted === undefined || (text_(entry.promoted.at) && text_(entry.promoted.revision)));
    if (!ok) fail(`: clusters.${name}`, "needs wave, digest (sha256:<64 hex>), kubernetesVersion and, when set, promoted { at, revision }");
  }
  const halted = value.halted;
  if (halted !== undefined && !(halted && text_(halted.wave) && text_(halted.at) && Array.isArray(halted.reasons) && halted.reasons.every(text_))) {
    fail(": halted", "needs wave, at and reasons");
  }
  return deepFreeze(value as RolloutState);
}

/** Stable text: keys sorted, one cluster per block, so a promotion is a small, readable diff. */
export function serializeRolloutState(state: RolloutState): string {
  const clusters = Object.fromEntries(Object.keys(state.clusters).sort().map((name) => {
    const c = state.clusters[name];
    return [name, { digest: c.digest, kubernetesVersion: c.kubernetesVersion, ...(c.promoted ? { promoted: { at: c.promoted.at, revision: c.promoted.revision } } : {}), wave: c.wave }];
  }));
  return `${JSON.stringify({ clusters, ...(state.halted ? { halted: state.halted } : {}) }, null, 2)}\n`;
}

/**
 * Whether a cluster takes the current source and `fleet.kubernetesVersion` without a
 * promotion: one the state does not know yet (a new cluster, a first render), or one of the
 * first wave that was already there. A cluster that joins the first wave (a failover
 * reshuffles the derived waves; someone edits `rollout.waves`) keeps what it runs until its
 * wave is promoted: a change of roles or of waves never ships an unpromoted change.
 */
export function followsSource(spec: FleetSpec, cluster: ClusterSpec, state: RolloutState | undefined): boolean {
  const previous = state?.clusters[cluster.name];
  return previous === undefined || (cluster.wave === spec.waves[0]?.name && previous.wave === cluster.wave);
}

/**
 * The fleet with each cluster at the Kubernetes version its wave was promoted to: a cluster
 * that follows the source (`followsSource`) at `fleet.kubernetesVersion`, every other one at
 * the version the state records for it until its wave is promoted.
 */
export function withClusterReleases(spec: FleetSpec, state: RolloutState | undefined): FleetSpec {
  if (!state) return spec;
  const versionOf = (c: ClusterSpec) => (followsSource(spec, c, state) ? spec.kubernetesVersion : state.clusters[c.name].kubernetesVersion);
  if (spec.clusters.every((c) => versionOf(c) === c.kubernetesVersion)) return spec;
  const clusters = spec.clusters.map((c) => ({ ...c, kubernetesVersion: versionOf(c) }));
  const byName = (c: ClusterSpec | undefined) => (c ? clusters.find((x) => x.name === c.name) : undefined);
  return deepFreeze({
    ...spec,
    clusters,
    primary: byName(spec.primary),
    takeover: byName(spec.takeover),
    secondaries: spec.secondaries.map((c) => byName(c)!),
    hubs: spec.hubs.map((c) => byName(c)!),
  });
}

/**
 * The folder of a stack's rendered tree: its `gitops.path` in the project folder. Under
 * `pulumi up` the program runs in the project folder; the offline engine names the stack
 * file's project in `EKS_FLEET_PROJECT_DIR` while it evaluates (`projectFolderOf`).
 */
export function treeDirOf(spec: FleetSpec): string {
  return path.resolve(process.env.EKS_FLEET_PROJECT_DIR ?? process.cwd(), spec.gitops.path);
}

/** Where `npm run synth` renders a stack file's tree by default: its project, else the working directory. */
export function projectFolderOf(configFile: string): string {
  const dir = path.dirname(path.resolve(configFile));
  return fs.existsSync(path.join(dir, "Pulumi.yaml")) ? dir : process.cwd();
}
