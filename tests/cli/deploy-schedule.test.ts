import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { runnerOf, SLOTS_PER_CPU, workflowRunner } from "../../cli/deploy-runner";
import { scheduleDeploy } from "../../cli/deploy-schedule";
import { DependencyGraph } from "../../cli/engine/graph";

/** A synthetic resource: `seconds` to create, in `stack`, waiting for `dependsOn`. */
interface Step {
  readonly urn: string;
  readonly parent: string | null;
  readonly dependsOn: string[];
  readonly seconds: number;
  readonly stack: string;
}
const step = (urn: string, seconds: number, dependsOn: string[] = [], stack = "s", parent: string | null = null): Step => ({ urn, seconds, dependsOn, stack, parent });
const schedule = (steps: Step[], slots: number, stackSlots?: number) =>
  scheduleDeploy(new DependencyGraph(steps), { durationOf: (s) => s.seconds, stackOf: (s) => s.stack, slots, stackSlots });

describe("scheduleDeploy, one stack", () => {
  it("keeps at most `slots` operations in flight", () => {
    const wide = ["a", "b", "c", "d", "e"].map((u) => step(u, 60));
    expect(schedule(wide, Infinity).seconds).toBe(60);
    expect(schedule(wide, 5).seconds).toBe(60);
    expect(schedule(wide, 2).seconds).toBe(180);
    expect(schedule(wide, 1).seconds).toBe(300);
    expect(() => schedule(wide, 0)).toThrow("at least one slot");
  });

  it("serves steps first ready first: a long step that becomes ready late waits behind short ones queued earlier", () => {
    // Two slots. `a` and `b` start at once; `a` makes `eks` ready at 5 s, behind `x1` and `x2`
    // (ready since 0): a 0–5, x1 5–15, x2 15–25, eks 25–925 on one slot; b 0–30 on the other.
    const steps = [step("a", 5), step("b", 30), step("eks", 900, ["a"]), step("x1", 10), step("x2", 10)];
    expect(schedule(steps, 2).seconds).toBe(925);
    // The engine does not put the critical path first (that would start eks at 5 s); three slots free one at 10 s.
    expect(schedule(steps, 3).seconds).toBe(10 + 900);
    expect(schedule(steps, 4).seconds).toBe(5 + 900);
    expect(schedule(steps, Infinity).seconds).toBe(5 + 900);
  });

  it("makes a step that takes no time (a component) wait for a slot like any other, and its children for it", () => {
    const steps = [step("eks", 900), step("bucket", 5), step("component", 0), step("child", 5, [], "s", "component")];
    // One slot, ready at once in URN order: bucket 0–5, the component at 5 (its child joins the queue behind eks), eks 5–905, child 905–910.
    expect(schedule(steps, 1).seconds).toBe(910);
    expect(schedule(steps, 2).seconds).toBe(900);
  });
});

describe("scheduleDeploy, several stacks", () => {
  it("runs independent stacks side by side, each with its own slots", () => {
    const steps = [step("a1", 60, [], "a"), step("a2", 60, [], "a"), step("b1", 60, [], "b"), step("b2", 60, [], "b")];
    const result = schedule(steps, 1);
    expect(result.seconds).toBe(120);
    expect(result.stacks.map((s) => [s.stack, s.startSeconds, s.finishSeconds])).toEqual([["a", 0, 120], ["b", 0, 120]]);
  });

  it("starts a stack only once every stack it waits for has finished, even if it needs only their first resource", () => {
    const steps = [step("fleet-role", 10, [], "fleet"), step("fleet-cert", 300, [], "fleet"), step("vpc", 5, ["fleet-role"], "c0"), step("eks", 900, ["vpc"], "c0")];
    const result = schedule(steps, 8);
    expect(result.stacks.map((s) => [s.stack, s.after, s.startSeconds, s.finishSeconds])).toEqual([
      ["fleet", [], 0, 300],
      ["c0", ["fleet"], 300, 300 + 5 + 900],
    ]);
    // In one stack the same graph takes the critical path alone.
    expect(schedule(steps.map((s) => ({ ...s, stack: "one" })), 8).seconds).toBe(10 + 5 + 900);
  });

  it("deploys at most `stackSlots` stacks at once, ready ones first come first served", () => {
    // A fleet stack, then three cluster stacks of 900 s each; two jobs at a time.
    const steps = [step("role", 10, [], "fleet"), ...["c0", "c1", "c2"].map((c) => step(`${c}-eks`, 900, ["role"], c))];
    expect(schedule(steps, 8).stacks.map((s) => [s.stack, s.startSeconds])).toEqual([["fleet", 0], ["c0", 10], ["c1", 10], ["c2", 10]]);
    const capped = schedule(steps, 8, 2);
    expect(capped.stacks.map((s) => [s.stack, s.startSeconds, s.finishSeconds])).toEqual([["fleet", 0, 10], ["c0", 10, 910], ["c1", 10, 910], ["c2", 910, 1810]]);
    expect(capped.seconds).toBe(1810);
  });

  it("runs stages as the orchestrator does: a stage once the one before has finished, though no resource edge crosses", () => {
    // A cluster stack reads the fleet stack's outputs through a StackReference (a read of the
    // backend, not of the fleet's resources): without the stages it would start at 0. The links
    // stack starts after the slowest cluster, though it names only the faster one.
    const steps = [step("cert", 70, [], "fleet"), step("c1-eks", 900, [], "c1"), step("c2-eks", 960, [], "c2"), step("rule", 10, [], "links")];
    expect(schedule(steps, 8).stacks.find((s) => s.stack === "c1")!.startSeconds).toBe(0);
    const stages = [["fleet"], ["c1", "c2"], ["links"]];
    const staged = scheduleDeploy(new DependencyGraph(steps), { durationOf: (s) => s.seconds, stackOf: (s) => s.stack, slots: 8, stages });
    expect(staged.stacks.map((s) => [s.stack, s.stage, s.after, s.startSeconds, s.finishSeconds])).toEqual([
      ["fleet", 1, [], 0, 70],
      ["c1", 2, ["fleet"], 70, 970],
      ["c2", 2, ["fleet"], 70, 1030],
      ["links", 3, ["c1", "c2"], 1030, 1040],
    ]);
    // Each stage as many stacks at once as its own matrix job allows.
    const oneCluster = scheduleDeploy(new DependencyGraph(steps), { durationOf: (s) => s.seconds, stackOf: (s) => s.stack, slots: 8, stages, stackSlots: (stage) => (stage.includes("c1") ? 1 : 8) });
    expect(oneCluster.seconds).toBe(70 + 900 + 960 + 10);
    // A stack no stage names, or one waiting for a later stage, cannot be run in stages.
    expect(() => scheduleDeploy(new DependencyGraph(steps), { durationOf: (s) => s.seconds, stackOf: (s) => s.stack, slots: 8, stages: stages.slice(0, 2) })).toThrow("stacks in no stage: links");
    const backwards = [...steps, step("vpc", 5, ["rule"], "c1")];
    expect(() => scheduleDeploy(new DependencyGraph(backwards), { durationOf: (s) => s.seconds, stackOf: (s) => s.stack, slots: 8, stages })).toThrow("c1 waits for links, a later stage");
  });

  it("refuses stacks that wait for each other", () => {
    const steps = [step("a1", 1, ["b1"], "a"), step("b1", 1, [], "b"), step("b2", 1, ["a1"], "b")];
    expect(() => schedule(steps, 4)).toThrow("stacks wait for each other in a cycle");
  });
});

describe("the runner the deploy workflow uses", () => {
  const WORKFLOWS = path.join(__dirname, "../../.github/workflows");
  const texts = fs.readdirSync(WORKFLOWS).sort().map((f) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8"));
  const deployJob = () => {
    for (const text of texts) {
      for (const job of Object.values<any>(YAML.parse(text).jobs ?? {})) {
        if ((job.steps ?? []).some((s: any) => String(s.uses ?? "").startsWith("pulumi/actions") && s.with?.command === "up")) return job;
      }
    }
    throw new Error("no job runs pulumi up");
  };

  it("is the runs-on of the job that runs pulumi up, at 4 × its vCPUs (2 on a private repository's ubuntu-latest)", () => {
    const runner = workflowRunner();
    expect(runner.label).toBe(deployJob()["runs-on"]);
    expect(runner).toMatchObject({ vCpus: 2, slots: SLOTS_PER_CPU * 2 });
  });

  const workflow = (job: Record<string, unknown>, env?: Record<string, string>) =>
    YAML.stringify({ on: { push: {} }, ...(env ? { env } : {}), jobs: { lint: { "runs-on": "ubuntu-24.04-arm", steps: [{ run: "npm test" }] }, up: job } });

  it("follows the workflow's own --parallel: the action's input or PULUMI_PARALLEL", () => {
    const up = (extra: Record<string, unknown>) => ({ "runs-on": "ubuntu-22.04", steps: [{ uses: "pulumi/actions@v6", with: { command: "up", "stack-name": "prod", ...extra } }] });
    expect(runnerOf([workflow(up({}))])).toMatchObject({ label: "ubuntu-22.04", slots: 8 });
    expect(runnerOf([workflow(up({ parallel: 32 }))])).toMatchObject({ slots: 32 });
    expect(runnerOf([workflow(up({}), { PULUMI_PARALLEL: "12" })])).toMatchObject({ slots: 12 });
  });

  it("takes each matrix job's max-parallel that runs pulumi up as its stacks deployed at once, the largest for any other, and none without one", () => {
    const up = (maxParallel?: number) => ({ "runs-on": "ubuntu-latest", ...(maxParallel ? { strategy: { "max-parallel": maxParallel, matrix: { stack: ["a"] } } } : {}), steps: [{ uses: "pulumi/actions@v6", with: { command: "up" } }] });
    const two = YAML.stringify({ jobs: { fleet: up(8), clusters: up(16), lint: { "runs-on": "ubuntu-latest", strategy: { "max-parallel": 40 }, steps: [{ run: "npm test" }] } } });
    expect(runnerOf([two])).toMatchObject({ slots: 8, stacksInParallel: 16, stacksInParallelByJob: { fleet: 8, clusters: 16 } });
    expect(runnerOf([workflow(up())]).stacksInParallel).toBeUndefined();
  });

  it("takes a job that calls a reusable workflow of the folder as running what that workflow runs, at the caller's max-parallel", () => {
    const called = YAML.stringify({ on: { workflow_call: {} }, jobs: { up: { "runs-on": "ubuntu-22.04", steps: [{ uses: "pulumi/actions@v6", with: { command: "up", parallel: 12 } }] } } });
    const stage = (maxParallel: number) => ({ strategy: { "max-parallel": maxParallel, matrix: { include: "${{ fromJSON(needs.stacks.outputs.stage1) }}" } }, uses: "./.github/workflows/one-stack.yml" });
    const caller = YAML.stringify({ jobs: { "stage-1": stage(8), "stage-2": stage(40), other: { uses: "./.github/workflows/elsewhere.yml", strategy: { "max-parallel": 99 } } } });
    expect(runnerOf({ "deploy.yml": caller, "one-stack.yml": called })).toMatchObject({ label: "ubuntu-22.04", slots: 12, stacksInParallel: 40, stacksInParallelByJob: { "stage-1": 8, "stage-2": 40 } });
    // Without the called workflow there is nothing that runs pulumi up.
    expect(runnerOf({ "deploy.yml": caller }).basis).toContain("no workflow job runs pulumi up");
  });

  it("finds a shell step too, and takes a label it cannot size as the smallest standard runner, saying so", () => {
    const runner = runnerOf([workflow({ "runs-on": "fleet-deployers", steps: [{ run: "pulumi up --yes --stack prod" }] })]);
    expect(runner).toMatchObject({ label: "fleet-deployers", vCpus: 2, slots: 8 });
    expect(runner.basis).toContain("not a standard GitHub-hosted label");
  });
});
