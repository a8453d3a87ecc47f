import { holdingResources } from "../../deploy/automation-runner";
import { formatReport, Operation, orchestrate, StackOutcome, StackRunner } from "../../deploy/orchestrator";
import { deployStages } from "../../deploy/stacks";
import { parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

/**
 * A runner that records what the orchestrator asks of it: each start and end in order, how
 * many stacks were in flight at once. Each run takes a few turns of the event loop (a slow
 * stack more), and a stack named in `failing` rejects.
 */
class RecordedRunner implements StackRunner {
  readonly events: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly failing: ReadonlySet<string> = new Set(), private readonly slow: ReadonlySet<string> = new Set()) {}

  async run(stack: string, operation: Operation): Promise<StackOutcome> {
    this.events.push(`start ${stack}`);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    for (let i = 0; i < (this.slow.has(stack) ? 20 : 3); i++) await new Promise((r) => setImmediate(r));
    this.inFlight--;
    this.events.push(`end ${stack}`);
    if (this.failing.has(stack)) throw new Error(`${operation} of ${stack} failed: the engine said no`);
    return { changes: { same: 3, create: operation === "up" ? 1 : 0 } };
  }

  started(): string[] {
    return this.events.filter((e) => e.startsWith("start ")).map((e) => e.slice(6));
  }
}

// Five clusters, three waves (canary, standbys, primary), backups in a ring: a replication stack per cluster.
const spec = parseFleet(fleetConfig(5, { stacks: "per-cluster" }), "us-east-1");
const stages = deployStages(spec, "prod");

describe("the orchestrator over a per-cluster fleet's stages", () => {
  it("runs the fleet stack, then each rollout wave, then the replication and links stacks, each stage after the previous one ended", async () => {
    expect(stages[0]).toEqual(["prod"]);
    expect(stages.slice(1, 1 + spec.waves.length)).toEqual(spec.waves.map((w) => w.clusters.map((c) => `prod.${c}`)));
    expect(stages.at(-1)!.sort()).toEqual([...spec.clusters.map((c) => `prod.${c.name}.replication`), "prod.links.us-east-1"].sort());
    const runner = new RecordedRunner();
    const report = await orchestrate(stages, runner, { operation: "up", parallel: 8 });
    expect(report.ok).toBe(true);
    for (let i = 1; i < stages.length; i++) {
      const lastEndBefore = Math.max(...stages[i - 1].map((s) => runner.events.indexOf(`end ${s}`)));
      const firstStart = Math.min(...stages[i].map((s) => runner.events.indexOf(`start ${s}`)));
      expect(firstStart).toBeGreaterThan(lastEndBefore);
    }
    expect(report.results.map((r) => r.stack)).toEqual(stages.flat());
    expect(report.results.every((r) => r.status === "succeeded" && r.changes?.create === 1)).toBe(true);
  });

  it("creates every cluster stack that holds nothing yet at once, whatever its wave: a cold deploy takes one stage of clusters", async () => {
    expect(spec.waves.length).toBeGreaterThan(1);
    const clusters = spec.waves.flatMap((w) => w.clusters.map((c) => `prod.${c}`));
    const cold = deployStages(spec, "prod", () => true);
    expect(cold).toEqual([["prod"], clusters, stages.at(-1)]);
    const runner = new RecordedRunner();
    expect((await orchestrate(cold, runner, { operation: "up", parallel: 8 })).ok).toBe(true);
    // Every cluster stack starts before the first one ends, after the fleet stack ended.
    const firstClusterEnd = Math.min(...clusters.map((s) => runner.events.indexOf(`end ${s}`)));
    for (const s of clusters) expect(runner.events.indexOf(`start ${s}`)).toBeLessThan(firstClusterEnd);
    // (The replication and links stage after them runs as many or more at once: one replication stack per cluster.)
    expect(runner.maxInFlight).toBeGreaterThanOrEqual(clusters.length);
  });

  it("holds a change to deployed clusters to their waves, while a cluster added to the fleet starts with the first wave", async () => {
    const last = spec.waves.at(-1)!;
    const added = `prod.${last.clusters[0]}`;
    const staged = deployStages(spec, "prod", (stack) => stack === added);
    expect(staged[1]).toEqual([...stages[1], added]);
    expect(staged.slice(2)).toEqual(stages.slice(2).map((stage) => stage.filter((s) => s !== added)).filter((stage) => stage.length > 0));
    expect(staged.flat().sort()).toEqual(stages.flat().sort());
  });

  it("knows which stacks hold nothing from the backend's stack list: this project's, with resources, unknown counts kept in their wave", () => {
    const held = holdingResources([
      { name: "prod", current: true, resourceCount: 45 },
      { name: "acme/eks-fleet/prod.c0", current: false, resourceCount: 140 },
      { name: "acme/eks-fleet/prod.c1", current: false, resourceCount: 0 },
      { name: "acme/eks-fleet/prod.c2", current: false },
      { name: "acme/other-project/prod.c3", current: false, resourceCount: 12 },
      { name: "other-org/eks-fleet/prod.c4", current: false, resourceCount: 12 },
    ], "acme");
    expect([...held].sort()).toEqual(["prod", "prod.c0", "prod.c2"]);
    expect(holdingResources([{ name: "other-org/eks-fleet/prod.c4", current: false, resourceCount: 12 }])).toEqual(new Set(["prod.c4"]));
  });

  it("runs a stage's stacks in parallel, never more than the bound at once", async () => {
    const wide = [["a", "b", "c", "d", "e"]];
    const bounded = new RecordedRunner();
    await orchestrate(wide, bounded, { operation: "preview", parallel: 2 });
    expect(bounded.maxInFlight).toBe(2);
    const unbounded = new RecordedRunner();
    await orchestrate(wide, unbounded, { operation: "preview", parallel: 10 });
    expect(unbounded.maxInFlight).toBe(5);
    const serial = new RecordedRunner();
    await orchestrate(wide, serial, { operation: "preview", parallel: 1 });
    expect(serial.maxInFlight).toBe(1);
    await expect(orchestrate(wide, serial, { operation: "preview", parallel: 0 })).rejects.toThrow(RangeError);
  });

  it("starts nothing after the first failure, lets the stacks in flight finish, and reports every stack", async () => {
    const [fleet, wave1, wave2] = [["prod"], ["prod.a", "prod.b", "prod.c"], ["prod.d"]];
    // prod.a fails quickly while prod.b runs long; prod.c waits for a slot (parallel 2).
    const runner = new RecordedRunner(new Set(["prod.a"]), new Set(["prod.b"]));
    const report = await orchestrate([fleet, wave1, wave2], runner, { operation: "up", parallel: 2 });
    expect(report.ok).toBe(false);
    expect(runner.started()).toEqual(["prod", "prod.a", "prod.b"]);
    expect(runner.events).toContain("end prod.b");
    const status = Object.fromEntries(report.results.map((r) => [r.stack, r.status]));
    expect(status).toEqual({ prod: "succeeded", "prod.a": "failed", "prod.b": "succeeded", "prod.c": "not run", "prod.d": "not run" });
    expect(report.results.find((r) => r.stack === "prod.a")!.detail).toMatch(/the engine said no/);
    expect(report.results.find((r) => r.stack === "prod.d")!.detail).toMatch(/stopped after prod.a failed/);
    expect(formatReport(report)).toMatch(/up stopped: prod.a failed/);
  });

  it("runs only the stacks a change touches, in the same order", async () => {
    const runner = new RecordedRunner();
    const only = new Set([stages[1][0], stages.at(-1)![0]]);
    const report = await orchestrate(stages, runner, { operation: "preview", parallel: 4, only });
    expect(runner.started()).toEqual([...only]);
    expect(report.results.filter((r) => r.status === "not run").every((r) => r.detail === "not touched by the change")).toBe(true);
  });

  it("a single-stack fleet is one stage of one stack", async () => {
    const single = parseFleet(fleetConfig(5), "us-east-1");
    const runner = new RecordedRunner();
    await orchestrate(deployStages(single, "prod"), runner, { operation: "up", parallel: 4 });
    expect(runner.started()).toEqual(["prod"]);
  });
});
