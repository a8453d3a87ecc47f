import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../cli/matrix";
import { deployMatrix } from "../../deploy/matrix";
import { deployStages, fleetStacks } from "../../deploy/stacks";
import { parseFleet } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const WORKFLOW = path.resolve(__dirname, "../../.github/workflows/deploy.yml");

interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: { include?: string }; "max-parallel"?: number; "fail-fast"?: boolean };
  steps?: { id?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[];
  outputs?: Record<string, string>;
}
const deploy = YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, Job> };

/** What `npm run matrix` prints, as the workflow's `$GITHUB_OUTPUT` holds it. */
async function printed(argv: string[]): Promise<Record<string, { stack: string; fleet: string; wave?: number }[]>> {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
  try {
    expect(await main(argv)).toBe(0);
  } finally {
    log.mockRestore();
  }
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]));
}

describe("the deploy workflow's matrix, generated from the fleet", () => {
  const spec = parseFleet(fleetConfig(7, { stacks: "per-cluster" }), "us-east-1");

  it("has one job per stack: every stack of the fleet in exactly one matrix, in the job of its stage", () => {
    const matrix = deployMatrix([{ fleetStack: "prod", spec }]);
    const all = [...matrix.fleet, ...matrix.hubs, ...matrix.clusters, ...matrix.links].map((e) => e.stack);
    expect(all.sort()).toEqual(fleetStacks(spec, "prod").map((s) => s.name).sort());
    const stages = deployStages(spec, "prod");
    expect(matrix.fleet.map((e) => e.stack)).toEqual(stages[0]);
    expect(matrix.links.map((e) => e.stack)).toEqual(stages.at(-1));
    // Clusters in wave order, each entry with its wave and its fleet's file.
    expect(matrix.clusters.map((e) => e.wave)).toEqual([...matrix.clusters.map((e) => e.wave)].sort((a, b) => a! - b!));
    for (const wave of spec.waves) expect(matrix.clusters.filter((e) => e.wave === wave.index + 1).map((e) => e.stack)).toEqual(wave.clusters.map((c) => `prod.${c}`));
    expect(new Set([...matrix.fleet, ...matrix.clusters, ...matrix.links].map((e) => e.fleet))).toEqual(new Set(["prod"]));
  });

  it("runs an Argo CD fleet's hubs in a job of their own, after the fleet stack and before the clusters that read them", () => {
    const argo = parseFleet(fleetConfig(12, { stacks: "per-cluster", gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } }), "us-east-1");
    const matrix = deployMatrix([{ fleetStack: "prod", spec: argo }]);
    // Round-robin over ten regions: us-east-1 (c0, c10) and us-west-2 (c1, c11) have spokes; the other hubs stay with the clusters.
    expect(matrix.hubs.map((e) => e.stack)).toEqual(["prod.c0", "prod.c1"]);
    expect(matrix.clusters.map((e) => e.stack).filter((s) => matrix.hubs.some((h) => h.stack === s))).toEqual([]);
    expect(matrix.clusters).toHaveLength(10);
    // A Flux fleet has no hubs: the job is skipped.
    expect(deployMatrix([{ fleetStack: "prod", spec }]).hubs).toEqual([]);
  });

  it("keeps only the stacks a change touches", () => {
    const matrix = deployMatrix([{ fleetStack: "prod", spec }], new Set(["prod.c3"]));
    expect(matrix).toEqual({ fleet: [], hubs: [], clusters: [{ stack: "prod.c3", fleet: "prod", wave: expect.any(Number) }], links: [] });
  });

  it("prints what the workflow reads: one output per stage job, each consumed by that job's matrix", async () => {
    const dir = tempDir("eks-fleet-matrix-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    const file = writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleetConfig(7, { stacks: "per-cluster" }));
    const outputs = await printed(["--config", file]);
    expect(Object.keys(outputs).sort()).toEqual(["clusters", "fleet", "hubs", "links"]);
    expect(outputs.clusters).toHaveLength(7);
    const stacksJob = deploy.jobs.stacks;
    const matrixStep = stacksJob.steps!.find((s) => s.id === "matrix")!;
    expect(matrixStep.run).toContain("npm run --silent matrix");
    for (const key of Object.keys(outputs)) {
      expect(stacksJob.outputs![key]).toBe(`\${{ steps.matrix.outputs.${key} }}`);
      const job = deploy.jobs[key];
      expect(job.strategy!.matrix!.include).toBe(`\${{ fromJSON(needs.stacks.outputs.${key}) }}`);
      // An empty matrix is an error in GitHub Actions: the job is skipped instead.
      expect(job.if).toContain(`needs.stacks.outputs.${key} != '[]'`);
      // A started pulumi up is never cancelled halfway.
      expect(job.strategy!["fail-fast"]).toBe(false);
      expect(job.strategy!["max-parallel"]).toBeGreaterThan(0);
    }
    // Each stage waits for the one before and runs only when it did not fail.
    expect(deploy.jobs.hubs.needs).toEqual(["stacks", "fleet"]);
    expect(deploy.jobs.clusters.needs).toEqual(["stacks", "fleet", "hubs"]);
    expect(deploy.jobs.clusters.if).toContain("needs.hubs.result == 'success'");
    expect(deploy.jobs.links.needs).toEqual(["stacks", "fleet", "hubs", "clusters"]);
    expect(deploy.jobs.links.if).toContain("needs.clusters.result == 'success'");
    // The touched stacks come from the diff of the pushed range, by name.
    const touched = stacksJob.steps!.find((s) => s.id === "touched")!;
    expect(touched.run).toContain("npm run --silent diff -- --base \"$BEFORE\" --touched-stacks");
    expect(matrixStep.run).toContain('--only "$ONLY"');
  });

  it("lists a single-stack fleet's one stack in the first job, and skips a per-cluster fleet's own stack files", async () => {
    const dir = tempDir("eks-fleet-matrix-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleetConfig(3));
    // What `pulumi stack init` leaves for a cluster stack with the passphrase provider: no fleet.
    fs.writeFileSync(path.join(dir, "Pulumi.prod.c1.yaml"), "encryptionsalt: v1:abc\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await printed([])).toEqual({ fleet: [{ stack: "prod", fleet: "prod" }], hubs: [], clusters: [], links: [] });
    } finally {
      process.chdir(cwd);
    }
  });
});
