import { keptTreeOf } from "../../charts";
import { FleetSpec, parseFleet, withClusterReleases } from "../../fleet";
import { multiWaveProblems } from "../../fleet/upgrades";
import { REPORT_TIMEOUT_SECONDS } from "../../operations/rollout/gates";
import { Decision, decidePromotion, positionOf, proposeAbort, watchPromotion } from "../../operations/rollout/rollout";
import { RecordedSource, Recording } from "../../operations/rollout/recorded-source";
import type { AgentObject } from "../../operations/rollout/status-source";
import { fleetConfig } from "../fixtures/fleets";
import { standardVersions } from "../../fleet/versions";
import { APPLY_SECONDS, PICKUP_SECONDS, PUSH_SECONDS, RolloutWorld } from "../support/rollout-world";
import * as STALE from "../fixtures/rollout/stale-status.json";

const START = new Date("2026-12-03T09:00:00Z");
const BAKES = { canary: "30m", standbys: "1h", primary: "2h" };
const GATE_INTERVAL = 60;

/** Ten clusters in three waves: a canary standby, eight standbys (the takeover among them), the primary. */
function fleet(engine: "flux" | "argocd", extra: Record<string, unknown> = {}): FleetSpec {
  const raw = fleetConfig(10, { gitops: { ...fleetConfig(10).gitops, engine }, rollout: { gateInterval: `${GATE_INTERVAL}s` }, ...extra });
  const derived = parseFleet(raw, "us-east-1");
  const waves = derived.waves.map((w) => ({ name: w.name, clusters: [...w.clusters], bake: BAKES[w.name as keyof typeof BAKES] }));
  return parseFleet({ ...raw, rollout: { ...raw.rollout, waves } }, "us-east-1");
}

/** Runs `rollout promote --watch` until it promotes, halts or completes; a promotion is committed and pushed by CI. */
async function watch(world: RolloutWorld, limitSeconds = 6 * 3600): Promise<Decision> {
  const decision = await watchPromotion(world.spec, world.render, world.source, "head", async (s) => world.advance(s), limitSeconds);
  if (decision.kind === "promote") world.commit(`promote ${decision.wave.name}`, decision.change, PUSH_SECONDS);
  return decision;
}

describe.each(["flux", "argocd"] as const)("a rollout across three waves (%s)", (engine) => {
  const spec = fleet(engine);
  const sumOfBakes = spec.waves.slice(0, -1).reduce((total, w) => total + w.bakeSeconds, 0);

  it("a bad manifest change reaches at most the first wave before its gate", () => {
    const world = new RolloutWorld(spec, START);
    world.advance(120);
    world.image = "web:v2";
    const { paths } = world.commit("web v2", {});
    expect(world.clustersOf(paths)).toEqual(spec.waves[0].clusters);
    expect(paths).toContain("gitops/rollout.json");
  });

  it("happy path: every cluster runs the change within the sum of the bakes plus 10 minutes, wave by wave", async () => {
    const world = new RolloutWorld(spec, START);
    world.advance(120);
    world.image = "web:v2";
    world.commit("web v2", {});
    const reached = new Map<string, Date>([[spec.waves[0].name, world.now]]);
    const promoted: string[] = [];
    for (let i = 0; i < spec.waves.length; i++) {
      const decision = await watch(world);
      if (decision.kind === "complete") break;
      expect(decision.kind).toBe("promote");
      if (decision.kind !== "promote") return;
      promoted.push(decision.wave.name);
      // The wave before it had baked by then.
      const previous = spec.waves[decision.wave.index - 1];
      expect(world.now.getTime() - reached.get(previous.name)!.getTime()).toBeGreaterThanOrEqual(previous.bakeSeconds * 1000);
      reached.set(decision.wave.name, new Date(world.now.getTime() + PUSH_SECONDS * 1000));
    }
    expect(promoted).toEqual(spec.waves.slice(1).map((w) => w.name));
    // The last wave's agents apply the last promotion.
    world.advance(PUSH_SECONDS + PICKUP_SECONDS + APPLY_SECONDS);
    const tookSeconds = (world.now.getTime() - reached.get(spec.waves[0].name)!.getTime()) / 1000;
    expect(tookSeconds).toBeLessThanOrEqual(sumOfBakes + 10 * 60);
    expect(world.files.filter((f) => f.path.endsWith("deployment-payments-web.yaml")).every((f) => f.content.includes("web:v2"))).toBe(true);
  });

  it("a failing wave halts within one gate interval and the revert of the change is ready", async () => {
    const world = new RolloutWorld(spec, START);
    world.advance(120);
    world.image = "web:v2";
    const bad = world.commit("web v2, broken", {});
    world.brokenCommits.add(bad.sha);
    const decision = await watch(world);
    expect(decision.kind).toBe("halt");
    if (decision.kind !== "halt") return;
    // The agents report the failure once they applied the commit.
    const failedAt = Date.parse(world.recording.commits.at(-1)!.at) + (PICKUP_SECONDS + APPLY_SECONDS) * 1000;
    expect(world.now.getTime() - failedAt).toBeLessThanOrEqual(GATE_INTERVAL * 1000);
    expect(decision.reasons.join()).toContain(engine === "flux" ? "HealthCheckFailed" : "Degraded");
    // The halt is written with the tree; the abort proposes reverting exactly the bad commit.
    world.commit("halt", decision.change);
    const render = world.render;
    expect(render.state.halted?.wave).toBe(spec.waves[0].name);
    const abort = await proposeAbort(spec, render, world.source);
    expect(abort.commits.map((c) => c.sha)).toEqual([bad.sha]);
    expect(abort.message).toContain(`Reverts ${bad.sha.slice(0, 7)}`);
    expect((await decidePromotion(spec, render, world.source, "head")).kind).toBe("halted");
  });

  it("a cluster that never reports halts the rollout once the report timeout has passed, never promotes", async () => {
    const world = new RolloutWorld(spec, START);
    world.advance(120);
    world.image = "web:v2";
    world.commit("web v2", {});
    // The canary's API stops answering once the change is pushed.
    world.silent.add(spec.waves[0].clusters[0]);
    const decision = await watch(world);
    expect(decision.kind === "halt" ? decision.reasons.join() : decision.kind).toContain("not applied and healthy 15 min after the change");
    expect(world.now.getTime() - Date.parse(world.recording.commits.at(-1)!.at)).toBeGreaterThan(REPORT_TIMEOUT_SECONDS * 1000);
    expect(world.now.getTime() - Date.parse(world.recording.commits.at(-1)!.at)).toBeLessThanOrEqual((REPORT_TIMEOUT_SECONDS + GATE_INTERVAL) * 1000);
  });

  it("a failover in the middle of a rollout reaches every wave at once, without the unpromoted change", () => {
    const world = new RolloutWorld(spec, START);
    world.advance(120);
    world.image = "web:v2";
    world.commit("web v2", {});
    const roles = fleetConfig(10);
    const takeover = spec.takeover!.name;
    roles.clusters = roles.clusters.map((c: any) => ({ ...c, role: c.name === takeover ? "primary" : "secondary" }));
    world.spec = parseFleet({ ...roles, gitops: { ...roles.gitops, engine }, rollout: { gateInterval: "60s", waves: spec.waves.map((w) => ({ name: w.name, clusters: [...w.clusters], bake: "1h" })) } }, "us-east-1");
    const failover = world.commit("failover", {});
    // Every cluster's health answers or apps change in the one commit; the kept waves still run v1.
    const answers = (f: FleetSpec) => f.clusters.map((c) => `${c.name} ${c.serves} ${c.takeover}`);
    const flipped = spec.clusters.filter((c, i) => answers(spec)[i] !== answers(world.spec)[i]).map((c) => c.name);
    expect(flipped.length).toBeGreaterThanOrEqual(2);
    expect(world.clustersOf(failover.paths.filter((p) => p.includes("/traffic/")))).toEqual(flipped.sort());
    const kept = world.files.filter((f) => f.path.endsWith("deployment-payments-web.yaml") && !spec.waves[0].clusters.includes(f.path.split("/")[1]));
    expect(kept.every((f) => f.content.includes("web:v1"))).toBe(true);
  });
});

describe("a gate never passes on a stale status (recorded)", () => {
  it.each(["flux", "argocd"] as const)("%s: Ready/Healthy about the previous commit keeps the gate closed, past the bake", async (engine) => {
    const spec = fleet(engine);
    const world = new RolloutWorld(spec, START);
    // Recorded: every agent still reports the commit before the change, Ready / Synced and Healthy.
    const recorded = STALE as unknown as { commits: Recording["commits"]; flux: AgentObject[]; argocd: AgentObject[] };
    const agents = Object.fromEntries(spec.clusters.map((c) => [c.name, [{
      at: recorded.commits[0].at,
      objects: recorded[engine].map((o: any) => (engine === "argocd" ? { ...o, metadata: { ...o.metadata, name: `${c.name}-${o.metadata.name}` } } : o)),
    }]]));
    const replay = new RecordedSource({ commits: recorded.commits, agents, health: {} }, new Date(Date.parse(recorded.commits[1].at) + 3 * 3600_000));
    const decision = await decidePromotion(spec, world.render, replay, "head");
    expect(decision.kind).not.toBe("promote");
    const applied = "reports" in decision ? decision.reports[0].gates.find((g) => g.gate === "applied") : undefined;
    expect(applied?.status).not.toBe("pass");
    expect(applied?.detail).toContain(engine === "flux" ? "older than" : "compared");
  });
});

describe("cluster changes roll wave by wave", () => {
  const [from, to] = standardVersions(new Date()).slice(-2);

  it("a one-minor upgrade reaches the first wave, then each wave when promoted, one deploy each", () => {
    const base = fleet("flux", { kubernetesVersion: from });
    const world = new RolloutWorld(base, START);
    const upgraded = parseFleet({ ...fleetConfig(10), kubernetesVersion: to, rollout: { waves: base.waves.map((w) => ({ name: w.name, clusters: [...w.clusters], bake: "1h" })) } }, "us-east-1");
    const versions = (state = keptTreeOf(world.files)!.state) => {
      const spec = withClusterReleases(upgraded, state);
      return spec.waves.map((w) => `${w.name} ${[...new Set(w.clusters.map((c) => spec.clusters.find((x) => x.name === c)!.kubernetesVersion))].join()}`);
    };
    expect(versions()).toEqual([`canary ${to}`, `standbys ${from}`, `primary ${from}`]);
    world.spec = upgraded;
    world.commit("promote standbys", { promote: { waves: ["standbys"], at: START.toISOString(), revision: "abc1234" } });
    expect(versions()).toEqual([`canary ${to}`, `standbys ${to}`, `primary ${from}`]);
    expect(positionOf(upgraded, world.render).next?.name).toBe("primary");
  });

  it("refuses a change that moves the clusters of two waves in one deploy, unless asked", () => {
    const base = fleet("flux", { kubernetesVersion: from });
    const deployed = Object.fromEntries(base.clusters.map((c) => [c.name, from]));
    const moved = parseFleet({ ...fleetConfig(10), kubernetesVersion: to, rollout: { waves: base.waves.map((w) => ({ name: w.name, clusters: [...w.clusters], bake: "1h" })) } }, "us-east-1");
    // No state: every wave would move at once.
    expect(multiWaveProblems(moved, deployed)).toEqual([
      { path: "fleet.rollout.waves", message: `one deploy would move the clusters of waves canary, standbys, primary (Kubernetes ${from} → ${to}); a change reaches one wave per deploy: promote the waves one at a time (npm run rollout -- promote), or set rollout.allowMultipleWaves for this deploy` },
    ]);
    const asked = parseFleet({ ...fleetConfig(10), kubernetesVersion: to, rollout: { allowMultipleWaves: true } }, "us-east-1");
    expect(multiWaveProblems(asked, deployed)).toEqual([]);
    const world = new RolloutWorld(base, START);
    expect(multiWaveProblems(withClusterReleases(moved, keptTreeOf(world.files)!.state), deployed)).toEqual([]);
  });
});
