import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const DIR = path.resolve(__dirname, "../../.github/workflows");

/**
 * The inputs each action documents in its action.yml at the major version used. A `with:`
 * key outside this list is silently ignored by GitHub, so a typo would pass unnoticed.
 */
const DOCUMENTED_INPUTS: Record<string, readonly string[]> = {
  "actions/checkout@v4": ["repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory", "github-server-url"],
  "actions/setup-node@v4": ["always-auth", "node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "cache-dependency-path", "mirror", "mirror-token"],
  "actions/upload-artifact@v4": ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files"],
  "actions/download-artifact@v4": ["name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id"],
  "actions/github-script@v7": ["script", "github-token", "debug", "user-agent", "previews", "result-encoding", "retries", "retry-exempt-status-codes", "base-url"],
  "marocchino/sticky-pull-request-comment@v2": ["header", "append", "recreate", "delete", "only_create", "only_update", "hide_details", "hide", "hide_and_recreate", "hide_classify", "message", "path", "ignore_empty", "skip_unchanged", "follow_symbolic_links", "number", "owner", "repo", "GITHUB_TOKEN"],
  "aws-actions/configure-aws-credentials@v4": ["audience", "aws-access-key-id", "aws-secret-access-key", "aws-session-token", "aws-region", "mask-aws-account-id", "role-to-assume", "web-identity-token-file", "role-duration-seconds", "role-session-name", "role-external-id", "role-skip-session-tagging", "http-proxy"],
  "pulumi/actions@v6": ["command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary"],
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on"?: string;
  /** A reusable workflow this job runs instead of steps. */
  uses?: string;
  steps?: Step[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows = new Map(
  files.map((f) => {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(DIR, f), "utf8"));
    if (doc.errors.length) throw new Error(`${f}: ${doc.errors[0].message}`);
    return [f, doc.toJS() as Workflow];
  }),
);
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const stepUsing = (w: Workflow, action: string) => steps(w).filter((s) => s.uses?.startsWith(`${action}@`));

describe("GitHub workflows", () => {
  it("exist for pull requests, their comment, deploys (and the deploy of one stack) and drift", () => {
    expect([...workflows.keys()].sort()).toEqual(["deploy-stack.yml", "deploy.yml", "drift.yml", "pull-request-comment.yml", "pull-request.yml"]);
  });

  describe.each([...workflows.entries()])("%s", (_, w) => {
    it("has a trigger, and jobs with runs-on and steps, or a reusable workflow of this folder, and an explicit least-privilege token", () => {
      expect(Object.keys(w.on).length).toBeGreaterThan(0);
      expect(w.permissions).toBeDefined();
      for (const job of Object.values(w.jobs)) {
        if (job.uses !== undefined) {
          const called = workflows.get(job.uses.replace(/^\.\/\.github\/workflows\//, ""));
          expect({ uses: job.uses, reusable: called !== undefined && "workflow_call" in called.on }).toEqual({ uses: job.uses, reusable: true });
        } else {
          expect(job["runs-on"]).toEqual(expect.any(String));
          expect(job.steps?.length).toBeGreaterThan(0);
        }
        expect(job.permissions).toBeDefined();
        expect(Object.values(job.permissions!).every((p) => p === "read" || p === "write" || p === "none")).toBe(true);
        expect(job.permissions).not.toHaveProperty("contents", "write");
      }
    });

    it("pins every action to a major version or a commit, and uses only documented inputs", () => {
      for (const s of steps(w).filter((x) => x.uses)) {
        expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
        const documented = DOCUMENTED_INPUTS[s.uses!];
        expect({ action: s.uses, known: documented !== undefined }).toEqual({ action: s.uses, known: true });
        for (const key of Object.keys(s.with ?? {})) expect({ action: s.uses, input: key, documented: documented.includes(key) }).toMatchObject({ documented: true });
      }
    });

    it("never puts a secret or untrusted event text into a shell script", () => {
      for (const s of steps(w).filter((x) => x.run)) {
        expect(s.run).not.toMatch(/\$\{\{\s*secrets\./);
        expect(s.run).not.toMatch(/\$\{\{\s*github\.(event|head_ref)/);
        expect(s.run).not.toMatch(/\$\{\{\s*steps\./);
      }
      for (const s of steps(w)) expect(s.with ?? {}).not.toHaveProperty("aws-access-key-id");
    });
  });

  it("runs the tests, checks the rendered tree and computes the fleet diff on every pull request", () => {
    const w = workflows.get("pull-request.yml")!;
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    const runs = steps(w).map((s) => s.run ?? "");
    expect(runs).toContain("npm ci");
    expect(runs).toContain("npm test");
    // Every stack's tree, each in its own gitops.path: --check names stale files and what to run.
    const synth = runs.find((r) => r.includes("npm run --silent synth"))!;
    expect(synth).toMatch(/for stack in \$fleets; do[\s\S]*synth -- --stack "\$stack" --check/);
    // The fleets, from npm run matrix's first stage: its listing run over a stand-in that prints two fleets' stage,
    // one with an Argo CD hub's addresses stack beside its fleet stack (no stack file of its own: not synthesized).
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "eks-fleet-synth-list-"));
    try {
      fs.writeFileSync(path.join(dir, "npm"), `#!/bin/sh\nif [ "$3" = matrix ]; then printf '%s\\n' 'stacks=[]' 'stage1=[{"stack":"prod","fleet":"prod"},{"stack":"prod.addresses.us-east-1","fleet":"prod"},{"stack":"staging","fleet":"staging"}]' 'stage2=[]'; else echo "$@" >> "${dir}/synths"; fi\n`);
      fs.chmodSync(path.join(dir, "npm"), 0o755);
      require("child_process").execFileSync("bash", ["-e", "-c", synth], { cwd: dir, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
      expect(fs.readFileSync(path.join(dir, "synths"), "utf8")).toBe("run --silent synth -- --stack prod --check\nrun --silent synth -- --stack staging --check\n");
      // npm run matrix failing (a bad stack file) fails the step instead of checking nothing.
      fs.writeFileSync(path.join(dir, "npm"), "#!/bin/sh\nexit 2\n");
      expect(() => require("child_process").execFileSync("bash", ["-e", "-c", synth], { cwd: dir, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, stdio: "pipe" })).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(runs.find((r) => r.includes("npm run --silent diff"))).toContain('--base "origin/${BASE_REF}"');
    // The diff job needs the base branch's history.
    expect(stepUsing(w, "actions/checkout").some((s) => s.with?.["fetch-depth"] === 0)).toBe(true);
  });

  it("previews with the policy pack and its PR comment only where credentials exist", () => {
    const w = workflows.get("pull-request.yml")!;
    const [preview] = stepUsing(w, "pulumi/actions");
    expect(preview.with).toMatchObject({ command: "preview", policyPacks: "policies", policyPackConfigs: "out/policy-config.${{ matrix.stack }}.json", "comment-on-pr": true });
    // The stack's pack config comes from an offline plan of its fleet, run just before.
    const plan = w.jobs.preview.steps![w.jobs.preview.steps!.indexOf(preview) - 1];
    expect([plan.run, plan.env, plan.if]).toEqual([expect.stringContaining('npm run --silent plan -- --stack "$STACK" --out out'), { STACK: "${{ matrix.stack }}" }, preview.if]);
    expect(preview.if).toContain("env.HAS_PULUMI_TOKEN == 'true'");
    expect(w.jobs.preview.env?.HAS_PULUMI_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN != '' }}");
    expect(stepUsing(w, "aws-actions/configure-aws-credentials")[0].if).toBe(preview.if);
    // The AWS role is the one the stack file names, assumed by OIDC: no keys anywhere.
    expect(stepUsing(w, "aws-actions/configure-aws-credentials")[0].with).toMatchObject({ "role-to-assume": "${{ steps.roles.outputs.preview }}" });
    expect(w.jobs.preview.permissions).toMatchObject({ "id-token": "write" });
    // Where it cannot run, it says so and why.
    const skipped = steps(w).find((s) => s.name === "No cloud credentials for this run")!;
    expect(skipped.if).toBe("env.HAS_PULUMI_TOKEN != 'true'");
    expect(skipped.run).toContain("::notice title=pulumi preview skipped::");
  });

  it("gives branch protection one stable check that fails when a touched stack's preview fails, and passes when none is touched", () => {
    const w = workflows.get("pull-request.yml")!;
    const job = w.jobs["preview-result"] as Job & { name: string; needs: string[]; if: string };
    expect({ name: job.name, needs: job.needs, if: job.if }).toEqual({ name: "pulumi preview", needs: ["stacks", "preview"], if: "always()" });
    const script = job.steps![0].run!;
    const exitCode = (result: string, listing: string, stacks: string) => {
      try {
        require("child_process").execFileSync("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, RESULT: result, STACKS_RESULT: listing, STACKS: stacks }, stdio: "pipe" });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    const one = '[{"stack":"prod.c1","fleet":"prod"}]';
    // success covers stacks whose preview was skipped for lack of credentials (their legs pass with a notice).
    expect([
      exitCode("success", "success", one),
      exitCode("skipped", "success", "[]"),
      exitCode("failure", "success", one),
      exitCode("cancelled", "success", one),
      exitCode("skipped", "success", one),
      exitCode("skipped", "failure", ""),
    ]).toEqual([0, 0, 1, 1, 1, 1]);
    expect(job.steps![0].env).toEqual({ RESULT: "${{ needs.preview.result }}", STACKS_RESULT: "${{ needs.stacks.result }}", STACKS: "${{ needs.stacks.outputs.stacks }}" });
  });

  it("posts one sticky comment from a workflow that never checks out pull-request code", () => {
    const w = workflows.get("pull-request-comment.yml")!;
    expect(w.on).toEqual({ workflow_run: { workflows: ["pull-request"], types: ["completed"] } });
    expect(stepUsing(w, "actions/checkout")).toEqual([]);
    expect(steps(w).filter((s) => s.run)).toEqual([]);
    const [comment] = stepUsing(w, "marocchino/sticky-pull-request-comment");
    expect(comment.with).toMatchObject({ header: "eks-fleet-diff", path: "fleet-diff.md", number: "${{ steps.pr.outputs.number }}" });
    for (const f of workflows.values()) expect(Object.keys(f.on)).not.toContain("pull_request_target");
  });

  // Every matrix comes from the fleets themselves (npm run matrix: tests/deploy/matrix.test.ts), so a
  // per-cluster fleet's stacks are previewed and checked for drift one by one, as they deploy.
  it.each([
    ["pull-request.yml", "preview"],
    ["drift.yml", "drift"],
  ])("%s runs one %s job per stack of npm run matrix, and none when there is no stack", (name, jobName) => {
    const w = workflows.get(name)!;
    const matrixJobs = Object.entries(w.jobs).filter(([, j]: [string, any]) => j.strategy?.matrix);
    expect(matrixJobs.map(([id]) => id)).toEqual([jobName]);
    const job = w.jobs[jobName] as any;
    expect(job.needs).toBe("stacks");
    expect(job.if).toBe("needs.stacks.outputs.stacks != '[]'");
    expect(job.strategy.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.stacks) }}" });
    const list = w.jobs.stacks as any;
    expect(list.outputs).toEqual({ stacks: "${{ steps.matrix.outputs.stacks }}" });
    const matrix = list.steps.find((s: Step & { id?: string }) => s.id === "matrix");
    // A pull request previews only the stacks it touches, found by the offline diff against its base.
    if (name === "pull-request.yml") {
      expect(matrix.run).toBe('npm run --silent matrix -- --only "$ONLY" >> "$GITHUB_OUTPUT"');
      expect(matrix.env).toEqual({ ONLY: "${{ steps.touched.outputs.only }}" });
      const touched = list.steps.find((s: Step & { id?: string }) => s.id === "touched");
      expect(touched.run).toBe('echo "only=$(npm run --silent diff -- --base "origin/${BASE_REF}" --touched-stacks)" >> "$GITHUB_OUTPUT"');
      expect(list.steps.find((s: Step) => s.uses?.startsWith("actions/checkout@")).with["fetch-depth"]).toBe(0);
    } else {
      expect(matrix.run).toBe('npm run --silent matrix >> "$GITHUB_OUTPUT"');
    }
  });

  it("deploys main with the policy pack, one run per stack at a time, through an assumed role", () => {
    const w = workflows.get("deploy.yml")!;
    expect(w.on).toMatchObject({ push: { branches: ["main"] } });
    // Every stage job runs one stack per matrix leg through deploy-stack.yml (tests/deploy/matrix.test.ts).
    const stages = Object.entries(w.jobs).filter(([id]) => id.startsWith("stage-"));
    expect(stages.length).toBeGreaterThan(0);
    for (const [, job] of stages) expect(job.uses).toBe("./.github/workflows/deploy-stack.yml");
    const stack = workflows.get("deploy-stack.yml")!;
    expect(Object.keys(stack.on)).toEqual(["workflow_call"]);
    const up = stack.jobs.up;
    expect(up.concurrency).toEqual({ group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false });
    expect(up.permissions).toEqual({ contents: "read", "id-token": "write" });
    const [pulumiUp] = (up.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumiUp.with).toMatchObject({ command: "up", policyPacks: "policies", policyPackConfigs: "out/policy-config.${{ inputs.stack }}.json", "stack-name": expect.stringContaining("inputs.stack") });
    // Each stack's pack config, from an offline plan of its fleet (whose violations stop the job).
    const plan = up.steps![up.steps!.indexOf(pulumiUp) - 1];
    expect([plan.run, plan.env]).toEqual(['npm run --silent plan -- --stack "$FLEET" --out out > /dev/null', { FLEET: "${{ inputs.fleet }}" }]);
    expect(pulumiUp.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    expect((up.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") && s.with?.["role-to-assume"])).toBe(true);
  });

  it.each([
    ["deploy-stack.yml", "deploy"],
    ["drift.yml", "preview"],
    ["pull-request.yml", "preview"],
  ])("%s assumes the %s role its stack file names, never one set beside it", (name, role) => {
    const w = workflows.get(name)!;
    const [roles] = steps(w).filter((s) => (s as { id?: string }).id === "roles");
    expect(roles.run).toBe('npm run --silent roles -- --stack "$STACK" >> "$GITHUB_OUTPUT"');
    // A per-cluster fleet's stacks read their fleet's file: every job names its fleet stack (the matrix entry's `fleet`).
    expect(roles.env).toEqual({ STACK: name === "deploy-stack.yml" ? "${{ inputs.fleet }}" : "${{ matrix.fleet }}" });
    for (const s of stepUsing(w, "aws-actions/configure-aws-credentials")) expect(s.with?.["role-to-assume"]).toBe(`\${{ steps.roles.outputs.${role} }}`);
    // The command prints what the step appends to $GITHUB_OUTPUT.
    expect(JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")).scripts.roles).toMatch(/ cli\/roles\.ts$/);
  });

  it("checks for drift on a schedule, fails visibly and files an issue", () => {
    const w = workflows.get("drift.yml")!;
    expect(w.on).toHaveProperty("schedule");
    expect(stepUsing(w, "pulumi/actions")[0].with).toMatchObject({ command: "preview", "expect-no-changes": true, refresh: true });
    const onFailure = stepUsing(w, "actions/github-script").find((s) => s.if === "failure()");
    expect(onFailure?.with?.script).toContain("github.rest.issues.create(");
    expect(w.jobs.drift.permissions).toMatchObject({ issues: "write" });
    expect(w.jobs.drift.concurrency?.group).toBe("pulumi-${{ matrix.stack }}");
  });
});
