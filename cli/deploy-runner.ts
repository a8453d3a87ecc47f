import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** The machine CI runs `pulumi up` on, and the operations the engine keeps in flight there. */
export interface DeployRunner {
  /** The `runs-on` label of the job that runs `pulumi up`. */
  readonly label: string;
  readonly vCpus: number;
  /** Operations in flight per stack: `--parallel` or PULUMI_PARALLEL when set, else 4 × vCPUs. */
  readonly slots: number;
  /** Stacks deployed at once: the largest `strategy.max-parallel` of the jobs that run `pulumi up`; absent, no limit. */
  readonly stacksInParallel?: number;
  /** Each such job's own `max-parallel`, by job id (the deploy workflow's stage jobs: deploy/matrix.ts `stageJob`). */
  readonly stacksInParallelByJob?: Readonly<Record<string, number>>;
  /** Where the figures come from. */
  readonly basis: string;
}

/**
 * GitHub-hosted standard runners, for private repositories ("GitHub-hosted runners reference",
 * docs.github.com, checked 2026-12): Linux x64 and arm64 have 2 vCPUs there (public repositories
 * get 4). A fleet's deploy repository names its account and roles, so private is assumed.
 */
const PRIVATE_REPOSITORY_VCPUS: Readonly<Record<string, number>> = {
  "ubuntu-latest": 2, "ubuntu-24.04": 2, "ubuntu-22.04": 2, "ubuntu-24.04-arm": 2, "ubuntu-22.04-arm": 2,
};
const PUBLIC_REPOSITORY_VCPUS = 4;

/**
 * The default `--parallel` is 4 × the CPUs Go may use (pulumi/pulumi#15016;
 * pkg/cmd/pulumi/operations/up.go `defaultParallel`), unless PULUMI_PARALLEL says otherwise
 * (pulumi/pulumi#18782). pulumi/actions passes `parallel` only when the step sets it
 * (src/config.ts `getNumberInput('parallel')`; its action.yml still says "Defaults to
 * unbounded", which stopped being true when the input lost its 2147483647 default).
 */
export const SLOTS_PER_CPU = 4;

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
let cached: DeployRunner | undefined;

/** The runner of the repository's deploy workflow (read once per process). */
export function workflowRunner(): DeployRunner {
  cached ??= runnerOf(Object.fromEntries(fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => [f, fs.readFileSync(path.join(WORKFLOWS, f), "utf8")])));
  return cached;
}

/**
 * The runner of the first job (in file order) with a step that runs `pulumi up`, through
 * pulumi/actions (`command: up`) or a shell, and how many stacks such jobs deploy at once. A
 * job that calls a reusable workflow of the folder (`uses: ./.github/workflows/<file>`, by
 * file name when `workflows` names them) runs what that workflow's jobs run, as many at once as
 * the caller's matrix allows (deploy.yml's stage jobs call deploy-stack.yml). A label this
 * table does not size is taken as the smallest GitHub-hosted Linux runner, and so is a
 * repository with no such job; the basis says so.
 */
export function runnerOf(workflows: readonly string[] | Readonly<Record<string, string>>): DeployRunner {
  const files: [string, string][] = Array.isArray(workflows) ? workflows.map((text, i) => [String(i), text]) : Object.entries(workflows);
  const parsed = new Map(files.map(([name, text]) => [name, YAML.parse(text) ?? {}]));
  const upStep = (job: any) => (job.steps ?? []).find((s: any) => (String(s.uses ?? "").startsWith("pulumi/actions") && s.with?.command === "up") || /\bpulumi up\b/.test(String(s.run ?? "")));
  /** The job and workflow that run `pulumi up` for `job`: itself, or a job of the reusable workflow it calls. */
  const running = (workflow: any, job: any): [any, any, any] | undefined => {
    const step = upStep(job);
    if (step) return [workflow, job, step];
    const called = parsed.get(/^\.\/\.github\/workflows\/(.+)$/.exec(String(job.uses ?? ""))?.[1] ?? "");
    const inner = Object.values<any>(called?.jobs ?? {}).find(upStep);
    return inner ? [called, inner, upStep(inner)] : undefined;
  };
  let found: DeployRunner | undefined;
  const matrices: number[] = [];
  const byJob: Record<string, number> = {};
  for (const workflow of parsed.values()) {
    for (const [id, job] of Object.entries<any>(workflow.jobs ?? {})) {
      const run = running(workflow, job);
      if (!run) continue;
      const limit = Number(job.strategy?.["max-parallel"]);
      if (limit >= 1) {
        matrices.push(limit);
        byJob[id] ??= limit;
      }
      found ??= runnerOfJob(...run);
    }
  }
  const runner = found ?? (() => {
    const vCpus = PRIVATE_REPOSITORY_VCPUS["ubuntu-latest"];
    return { label: "ubuntu-latest", vCpus, slots: SLOTS_PER_CPU * vCpus, basis: `no workflow job runs pulumi up: taken as ubuntu-latest in a private repository, ${SLOTS_PER_CPU} × ${vCpus} operations in flight` };
  })();
  if (!matrices.length) return runner;
  const limits = Object.entries(byJob).map(([id, n]) => `${n} in ${id}`).join(", ");
  return { ...runner, stacksInParallel: Math.max(...matrices), stacksInParallelByJob: byJob, basis: `${runner.basis}; stacks at once as each matrix job's max-parallel allows (${limits})` };
}

function runnerOfJob(workflow: any, job: any, step: any): DeployRunner {
  const label = String(job["runs-on"]);
  const known = PRIVATE_REPOSITORY_VCPUS[label];
  const vCpus = known ?? 2;
  const sized = known
    ? `${label} has ${vCpus} vCPUs in a private repository (${PUBLIC_REPOSITORY_VCPUS} in a public one), GitHub-hosted runners reference`
    : `${label} is not a standard GitHub-hosted label: taken as ${vCpus} vCPUs`;
  const parallel = Number(step.with?.parallel ?? step.env?.PULUMI_PARALLEL ?? job.env?.PULUMI_PARALLEL ?? workflow.env?.PULUMI_PARALLEL);
  if (parallel >= 1) return { label, vCpus, slots: parallel, basis: `${sized}; the workflow sets ${parallel} operations in flight` };
  return { label, vCpus, slots: SLOTS_PER_CPU * vCpus, basis: `${sized}; pulumi up keeps ${SLOTS_PER_CPU} × vCPUs operations in flight by default (pulumi/pulumi#15016)` };
}
