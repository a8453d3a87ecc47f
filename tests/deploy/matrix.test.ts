import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { UsageError } from "../../cli/errors";
import { main } from "../../cli/matrix";
import { deployMatrix, MatrixEntry, stageOutput } from "../../deploy/matrix";
import { orchestrate, StackOutcome, StackRunner } from "../../deploy/orchestrator";
import { deployStages, fleetStacks, MAX_DEPLOY_STAGES } from "../../deploy/stacks";
import { parseFleet } from "../../fleet";
import { MAX_STACK_WAVES } from "../../fleet/waves";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const WORKFLOW = path.resolve(__dirname, "../../.github/workflows/deploy.yml");

interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  secrets?: Record<string, string>;
  permissions?: Record<string, string>;
  strategy?: { matrix?: { include?: string }; "max-parallel"?: number; "fail-fast"?: boolean };
  steps?: { id?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[];
  outputs?: Record<string, string>;
}
const deploy = YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, Job> };
const stageJob = (n: number) => `stage-${n}`;

/** What `npm run matrix` prints, as the workflow's `$GITHUB_OUTPUT` holds it. */
async function printed(argv: string[]): Promise<Record<string, MatrixEntry[]>> {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  try {
    expect(await main(argv)).toBe(0);
  } finally {
    log.mockRestore();
  }
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]));
}

/**
 * A stage job's `if`, evaluated as GitHub does for the few forms it uses (GitHub docs,
 * "Evaluate expressions in workflows and actions": `always()`, `contains` over the `needs.*.result`
 * object filter, string comparison), given the result of each job it needs and the matrices.
 */
function runs(job: Job, results: Record<string, string>, outputs: Record<string, string>): boolean {
  const needs = ([] as string[]).concat(job.needs ?? []);
  const js = job.if!
    .replace(/always\(\)/g, "true")
    .replace(/contains\(needs\.\*\.result, '(\w+)'\)/g, (_, value) => String(needs.some((n) => results[n] === value)))
    .replace(/needs\.([\w-]+)\.result (==|!=) '(\w+)'/g, (_, name, op, value) => String((results[name] === value) === (op === "==")))
    .replace(/needs\.stacks\.outputs\.(\w+) (==|!=) '([^']*)'/g, (_, name, op, value) => String((outputs[name] === value) === (op === "==")));
  // Nothing left but what was evaluated: any other form is unknown here and fails.
  expect(js).toMatch(/^(\s|!|&&|\|\||\(|\)|true|false)*$/);
  return new Function(`return (${js});`)() as boolean;
}

/** A runner that records each stack it runs and fails those in `failing`. */
class Recorded implements StackRunner {
  readonly ran: string[] = [];
  constructor(private readonly failing: ReadonlySet<string>) {}
  async run(stack: string): Promise<StackOutcome> {
    this.ran.push(stack);
    if (this.failing.has(stack)) throw new Error(`${stack} failed`);
    return { changes: {} };
  }
}

/**
 * The deploy workflow played over `npm run matrix`'s outputs: each stage job in file order,
 * run when its `if` says so (its result then failure if one of its stacks fails), else skipped.
 */
function playWorkflow(outputs: Record<string, MatrixEntry[]>, failing: ReadonlySet<string>): string[] {
  const asText = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, JSON.stringify(v)]));
  const results: Record<string, string> = { stacks: "success" };
  const ran: string[] = [];
  for (let n = 1; n <= MAX_DEPLOY_STAGES; n++) {
    const job = deploy.jobs[stageJob(n)];
    if (!runs(job, results, asText)) {
      results[stageJob(n)] = "skipped";
      continue;
    }
    const stacks = outputs[stageOutput(n)].map((e) => e.stack);
    ran.push(...stacks);
    results[stageJob(n)] = stacks.some((s) => failing.has(s)) ? "failure" : "success";
  }
  return ran;
}

describe("the deploy workflow's stages, generated from the fleet", () => {
  // Seven clusters behind the accelerator: three waves, then the replication and region links stacks, then the home links stack.
  const raw = fleetConfig(7, { stacks: "per-cluster", mode: "active-active", dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } });
  for (const c of raw.clusters) delete c.role;
  const spec = parseFleet(raw, "us-east-1");
  const single = parseFleet(fleetConfig(3), "us-east-1");
  const fleets = [{ fleetStack: "prod", spec }, { fleetStack: "staging", spec: single }];

  it("lists every stack once, and puts each in the stage job of its deploy stage, stage i of every fleet in job i", () => {
    const matrix = deployMatrix(fleets);
    const all = [...fleetStacks(spec, "prod"), ...fleetStacks(single, "staging")].map((s) => s.name);
    expect(matrix.stacks.map((e) => e.stack).sort()).toEqual([...all].sort());
    expect(matrix.stages).toHaveLength(MAX_DEPLOY_STAGES);
    const prod = deployStages(spec, "prod");
    expect(prod.length).toBeGreaterThan(1 + spec.waves.length);
    matrix.stages.forEach((entries, i) => {
      expect(entries.filter((e) => e.fleet === "prod").map((e) => e.stack)).toEqual(prod[i] ?? []);
      expect(entries.filter((e) => e.fleet === "staging").map((e) => e.stack)).toEqual(i === 0 ? ["staging"] : []);
    });
  });

  it("keeps only the stacks a change touches, each in its stage", () => {
    const matrix = deployMatrix(fleets, new Set(["prod.c3", "prod.links.us-east-1"]));
    expect(matrix.stacks).toEqual([{ stack: "prod.c3", fleet: "prod" }, { stack: "prod.links.us-east-1", fleet: "prod" }]);
    const stages = deployStages(spec, "prod");
    const stageOf = (stack: string) => stages.findIndex((s) => s.includes(stack));
    expect(matrix.stages.flatMap((entries, i) => entries.map((e) => [e.stack, i]))).toEqual([["prod.c3", stageOf("prod.c3")], ["prod.links.us-east-1", stageOf("prod.links.us-east-1")]]);
  });

  it("has a stage job for every stage a fleet can have: the most waves, then the joining stacks, Argo CD hubs with spokes or not", () => {
    // One hub per region and one spoke beside it in the same wave, every wave in a region of its own: each wave is one stage.
    const base = fleetConfig(2 * MAX_STACK_WAVES, { mode: "active-active" });
    const regions = [...new Set(fleetConfig(MAX_STACK_WAVES * 10).clusters.map((c: { region: string }) => c.region))].slice(0, MAX_STACK_WAVES);
    expect(regions).toHaveLength(MAX_STACK_WAVES);
    const clusters = base.clusters.map((c: Record<string, unknown>, i: number) => ({ ...c, role: undefined, region: regions[i % MAX_STACK_WAVES] }));
    const names = clusters.map((c: { name: string }) => c.name);
    const waves = Array.from({ length: MAX_STACK_WAVES }, (_, i) => ({ name: `w${i}`, clusters: [names[i], names[i + MAX_STACK_WAVES]], bake: "1h" }));
    const widest: Record<string, any> = { ...structuredClone(raw), gitops: { ...raw.gitops, engine: "argocd" }, clusters, rollout: { waves } };
    expect(deployStages(parseFleet(widest, "us-east-1"), "prod")).toHaveLength(MAX_DEPLOY_STAGES);
    expect(MAX_DEPLOY_STAGES).toBe(1 + MAX_STACK_WAVES + 2);
    const tooMany = { ...widest, rollout: { waves: [...waves.slice(0, -1), { ...waves.at(-1)!, clusters: [names.at(-9)] }, { name: "extra", clusters: [names.at(-1)], bake: "1h" }] } };
    expect(() => parseFleet(tooMany, "us-east-1")).toThrow(`fleet.rollout.waves: lists ${MAX_STACK_WAVES + 1} waves; a per-cluster fleet deploys in at most ${MAX_STACK_WAVES}`);
    const jobs = Object.keys(deploy.jobs).filter((j) => j.startsWith("stage-"));
    expect(jobs).toEqual(Array.from({ length: MAX_DEPLOY_STAGES }, (_, i) => stageJob(i + 1)));
  });

  it("runs an Argo CD fleet's hubs in the stage jobs of their waves, beside their spokes: the cluster jobs of the same fleet with Flux; the hubs' addresses stacks in the fleet stack's job", () => {
    const argo = parseFleet(fleetConfig(12, { stacks: "per-cluster", gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } }), "us-east-1");
    const flux = parseFleet(fleetConfig(12, { stacks: "per-cluster" }), "us-east-1");
    const all = (spec: typeof argo) => deployMatrix([{ fleetStack: "prod", spec }]).stages.map((entries) => entries.map((e) => e.stack));
    const jobs = (spec: typeof argo) => all(spec).map((stage) => stage.filter((s) => !s.includes(".links.") && !s.includes(".addresses.")));
    // One addresses stack per hub's region, all in the first job, beside the fleet stack; none with Flux.
    expect(all(argo)[0]).toEqual(["prod", ...argo.regions.map((r) => `prod.addresses.${r}`)]);
    expect(all(flux)[0]).toEqual(["prod"]);
    expect(all(argo).slice(1).flat().filter((s) => s.includes(".addresses."))).toEqual([]);
    const stages = jobs(argo);
    const stageOf = (stack: string) => stages.findIndex((s) => s.includes(stack));
    // Round-robin over ten regions: us-east-1 (c0, c10) and us-west-2 (c1, c11) have spokes.
    expect(argo.clusters.filter((c) => c.argocdHub !== c.name).map((c) => [c.name, c.argocdHub])).toEqual([["c10", "c0"], ["c11", "c1"]]);
    expect(stageOf("prod.c11")).toBe(stageOf("prod.c1"));
    expect(stages).toEqual(jobs(flux));
  });

  it("prints what the workflow reads: every stage job's matrix from its own output, run by the per-stack workflow", async () => {
    const dir = tempDir("eks-fleet-matrix-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    const outputs = await printed(["--config", writeStackFile(path.join(dir, "Pulumi.prod.yaml"), raw)]);
    expect(Object.keys(outputs)).toEqual(["stacks", ...Array.from({ length: MAX_DEPLOY_STAGES }, (_, i) => stageOutput(i + 1))]);
    const stacksJob = deploy.jobs.stacks;
    const matrixStep = stacksJob.steps!.find((s) => s.id === "matrix")!;
    expect(matrixStep.run).toContain("npm run --silent matrix");
    for (let n = 1; n <= MAX_DEPLOY_STAGES; n++) {
      const output = stageOutput(n);
      expect(stacksJob.outputs![output]).toBe(`\${{ steps.matrix.outputs.${output} }}`);
      const job = deploy.jobs[stageJob(n)];
      expect(job.strategy!.matrix!.include).toBe(`\${{ fromJSON(needs.stacks.outputs.${output}) }}`);
      // Each stage waits for every stage before it (a skipped one included), never cancels a started pulumi up.
      expect(job.needs).toEqual(["stacks", ...Array.from({ length: n - 1 }, (_, i) => stageJob(i + 1))]);
      expect(job.strategy!["fail-fast"]).toBe(false);
      expect(job.strategy!["max-parallel"]).toBeGreaterThan(0);
      expect(job.uses).toBe("./.github/workflows/deploy-stack.yml");
      expect(job.with).toEqual({ stack: "${{ matrix.stack }}", fleet: "${{ matrix.fleet }}" });
      expect(job.secrets).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    }
    // The touched stacks come from the diff of the pushed range, by name.
    const touched = stacksJob.steps!.find((s) => s.id === "touched")!;
    expect(touched.run).toContain("npm run --silent diff -- --base \"$BEFORE\" --touched-stacks");
    expect(matrixStep.run).toContain('--only "$ONLY"');
  });

  it.each([
    ["nothing fails", []],
    ["a stack of the first wave fails", ["prod.c1"]],
    ["the fleet stack fails", ["prod"]],
    ["a region's links stack fails", ["prod.links.eu-west-1"]],
  ])("runs the stacks the orchestrator runs, stage by stage, when %s", async (_, failing) => {
    const matrix = deployMatrix([{ fleetStack: "prod", spec }]);
    const outputs = Object.fromEntries([["stacks", matrix.stacks], ...matrix.stages.map((entries, i) => [stageOutput(i + 1), entries])]);
    const runner = new Recorded(new Set(failing));
    const report = await orchestrate(deployStages(spec, "prod"), runner, { operation: "up", parallel: 100 });
    // GitHub runs a job's matrix legs side by side, as the orchestrator does a stage's stacks: same stacks, same stages.
    expect(playWorkflow(outputs, new Set(failing))).toEqual(report.results.filter((r) => r.status !== "not run").map((r) => r.stack));
  });

  it("runs a cold deploy as the orchestrator does: every cluster stack that holds nothing with the first wave", async () => {
    const matrix = deployMatrix([{ fleetStack: "prod", spec }], undefined, () => true);
    const outputs = Object.fromEntries([["stacks", matrix.stacks], ...matrix.stages.map((entries, i) => [stageOutput(i + 1), entries])]);
    const cold = deployStages(spec, "prod", () => true);
    expect(cold.length).toBeLessThan(deployStages(spec, "prod").length);
    const report = await orchestrate(cold, new Recorded(new Set()), { operation: "up", parallel: 100 });
    expect(playWorkflow(outputs, new Set())).toEqual(report.results.map((r) => r.stack));
    expect(matrix.stages[1].map((e) => e.stack).sort()).toEqual(spec.clusters.map((c) => `prod.${c.name}`).sort());
  });

  it("reads which stacks hold resources from pulumi stack ls --json: those keep their wave, the others join the first", async () => {
    const dir = tempDir("eks-fleet-matrix-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    const file = writeStackFile(path.join(dir, "Pulumi.prod.yaml"), raw);
    const lastWave = spec.waves.at(-1)!.clusters.map((c) => `prod.${c}`);
    const listed = [{ name: "acme/eks-fleet/prod", resourceCount: 40 }, ...lastWave.map((s) => ({ name: `acme/eks-fleet/${s}`, resourceCount: 140 })), { name: "acme/eks-fleet/prod.c0", resourceCount: 0 }, { name: "acme/other/prod.c1", resourceCount: 9 }];
    const list = path.join(dir, "stacks.json");
    fs.writeFileSync(list, JSON.stringify(listed));
    const outputs = await printed(["--config", file, "--holding", list, "--org", "acme"]);
    const holding = new Set(["prod", ...lastWave]);
    const expected = deployStages(spec, "prod", (s) => !holding.has(s));
    expect(Array.from({ length: expected.length }, (_, i) => outputs[stageOutput(i + 1)].map((e) => e.stack))).toEqual(expected);
    expect(expected.flat().indexOf(lastWave[0])).toBeGreaterThan(expected[1].length);
    // Not a stack list: bad input (a usage error: exit 2, one line, no stack trace).
    fs.writeFileSync(list, "{}");
    await expect(main(["--config", file, "--holding", list])).rejects.toThrow(new UsageError(`--holding: ${list} is not the JSON of pulumi stack ls --json (a list of { name, resourceCount })\nusage: npm run matrix [-- --stack NAME | --config FILE] [--only STACK,...] [--holding FILE [--org ORG]]`));
  });

  it("hands npm run matrix the backend's stack list, the organization and the touched stacks", () => {
    const step = deploy.jobs.stacks.steps!.find((s) => s.id === "matrix")!;
    const dir = tempDir("eks-fleet-matrix-step-");
    fs.writeFileSync(path.join(dir, "npm"), '#!/bin/sh\nprintf "%s|" "$@"\n');
    fs.chmodSync(path.join(dir, "npm"), 0o755);
    const run = (env: Record<string, string>) => {
      const out = path.join(dir, "out");
      fs.writeFileSync(out, "");
      require("child_process").execFileSync("bash", ["-euo", "pipefail", "-c", step.run!], { env: { PATH: `${dir}:${process.env.PATH}`, RUNNER_TEMP: "/runner", GITHUB_OUTPUT: out, KNOWN: "", ONLY: "", PULUMI_ORG: "", ...env } });
      return fs.readFileSync(out, "utf8");
    };
    expect(run({})).toBe("run|--silent|matrix|--|--holding|/runner/stacks.json|");
    expect(run({ KNOWN: "true", ONLY: "prod.c1,prod.links.us-east-1", PULUMI_ORG: "acme" })).toBe("run|--silent|matrix|--|--holding|/runner/stacks.json|--org|acme|--only|prod.c1,prod.links.us-east-1|");
    // Nothing touched: an empty --only, so every stage is empty and skipped.
    expect(run({ KNOWN: "true" })).toBe("run|--silent|matrix|--|--holding|/runner/stacks.json|--only||");
    const list = deploy.jobs.stacks.steps!.find((s) => s.run?.includes("pulumi stack ls"))!;
    expect(list.run).toBe('pulumi stack ls --json --all > "$RUNNER_TEMP/stacks.json"');
    expect(list.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
  });

  it("skips a stage without stacks and goes on with the next", () => {
    const matrix = deployMatrix([{ fleetStack: "prod", spec }], new Set(["prod", "prod.links.us-east-1"]));
    const outputs = Object.fromEntries([["stacks", matrix.stacks], ...matrix.stages.map((entries, i) => [stageOutput(i + 1), entries])]);
    expect(playWorkflow(outputs, new Set())).toEqual(["prod", "prod.links.us-east-1"]);
  });

  it("lists a single-stack fleet's one stack in the first stage, and skips a per-cluster fleet's own stack files", async () => {
    const dir = tempDir("eks-fleet-matrix-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleetConfig(3));
    // What `pulumi stack init` leaves for a cluster stack with the passphrase provider: no fleet.
    fs.writeFileSync(path.join(dir, "Pulumi.prod.c1.yaml"), "encryptionsalt: v1:abc\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const outputs = await printed([]);
      expect(outputs.stacks).toEqual([{ stack: "prod", fleet: "prod" }]);
      expect(outputs[stageOutput(1)]).toEqual([{ stack: "prod", fleet: "prod" }]);
      for (let n = 2; n <= MAX_DEPLOY_STAGES; n++) expect(outputs[stageOutput(n)]).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });
});
