import * as fs from "fs";
import * as path from "path";
import { stackArgs } from "../../cli/args";
import { UsageError } from "../../cli/errors";
import { main as failover } from "../../cli/failover";
import { main as plan } from "../../cli/plan";
import { main as synth } from "../../cli/synth";
import { tempDir } from "../support/temp-dirs";

const ROOT = path.resolve(__dirname, "../..");
const PROD = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");

/** A Pulumi project holding one stack, `staging`, whose tree is `gitops-staging`: neither the default stack nor the default folder. */
function stagingProject(): string {
  const dir = tempDir("eks-fleet-next-steps-");
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), PROD.replace("path: gitops }", "path: gitops-staging }"));
  return dir;
}

/** Runs a command in-process from `dir`, as `npm run <command>` there would, and returns its exit code and what it printed. */
async function inProject(dir: string, command: (argv: string[]) => Promise<number>, argv: string[]) {
  const cwd = process.cwd();
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  process.chdir(dir);
  try {
    const code = await command(argv);
    return { code, printed: log.mock.calls.map((args) => args.join(" ")).join("\n") };
  } finally {
    process.chdir(cwd);
    log.mockRestore();
  }
}

const nextLine = (printed: string) => printed.split("\n").find((l) => l.startsWith("Next"))!;

/** A hint names the stack it was given and that stack's tree, never the default stack or folder. */
function expectForStaging(next: string | undefined) {
  expect(next).toBeDefined();
  expect(next).not.toMatch(/\bprod\b/);
  expect(next).not.toMatch(/(^|[\s`])gitops\//);
  for (const command of next!.match(/`(npm run|pulumi) [^`]*`/g) ?? []) expect(command).toContain("--stack staging");
}

describe("--stack", () => {
  it("lists the project's stacks when the one named is not there", () => {
    const dir = stagingProject();
    expect(() => stackArgs({ stack: "acm" }, dir)).toThrow(new UsageError("--stack: no stack 'acm' here (Pulumi.acm.yaml not found); stacks here: staging"));
    expect(() => stackArgs({}, dir)).toThrow("--stack (default prod): no stack 'prod' here (Pulumi.prod.yaml not found); stacks here: staging");
    expect(stackArgs({ stack: "staging" }, dir).configFile).toBe(path.join(dir, "Pulumi.staging.yaml"));
  });

  it("says when the folder is no Pulumi project at all", () => {
    expect(() => stackArgs({ stack: "staging" }, tempDir("eks-fleet-no-project-"))).toThrow("no Pulumi.yaml here either: run from the project folder, or name the file with --config FILE");
  });
});

describe("Next: hints name the stack and its tree", () => {
  let dir: string;
  beforeAll(() => {
    dir = stagingProject();
  });

  it("synth", async () => {
    const run = await inProject(dir, synth, ["--stack", "staging"]);
    expect(run.code).toBe(0);
    expectForStaging(nextLine(run.printed));
    expect(nextLine(run.printed)).toContain("commit gitops-staging/");
    expect(fs.existsSync(path.join(dir, "gitops-staging"))).toBe(true);
  });

  it("plan", async () => {
    const run = await inProject(dir, plan, ["--stack", "staging", "--out", "out"]);
    expect(run.code).toBe(0);
    expectForStaging(nextLine(run.printed));
    expect(nextLine(run.printed)).toContain("renders gitops-staging/ to commit");
  });

  it("failover", async () => {
    const run = await inProject(dir, failover, ["--stack", "staging", "--to", "usw2"]);
    expect(run.code).toBe(0);
    expectForStaging(nextLine(run.printed));
    expect(nextLine(run.printed)).toContain("commit Pulumi.staging.yaml and gitops-staging/");
  });

  it("name the file with --config when it is not the working directory's stack", async () => {
    const elsewhere = stagingProject();
    const run = await inProject(dir, synth, ["--config", path.join(elsewhere, "Pulumi.staging.yaml")]);
    const next = nextLine(run.printed);
    expect(next).toContain(`npm run synth -- --check --config ${path.join(elsewhere, "Pulumi.staging.yaml")}`);
    expect(next).toContain(`commit ${path.relative(dir, path.join(elsewhere, "gitops-staging"))}/`);
  });
});
