import { checkFor, ClusterSpec, FleetSpec, RolloutState, WaveSpec } from "../../fleet";
import { TREE_LAYERS } from "../../fleet/names";
import { argoLayer, fluxLayer, LayerReport, layerObject } from "./agents";
import type { AgentObject, Commit, FluxKustomization, StatusSource } from "./status-source";

const isKustomization = (o: AgentObject | undefined): o is FluxKustomization => o?.kind === "Kustomization";

export type GateStatus = "pass" | "wait" | "fail";

export interface GateResult {
  /** `applied`, `bake`, `health`, `alarms`, `probes`, `release`. */
  readonly gate: string;
  readonly status: GateStatus;
  readonly detail: string;
}

export interface ClusterReport {
  readonly cluster: string;
  readonly layers: readonly LayerReport[];
}

export interface WaveReport {
  readonly wave: WaveSpec;
  /** The newest commit that changed any of the wave's folders: what the wave must report. */
  readonly revision?: Commit;
  readonly clusters: readonly ClusterReport[];
  /** From when every layer of the wave ran its commit healthy. */
  readonly bakeStartedAt?: Date;
  readonly bakeSecondsLeft?: number;
  readonly gates: readonly GateResult[];
  readonly verdict: GateStatus;
}

/**
 * How long a wave may take to report its new commit applied and healthy, from the commit:
 * agent pickup (Flux 1 min, Argo CD 3 min without a webhook), the apply with its retries
 * (1 min apart for Flux, backing off to 3 min for Argo CD) and Flux's health-check timeout
 * (10 min for the apps layer, components/flux-agent.ts). Past it the gate fails: a cluster
 * that never reports halts the rollout instead of holding it open.
 */
export const REPORT_TIMEOUT_SECONDS = 15 * 60;

/** What the gates need to know of the fleet and its tree. */
export interface GateContext {
  readonly spec: FleetSpec;
  readonly state: RolloutState | undefined;
  readonly source: StatusSource;
}

/**
 * Evaluates a wave's gates now. `bake: false` checks only that the wave runs its commit
 * applied and healthy (the waves before the one that bakes); otherwise every gate:
 * - applied: every layer of every cluster reports the newest commit of its folder applied
 *   and healthy, never a status about an older commit (agents.ts);
 * - release: every cluster runs the Kubernetes version its wave was promoted to (the last deploy);
 * - bake: the wave has run it healthy for its bake time (an upgrade's bake stays inside EKS's
 *   rollback window, fleet/waves.ts);
 * - health: every health signal of the wave's clusters stayed green from the bake's start;
 * - alarms: each `rollout.checks.alarms` alarm of each cluster stayed in OK for the bake;
 * - probes: each `rollout.checks.probes` URL answers 2xx now.
 * A gate that fails halts the rollout; one that waits is evaluated again.
 */
export async function evaluateWave(context: GateContext, wave: WaveSpec, options: { bake?: boolean } = {}): Promise<WaveReport> {
  const { spec, source } = context;
  const now = source.now();
  const clusters = spec.clusters.filter((c) => wave.clusters.includes(c.name));
  const reports = await Promise.all(clusters.map((c) => clusterReport(context, c)));
  const layers = reports.flatMap((r) => r.layers);
  const revision = layers.map((l) => l.expected).reduce<Commit | undefined>((newest, c) => (!newest || c.at > newest.at ? c : newest), undefined);
  const gates: GateResult[] = [appliedGate(layers, revision, promotedAt(context, wave), now)];
  const upgrading = await upgradeSince(context, clusters);
  gates.push(upgrading.gate);
  const healthy = layers.length > 0 && layers.every((l) => l.state === "healthy");
  const started = healthy ? [...layers.map((l) => l.since!), ...(upgrading.since ? [upgrading.since] : [])].reduce((a, b) => (b > a ? b : a)) : undefined;
  let bakeSecondsLeft: number | undefined;
  if (options.bake !== false) {
    const bake = upgrading.moved ? wave.upgradeBakeSeconds : wave.bakeSeconds;
    bakeSecondsLeft = started ? Math.max(0, Math.ceil(bake - (now.getTime() - started.getTime()) / 1000)) : undefined;
    gates.push({
      gate: "bake",
      status: bakeSecondsLeft === 0 ? "pass" : "wait",
      detail: started ? (bakeSecondsLeft === 0 ? `baked ${duration(bake)} since ${started.toISOString()}` : `${duration(bakeSecondsLeft!)} of ${duration(bake)} left`) : "starts once every layer is applied and healthy",
    });
    const from = started ?? revision?.at ?? now;
    gates.push(await healthGate(source, clusters, from, now));
    if (spec.rollout.checks.alarms.length > 0) gates.push(await alarmGate(source, spec, clusters, from));
    if (spec.rollout.checks.probes.length > 0) gates.push(await probeGate(source, spec, clusters, healthy));
  }
  return { wave, revision, clusters: reports, bakeStartedAt: started, bakeSecondsLeft, gates, verdict: verdictOf(gates) };
}

export function verdictOf(gates: readonly GateResult[]): GateStatus {
  return gates.some((g) => g.status === "fail") ? "fail" : gates.some((g) => g.status === "wait") ? "wait" : "pass";
}

async function clusterReport(context: GateContext, cluster: ClusterSpec): Promise<ClusterReport> {
  const { spec, source } = context;
  const objects = await source.agentObjects(cluster.name);
  const layers: LayerReport[] = [];
  for (const layer of TREE_LAYERS) {
    const expected = await source.git.lastChange(cluster.gitopsPaths[layer]);
    if (!expected) {
      layers.push({ layer, state: "missing", expected: { sha: "", at: source.now() }, detail: `${cluster.gitopsPaths[layer]} has no commit on the branch yet` });
      continue;
    }
    if (objects === undefined) {
      layers.push({ layer, state: "missing", expected, detail: `${cluster.name}: its API did not answer` });
      continue;
    }
    const object = layerObject(spec.gitops.engine, cluster.name, layer, objects);
    layers.push(isKustomization(object) || spec.gitops.engine === "flux"
      ? await fluxLayer(layer, isKustomization(object) ? object : undefined, expected, source.git)
      : await argoLayer(layer, object, expected, source.git));
  }
  return { cluster: cluster.name, layers };
}

/** The newest promotion of the wave's clusters recorded in the tree: its commit must reach the branch before anything counts. */
function promotedAt(context: GateContext, wave: WaveSpec): Date | undefined {
  const times = wave.clusters.map((c) => context.state?.clusters[c]?.promoted?.at).filter((t): t is string => !!t).map((t) => new Date(t));
  return times.sort((a, b) => b.getTime() - a.getTime())[0];
}

/**
 * Every layer healthy at its newest commit. A wave promoted in the tree whose promotion
 * commit is not on the branch yet waits (its agents still report the previous files). A
 * layer not healthy `REPORT_TIMEOUT_SECONDS` after the wave's newest commit fails.
 */
function appliedGate(layers: readonly LayerReport[], revision: Commit | undefined, promoted: Date | undefined, now: Date): GateResult {
  const failed = layers.filter((l) => l.state === "failed");
  if (failed.length > 0) return { gate: "applied", status: "fail", detail: failed.map((l) => l.detail).join("; ") };
  if (promoted && (!revision || revision.at < promoted)) {
    return { gate: "applied", status: "wait", detail: `the promotion written at ${promoted.toISOString()} is not on the branch yet: commit and push it` };
  }
  const pending = layers.filter((l) => l.state !== "healthy");
  if (pending.length === 0) return { gate: "applied", status: "pass", detail: `${layers.length} layers applied and healthy at their newest commit` };
  const since = revision?.at ?? now;
  const late = (now.getTime() - since.getTime()) / 1000 > REPORT_TIMEOUT_SECONDS ? pending : [];
  if (late.length > 0) {
    return { gate: "applied", status: "fail", detail: `not applied and healthy ${REPORT_TIMEOUT_SECONDS / 60} min after the change: ${late.map((l) => l.detail).join("; ")}` };
  }
  return { gate: "applied", status: "wait", detail: pending.map((l) => l.detail).join("; ") };
}

/** The release gate: each cluster deployed at the version the state gives its wave, and when the newest of them got there. */
async function upgradeSince(context: GateContext, clusters: readonly ClusterSpec[]): Promise<{ gate: GateResult; since?: Date; moved: boolean }> {
  const { state, source } = context;
  const behind: string[] = [];
  let since: Date | undefined;
  let moved = false;
  for (const cluster of clusters) {
    const wanted = state?.clusters[cluster.name]?.kubernetesVersion ?? cluster.kubernetesVersion;
    const deployed = await source.deployed(cluster.name);
    if (!deployed) continue;
    if (deployed.kubernetesVersion !== wanted) behind.push(`${cluster.name} runs ${deployed.kubernetesVersion}, its wave is at ${wanted}: deploy (pulumi up) first`);
    else if (deployed.since && (!since || deployed.since > since)) since = deployed.since;
  }
  // An upgrade counts toward the bake while it is younger than the rollback window.
  if (since && source.now().getTime() - since.getTime() < 7 * 86400_000) moved = true;
  const gate: GateResult = behind.length > 0
    ? { gate: "release", status: "wait", detail: behind.join("; ") }
    : { gate: "release", status: "pass", detail: `every cluster runs the version its wave was promoted to` };
  return { gate, since: moved ? since : undefined, moved };
}

async function healthGate(source: StatusSource, clusters: readonly ClusterSpec[], from: Date, to: Date): Promise<GateResult> {
  const red: string[] = [];
  let checked = 0;
  for (const cluster of clusters) {
    for (const signal of await source.healthSignals(cluster.name)) {
      checked++;
      const samples = await source.healthSamples(signal, from, to);
      const firstRed = samples.find((s) => !s.green);
      if (firstRed) red.push(`${cluster.name} ${signal.name} unhealthy at ${firstRed.at.toISOString()}`);
    }
  }
  if (red.length > 0) return { gate: "health", status: "fail", detail: red.join("; ") };
  return { gate: "health", status: "pass", detail: checked ? `${checked} health signal(s) green since ${from.toISOString()}` : "no health signal answers for these clusters (standbys answer no)" };
}

async function alarmGate(source: StatusSource, spec: FleetSpec, clusters: readonly ClusterSpec[], from: Date): Promise<GateResult> {
  const bad: string[] = [];
  const waiting: string[] = [];
  for (const cluster of clusters) {
    for (const template of spec.rollout.checks.alarms) {
      const name = checkFor(template, cluster);
      const report = await source.alarm(name, cluster.region, from);
      if (!report) bad.push(`alarm ${name} does not exist in ${cluster.region}`);
      else if (report.state === "ALARM" || report.changes.some((c) => c.to === "ALARM")) bad.push(`alarm ${name} (${cluster.region}) went to ALARM during the bake`);
      else if (report.state !== "OK") waiting.push(`alarm ${name} (${cluster.region}) is ${report.state}`);
    }
  }
  if (bad.length > 0) return { gate: "alarms", status: "fail", detail: bad.join("; ") };
  if (waiting.length > 0) return { gate: "alarms", status: "wait", detail: waiting.join("; ") };
  return { gate: "alarms", status: "pass", detail: "every alarm stayed in OK" };
}

async function probeGate(source: StatusSource, spec: FleetSpec, clusters: readonly ClusterSpec[], applied: boolean): Promise<GateResult> {
  if (!applied) return { gate: "probes", status: "wait", detail: "run once the wave is applied and healthy" };
  const bad: string[] = [];
  for (const cluster of clusters) {
    for (const template of spec.rollout.checks.probes) {
      const url = checkFor(template, cluster);
      const answer = await source.probe(url);
      if ("error" in answer) bad.push(`${url}: ${answer.error}`);
      else if (answer.status < 200 || answer.status > 299) bad.push(`${url} answered ${answer.status}`);
    }
  }
  return bad.length > 0 ? { gate: "probes", status: "fail", detail: bad.join("; ") } : { gate: "probes", status: "pass", detail: "every probe answered 2xx" };
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
}
