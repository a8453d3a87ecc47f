import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot, resolveCommit } from "../../cli/diff/git";
import { planBase } from "../../cli/diff/sides";
import { stacksToDiff } from "../../cli/diff/stacks";
import { readTree } from "../../cli/diff/compare-trees";
import { main as diff } from "../../cli/diff";
import { reportFailure, UsageError } from "../../cli/errors";
import { minorOf, offeredVersions } from "../../fleet/versions";

const PROJECT = path.resolve(__dirname, "../..");
const EU_CLUSTER = `      - name: euw1
        region: eu-west-1
        role: secondary
        vpcCidr: 10.30.0.0/16
        nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 }
`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
}

/** A throwaway repository holding this project's files, with node_modules linked, not copied. */
function scratchRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-diff-test-"));
  const files = git(PROJECT, "ls-files", "-co", "--exclude-standard").split("\n").filter(Boolean);
  for (const file of files) if (fs.existsSync(path.join(PROJECT, file))) fs.cpSync(path.join(PROJECT, file), path.join(dir, file));
  fs.symlinkSync(path.join(PROJECT, "node_modules"), path.join(dir, "node_modules"), "dir");
  git(dir, "init", "--quiet");
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", "two clusters");
  return dir;
}

describe("npm run diff (end to end, in a scratch repository)", () => {
  let repo: string;
  beforeAll(() => {
    repo = scratchRepo();
    // A second stack with its own tree, name and record: unchanged by the pull request, so not previewed.
    const staging = fs.readFileSync(path.join(repo, "Pulumi.prod.yaml"), "utf8")
      .replace("path: gitops }", "path: gitops-staging }")
      .replace("name: prod", "name: staging")
      .replace("record: api.example.com", "record: api-staging.example.com");
    fs.writeFileSync(path.join(repo, "Pulumi.staging.yaml"), staging);
    git(repo, "add", "Pulumi.staging.yaml");
    git(repo, "commit", "--quiet", "-m", "staging stack");
    fs.appendFileSync(path.join(repo, "Pulumi.prod.yaml"), EU_CLUSTER);
    git(repo, "commit", "--quiet", "-am", "add euw1");
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("names the added cluster, its region and resources, draws the fleet and removes its worktree", () => {
    const run = spawnSync("npm", ["run", "--silent", "diff", "--", "--base", "HEAD~1"], { cwd: repo, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("| `euw1` | eu-west-1 | secondary | added |");
    expect(run.stdout).toMatch(/- \+ \d+ resource\(s\) added — on `euw1`/);
    expect(run.stdout).toContain("  - `aws:eks/nodeGroup:NodeGroup` ×1: `euw1-nodes-group`");
    expect(run.stdout).toContain("**2 → 3 clusters**");
    expect(run.stdout).toContain('subgraph r_eu_west_1["eu-west-1"]');
    expect(run.stdout).toContain("c_euw1 -.->|backups| c_use1");
    expect(run.stdout).toContain("- backup partner of `usw2` changes: `use1` → **`euw1`**");
    expect(run.stdout).toContain("## eks-fleet diff · stack `prod`");
    expect(run.stdout).not.toContain("stack `staging`");
    expect(run.stdout).toContain("**Stacks this change touches** (CI previews and deploys only these): `prod`");
    // What to do next goes to stderr, for the stack previewed and its own tree.
    expect(run.stderr).toContain("Next (stack prod): once reviewed, merge into main: the agents apply gitops/ from it, and `pulumi up --stack prod` (the deploy workflow) the infrastructure.");
    expect(run.stderr).not.toContain("staging");
    expect(git(repo, "worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 120_000);

  it("refuses an unknown base ref with exit 2 and one line", async () => {
    // The command's own code in this process (the run above starts the real command line),
    // printed and mapped to an exit code as runCommand does.
    const printed: string[] = [];
    const cwd = process.cwd();
    process.chdir(repo);
    const failure = await diff(["--base", "no-such-ref"]).then(() => undefined, (err: unknown) => err).finally(() => process.chdir(cwd));
    expect(reportFailure(failure, (line) => printed.push(line))).toBe(2);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain("--base: unknown git ref 'no-such-ref'");
    expect(printed.join("\n")).not.toMatch(/\n\s+at /);
  });

  it("refuses, with exit 2 and the reason, a change of more than one minor version from what the base runs", async () => {
    const [from, , to] = offeredVersions(new Date()).slice(-3);
    const prod = path.join(repo, "Pulumi.prod.yaml");
    const setVersion = (version: string) => fs.writeFileSync(prod, fs.readFileSync(prod, "utf8").replace(/kubernetesVersion: "[^"]*"/, `kubernetesVersion: "${version}"`));
    setVersion(from);
    // No rollout state: every wave runs the fleet's version (with one, only the first wave moves).
    git(repo, "rm", "--quiet", "gitops/rollout.json");
    git(repo, "commit", "--quiet", "-am", `prod on ${from}`);
    setVersion(to);
    const printed: string[] = [];
    const cwd = process.cwd();
    process.chdir(repo);
    const failure = await diff(["--base", "HEAD", "--stack", "prod"]).then(() => undefined, (err: unknown) => err).finally(() => process.chdir(cwd));
    expect(reportFailure(failure, (line) => printed.push(line))).toBe(2);
    expect(printed).toEqual([
      `fleet.kubernetesVersion: use1, usw2, euw1 run ${from} (at the base HEAD): EKS upgrades a control plane one minor version at a time; set 1.${minorOf(from)! + 1}, deploy, then go on to ${to}`,
      // With no rollout state every wave would move at once, which a deploy refuses too.
      `fleet.rollout.waves: one deploy would move the clusters of waves canary, standbys, primary (Kubernetes ${from} → ${to}); a change reaches one wave per deploy: promote the waves one at a time (npm run rollout -- promote), or set rollout.allowMultipleWaves for this deploy`,
    ]);
  }, 120_000);
});

describe("diff inputs", () => {
  it("previews the stack files a change touches, or every stack when the program changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-stacks-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml", "index.ts"]) fs.writeFileSync(path.join(dir, f), `${f}\n`);
      git(dir, "init", "--quiet");
      git(dir, "add", "-A");
      git(dir, "commit", "--quiet", "-m", "base");
      const root = repoRoot(dir);
      const stacks = () => stacksToDiff(root, resolveCommit(root, "HEAD"), root).map((f) => path.basename(f));
      expect(stacks()).toEqual(["Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
      fs.appendFileSync(path.join(dir, "Pulumi.staging.yaml"), "# more\n");
      fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "new\n");
      expect(stacks()).toEqual(["Pulumi.dev.yaml", "Pulumi.staging.yaml"]);
      fs.rmSync(path.join(dir, "Pulumi.prod.yaml"));
      expect(stacks()).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
      fs.appendFileSync(path.join(dir, "index.ts"), "// changed\n");
      git(dir, "checkout", "--quiet", "--", "Pulumi.prod.yaml");
      expect(stacks()).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a rendered tree by relative path, and a missing one as empty", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-tree-"));
    try {
      fs.mkdirSync(path.join(dir, "clusters/use1/platform"), { recursive: true });
      fs.writeFileSync(path.join(dir, "clusters/use1/platform/namespace-payments.yaml"), "kind: Namespace\n");
      fs.writeFileSync(path.join(dir, "clusters/use1/apps.yaml"), "kind: Kustomization\n");
      expect([...readTree(dir).entries()]).toEqual([
        ["clusters/use1/apps.yaml", "kind: Kustomization\n"],
        ["clusters/use1/platform/namespace-payments.yaml", "kind: Namespace\n"],
      ]);
      expect(readTree(path.join(dir, "missing")).size).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("treats a folder outside git as bad input", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-not-git-"));
    try {
      expect(() => repoRoot(dir)).toThrow(UsageError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves a known ref and rejects an unknown one or an option in its place", () => {
    expect(resolveCommit(PROJECT, "HEAD")).toMatch(/^[0-9a-f]{40}$/);
    expect(() => resolveCommit(PROJECT, "no-such-ref")).toThrow(/unknown git ref 'no-such-ref'/);
    expect(() => resolveCommit(PROJECT, "--output=x")).toThrow(UsageError);
  });

  it("compares a base without the stack file, or with an invalid one, as an empty fleet with a note", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-base-"));
    try {
      const missing = await planBase(PROJECT, path.join(dir, "Pulumi.new.yaml"), path.join(dir, "out"), "new");
      expect(missing.plan.clusters).toEqual([]);
      expect(missing.note).toBe("`Pulumi.new.yaml` does not exist at the base: everything is new.");

      fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  aws:region: us-east-1\n  eks-fleet:fleet: { name: Bad }\n");
      const invalid = await planBase(PROJECT, path.join(dir, "Pulumi.bad.yaml"), path.join(dir, "out"), "bad");
      expect(invalid.plan.resources).toEqual([]);
      expect(invalid.note).toMatch(/^`Pulumi.bad.yaml` is not valid at the base \(.*Pulumi\.bad\.yaml:3:28: fleet\..*\): compared against an empty fleet\.$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
