import type { RolloutChange, RolloutRender } from "../../charts/kept-waves";
import type { FleetSpec, RolloutState, WaveSpec } from "../../fleet";
import { evaluateWave, GateResult, WaveReport } from "./gates";
import type { Change, StatusSource } from "./status-source";

/**
 * Where a rollout stands: the waves that run the current source and version (a prefix of the
 * waves, the first always among them), the one that bakes it (the last of those), and the
 * next one to promote (the first wave with a cluster that keeps older files or runs an older
 * version). No next wave: the whole fleet runs the current source.
 */
export interface RolloutPosition {
  readonly current: readonly WaveSpec[];
  readonly baking?: WaveSpec;
  readonly next?: WaveSpec;
}

export function positionOf(spec: FleetSpec, render: RolloutRender): RolloutPosition {
  const behind = (wave: WaveSpec) =>
    wave.clusters.some((c) => render.kept.includes(c) || render.state.clusters[c]?.kubernetesVersion !== spec.kubernetesVersion);
  const nextIndex = spec.waves.findIndex((w, i) => i > 0 && behind(w));
  const current = nextIndex < 0 ? spec.waves : spec.waves.slice(0, nextIndex);
  return { current, baking: current.at(-1), next: nextIndex < 0 ? undefined : spec.waves[nextIndex] };
}

/** What `rollout promote` decides: promote the next wave, wait, halt, or nothing left to do. */
export type Decision =
  | { readonly kind: "promote"; readonly wave: WaveSpec; readonly change: RolloutChange; readonly reports: readonly WaveReport[] }
  | { readonly kind: "wait"; readonly reports: readonly WaveReport[] }
  | { readonly kind: "halt"; readonly wave: WaveSpec; readonly change: RolloutChange; readonly reasons: readonly string[]; readonly reports: readonly WaveReport[] }
  | { readonly kind: "halted"; readonly halt: NonNullable<RolloutState["halted"]> }
  | { readonly kind: "complete"; readonly reports: readonly WaveReport[] };

/**
 * The gates of every wave that runs the current source: each must report it applied and
 * healthy, and the baking wave passes every gate (gates.ts). Read-only: `rollout status`.
 */
export async function rolloutStatus(spec: FleetSpec, render: RolloutRender, source: StatusSource): Promise<{ position: RolloutPosition; reports: WaveReport[] }> {
  const position = positionOf(spec, render);
  const context = { spec, state: render.state, source };
  const reports: WaveReport[] = [];
  for (const wave of spec.waves) {
    const inCurrent = position.current.includes(wave);
    reports.push(await evaluateWave(context, wave, { bake: wave === position.baking && position.next !== undefined && inCurrent }));
  }
  return { position, reports };
}

/**
 * `rollout promote`: the next wave takes the current source (and version) when every gate of
 * the waves before it passes; a failed gate halts the rollout (recorded in rollout.json so
 * nothing is promoted until an abort or a resume). `revision` names the commit the new
 * source comes from.
 */
export async function decidePromotion(spec: FleetSpec, render: RolloutRender, source: StatusSource, revision: string): Promise<Decision> {
  if (render.state.halted) return { kind: "halted", halt: render.state.halted };
  const { position, reports } = await rolloutStatus(spec, render, source);
  const gating = reports.filter((r) => position.current.includes(r.wave));
  const failed = gating.flatMap((r) => r.gates.filter((g) => g.status === "fail").map((g) => failure(r.wave, g)));
  if (!position.next) return failed.length > 0 ? haltOn(position.baking!, failed, reports, source) : { kind: "complete", reports };
  if (failed.length > 0) return haltOn(position.baking!, failed, reports, source);
  if (gating.some((r) => r.verdict !== "pass")) return { kind: "wait", reports };
  const change: RolloutChange = { promote: { waves: [position.next.name], at: source.now().toISOString(), revision } };
  return { kind: "promote", wave: position.next, change, reports };
}

const failure = (wave: WaveSpec, gate: GateResult) => `wave ${wave.name}: ${gate.gate}: ${gate.detail}`;

function haltOn(wave: WaveSpec, reasons: readonly string[], reports: readonly WaveReport[], source: StatusSource): Decision {
  return { kind: "halt", wave, reasons, reports, change: { halt: { wave: wave.name, at: source.now().toISOString(), reasons } } };
}

/**
 * `rollout -- promote --watch`: evaluates the gates every `rollout.gateInterval` until the
 * next wave is promoted, the rollout halts or completes: a failed gate halts within one
 * interval. `sleep` is the clock's (a simulated one in the scenario tests).
 */
export async function watchPromotion(spec: FleetSpec, render: RolloutRender, source: StatusSource, revision: string, sleep: (seconds: number) => Promise<void>, limitSeconds = Infinity): Promise<Decision> {
  const started = source.now().getTime();
  for (;;) {
    const decision = await decidePromotion(spec, render, source, revision);
    if (decision.kind !== "wait" || (source.now().getTime() - started) / 1000 + spec.rollout.gateIntervalSeconds > limitSeconds) return decision;
    await sleep(spec.rollout.gateIntervalSeconds);
  }
}

/** What `rollout abort` proposes: the commits to revert and the waves that go back with them. */
export interface AbortProposal {
  /** Newest first: the order `git revert` takes them. */
  readonly commits: readonly Change[];
  /** The waves that ran the change: they take the reverted source in the same commit. */
  readonly waves: readonly string[];
  readonly message: string;
}

/**
 * The revert of the change the rollout carries: the commits since the last wave took the
 * source (its promotion's commit) that changed the first wave's platform or apps files. A
 * commit that changed any traffic layer (a failover, whose answers must stay) is left out and
 * named. Every wave that runs the change goes back in the same commit (a revert is never
 * rolled out wave by wave).
 */
export async function proposeAbort(spec: FleetSpec, render: RolloutRender, source: StatusSource): Promise<AbortProposal> {
  const position = positionOf(spec, render);
  const first = spec.waves[0];
  const keptWaves = spec.waves.filter((w) => !position.current.includes(w));
  const since = keptWaves.map((w) => w.clusters.map((c) => render.state.clusters[c]?.promoted?.revision)).flat().find(Boolean)
    ?? (await newestChange(spec, keptWaves, source));
  const commits = new Map<string, Change>();
  for (const cluster of spec.clusters.filter((c) => first.clusters.includes(c.name))) {
    for (const layer of ["platform", "apps"] as const) for (const change of await source.git.changes(cluster.gitopsPaths[layer], since)) commits.set(change.sha, change);
  }
  const traffic = (c: Change) => c.paths.some((p) => /\/clusters\/[^/]+\/traffic\//.test(`/${p}`));
  const reverted = [...commits.values()].filter((c) => !traffic(c)).sort((a, b) => b.at.getTime() - a.at.getTime());
  const skipped = [...commits.values()].filter(traffic);
  const waves = position.current.map((w) => w.name);
  const message = [
    `Revert the rollout halted on wave ${render.state.halted?.wave ?? position.baking?.name ?? first.name}`,
    "",
    ...(render.state.halted ? [...render.state.halted.reasons.map((r) => `- ${r}`), ""] : []),
    `Reverts ${reverted.map((c) => c.sha.slice(0, 7)).join(", ") || "nothing"}; waves ${waves.join(", ")} take the reverted source at once.`,
    ...(skipped.length ? [`Left as they are (they changed the health answers: a failover): ${skipped.map((c) => c.sha.slice(0, 7)).join(", ")}.`] : []),
  ].join("\n");
  return { commits: reverted, waves, message };
}

/** The newest commit that changed any kept wave's files: when those waves last took the source. */
async function newestChange(spec: FleetSpec, waves: readonly WaveSpec[], source: StatusSource): Promise<string | undefined> {
  let newest: { sha: string; at: Date } | undefined;
  for (const cluster of spec.clusters.filter((c) => waves.some((w) => w.clusters.includes(c.name)))) {
    for (const layer of ["platform", "apps"] as const) {
      const change = await source.git.lastChange(cluster.gitopsPaths[layer]);
      if (change && (!newest || change.at > newest.at)) newest = change;
    }
  }
  return newest?.sha;
}
