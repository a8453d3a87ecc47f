import { backupPartners } from "./backup-partners";
import { Problem } from "./errors";
import { durationSeconds } from "./schedule";
import { FleetConfig } from "./schema";

/**
 * The order in which a change reaches the fleet: waves of clusters, each baking before the
 * next one gets the change. Git changes (the rendered tree) and cluster changes (the
 * Kubernetes version) move through the same waves (charts/rollout-state.ts,
 * operations/rollout/).
 */
export interface WaveSpec {
  readonly name: string;
  /** 0 for the first wave, which every change reaches first. */
  readonly index: number;
  /** Cluster names, in fleet order. */
  readonly clusters: readonly string[];
  /** How long the wave runs a change, applied and healthy, before the next wave may get it. */
  readonly bakeSeconds: number;
  /**
   * The bake of a Kubernetes upgrade in this wave: `bakeSeconds`, but never past the part of
   * EKS's 7-day rollback window that leaves a day to act (`UPGRADE_BAKE_LIMIT_SECONDS`).
   */
  readonly upgradeBakeSeconds: number;
}

/** A user check every wave's clusters must pass during the bake; `{cluster}`, `{region}` and `{hostname}` name each cluster of the wave. */
export interface RolloutChecks {
  /** CloudWatch alarms (in the cluster's region) that must stay in OK for the whole bake. */
  readonly alarms: readonly string[];
  /** HTTPS URLs that must answer 2xx when the gate is evaluated. */
  readonly probes: readonly string[];
}

export interface RolloutSpec {
  /** How often `npm run rollout -- promote --watch` evaluates the gates: a failed gate halts within one interval. */
  readonly gateIntervalSeconds: number;
  readonly checks: RolloutChecks;
  /** A change may move the clusters of several waves in one deploy (`rollout.allowMultipleWaves`). */
  readonly allowMultipleWaves: boolean;
  /** The waves were derived (no `rollout.waves` in config). */
  readonly derived: boolean;
}

/**
 * EKS rolls a control plane back to the previous minor version only within 7 days of the
 * upgrade (EKS User Guide, "Rollback cluster to previous Kubernetes version", Prerequisites).
 * An upgrade wave's gates must close inside that window with a day left to roll back.
 */
export const EKS_ROLLBACK_WINDOW_SECONDS = 7 * 86400;
export const UPGRADE_BAKE_LIMIT_SECONDS = EKS_ROLLBACK_WINDOW_SECONDS - 86400;

/** @default bake of derived waves */
export const DEFAULT_BAKE = "1h";

type Cluster = FleetConfig["clusters"][number];

/**
 * The waves a fleet without `rollout.waves` gets. Active-passive: a canary standby first
 * (not the takeover standby when another exists, so the failover target is not the first
 * to run an untried change), then the other standbys with the takeover standby, then the
 * primary, which is always last and never shares a wave with its takeover standby.
 * Active-active: one canary (in the region with most clusters, so its region keeps others
 * serving), then the rest in two waves that interleave the regions, so no wave takes every
 * cluster of a region that has several.
 */
export function defaultWaves(config: Pick<FleetConfig, "mode" | "clusters">, bake = DEFAULT_BAKE): { name: string; clusters: string[]; bake: string }[] {
  const wave = (name: string, clusters: readonly Cluster[]) => ({ name, clusters: clusters.map((c) => c.name), bake });
  const nonEmpty = (waves: { name: string; clusters: string[]; bake: string }[]) => waves.filter((w) => w.clusters.length > 0);
  const { clusters } = config;
  if (config.mode === "active-passive") {
    const primary = clusters.find((c) => c.role === "primary");
    if (!primary) return [wave("all", clusters)];
    const takeover = backupPartners(clusters).get(primary.name);
    const standbys = clusters.filter((c) => c !== primary);
    const canary = standbys.find((c) => c.name !== takeover) ?? standbys[0];
    return nonEmpty([
      wave("canary", canary ? [canary] : []),
      wave("standbys", standbys.filter((c) => c !== canary)),
      wave("primary", [primary]),
    ]);
  }
  const perRegion = new Map<string, Cluster[]>();
  for (const c of clusters) perRegion.set(c.region, [...(perRegion.get(c.region) ?? []), c]);
  const canary = [...perRegion.values()].reduce((most, group) => (group.length > most.length ? group : most))[0];
  // Round-robin over the regions in fleet order: each half then spans the regions.
  const rest: Cluster[] = [];
  const queues = [...perRegion.values()].map((group) => group.filter((c) => c !== canary));
  for (let i = 0; rest.length < clusters.length - 1; i++) for (const q of queues) if (q[i]) rest.push(q[i]);
  const half = Math.ceil(rest.length / 2);
  const order = (picked: Cluster[]) => clusters.filter((c) => picked.includes(c));
  return nonEmpty([wave("canary", [canary]), wave("early", order(rest.slice(0, half))), wave("rest", order(rest.slice(half)))]);
}

/**
 * `rollout.waves` (or the derived waves) checked: every cluster in exactly one wave, names
 * unique, bakes that parse, and never the primary with its takeover standby in one wave.
 */
/**
 * The most waves a per-cluster fleet may have: CI deploys each wave as a stage job after the
 * one before (.github/workflows/deploy.yml), and a workflow's jobs are fixed in its file.
 */
export const MAX_STACK_WAVES = 8;

export function checkWaves(config: FleetConfig): Problem[] {
  const waves = config.rollout.waves;
  const problems: Problem[] = [];
  const at = (path: string) => `fleet.rollout.${path}`;
  for (const [key, value] of [["gateInterval", config.rollout.gateInterval], ["bake", config.rollout.bake]] as const) {
    const seconds = durationSeconds(value);
    if (seconds === undefined || seconds < (key === "gateInterval" ? 10 : 0)) {
      problems.push({ path: at(key), message: `'${value}' must be a duration such as ${key === "gateInterval" ? "1m (at least 10s)" : "30m or 24h"}` });
    }
  }
  if (!waves) return problems;
  if (waves.length === 0) return [...problems, { path: at("waves"), message: "lists no wave; list at least one, or leave rollout.waves out for the default waves" }];
  if (config.stacks === "per-cluster" && waves.length > MAX_STACK_WAVES) {
    problems.push({ path: at("waves"), message: `lists ${waves.length} waves; a per-cluster fleet deploys in at most ${MAX_STACK_WAVES} (one CI stage job each, .github/workflows/deploy.yml): merge waves` });
  }
  const known = new Map(config.clusters.map((c) => [c.name, c]));
  const waveOf = new Map<string, number>();
  const names = new Map<string, number>();
  waves.forEach((wave, i) => {
    const seen = names.get(wave.name);
    if (seen !== undefined) problems.push({ path: at(`waves[${i}].name`), message: `'${wave.name}' is already the name of fleet.rollout.waves[${seen}]` });
    else names.set(wave.name, i);
    if (durationSeconds(wave.bake) === undefined) problems.push({ path: at(`waves[${i}].bake`), message: `'${wave.bake}' must be a duration such as 30m or 24h` });
    wave.clusters.forEach((name, j) => {
      const path = at(`waves[${i}].clusters[${j}]`);
      if (!known.has(name)) problems.push({ path, message: `'${name}' is not a cluster of this fleet (${[...known.keys()].join(", ")})` });
      else if (waveOf.has(name)) problems.push({ path, message: `'${name}' is already in fleet.rollout.waves[${waveOf.get(name)}]; a cluster belongs to exactly one wave` });
      else waveOf.set(name, i);
    });
  });
  const missing = config.clusters.filter((c) => !waveOf.has(c.name)).map((c) => c.name);
  if (missing.length > 0) problems.push({ path: at("waves"), message: `${missing.map((n) => `'${n}'`).join(", ")} ${missing.length === 1 ? "is" : "are"} in no wave; every cluster belongs to exactly one wave` });
  const primary = config.mode === "active-passive" ? config.clusters.find((c) => c.role === "primary") : undefined;
  const takeover = primary ? backupPartners(config.clusters).get(primary.name) : undefined;
  if (primary && takeover && waveOf.has(primary.name) && waveOf.get(primary.name) === waveOf.get(takeover)) {
    const i = waveOf.get(primary.name)!;
    problems.push({
      path: at(`waves[${i}].clusters`),
      message: `'${primary.name}' (the primary) and '${takeover}' (its takeover standby) are in the same wave: a bad change would break the failover target together with the primary; put them in different waves`,
    });
  }
  return problems;
}

/** The waves of a fleet whose config passed `checkWaves`, each cluster listed in fleet order. */
export function buildWaves(config: FleetConfig): WaveSpec[] {
  const raw = config.rollout.waves ?? defaultWaves(config, config.rollout.bake);
  const order = config.clusters.map((c) => c.name);
  return raw.map((wave, index) => {
    const bakeSeconds = durationSeconds(wave.bake)!;
    return {
      name: wave.name,
      index,
      clusters: order.filter((name) => wave.clusters.includes(name)),
      bakeSeconds,
      upgradeBakeSeconds: Math.min(bakeSeconds, UPGRADE_BAKE_LIMIT_SECONDS),
    };
  });
}

export function buildRollout(config: FleetConfig): RolloutSpec {
  return {
    gateIntervalSeconds: durationSeconds(config.rollout.gateInterval)!,
    checks: { alarms: config.rollout.checks.alarms, probes: config.rollout.checks.probes },
    allowMultipleWaves: config.rollout.allowMultipleWaves,
    derived: config.rollout.waves === undefined,
  };
}

/** `{cluster}`, `{region}` and `{hostname}` of a check replaced by one cluster's values. */
export function checkFor(template: string, cluster: { readonly name: string; readonly region: string; readonly hostname: string }): string {
  return template.replace(/\{cluster\}/g, cluster.name).replace(/\{region\}/g, cluster.region).replace(/\{hostname\}/g, cluster.hostname);
}
