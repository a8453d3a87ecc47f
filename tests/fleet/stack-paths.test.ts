import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetConfigError, fleetFromStackFile } from "../../fleet";
import { main as synth } from "../../cli/synth";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";

/** A project folder (Pulumi.yaml beside its stack files), as in a repository holding several stacks. */
let project: string;
const stack = (name: string, gitopsPath?: string, overrides: Record<string, unknown> = {}) => {
  const fleet = fleetConfig(2, { name, dns: { zone: "example.com", record: `${name}.example.com` }, ...overrides });
  if (gitopsPath === undefined) delete fleet.gitops.path;
  else fleet.gitops.path = gitopsPath;
  const file = path.join(project, `Pulumi.${name}.yaml`);
  return writeStackFile(file, fleet);
};
const problems = (file: string) => {
  try {
    fleetFromStackFile(file);
    return [];
  } catch (err) {
    if (err instanceof FleetConfigError) return err.message.split("\n");
    throw err;
  }
};

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-stacks-"));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "error").mockImplementation(() => undefined);
});
afterEach(() => {
  fs.rmSync(project, { recursive: true, force: true });
  jest.restoreAllMocks();
});

describe("several stacks in one project", () => {
  it("rejects a GitOps path another stack already renders into, naming the key and the other stack", () => {
    const prod = stack("prod");
    const staging = stack("staging");
    expect(problems(staging)).toEqual([expect.stringMatching(/^.*Pulumi\.staging\.yaml:\d+:\d+: fleet\.gitops\.path: /)]);
    expect(problems(staging)[0]).toContain(`fleet.gitops.path: 'gitops' is also the GitOps tree of stack 'prod' ('gitops' in ${prod}): give each stack its own path, e.g. gitops-staging`);
    // Nested trees collide too: a render replaces its whole folder.
    stack("staging", "gitops/staging");
    expect(problems(staging)[0]).toMatch(/: fleet\.gitops\.path: 'gitops\/staging' overlaps the GitOps tree of stack 'prod'/);
    stack("staging", "gitops-staging");
    expect(problems(staging)).toEqual([]);
    expect(problems(prod)).toEqual([]);
  });

  it("rejects a fleet name or a DNS record another stack of the project already uses", () => {
    const prod = stack("prod");
    const copy = stack("copy", "gitops-copy", { name: "prod", dns: { zone: "example.com", record: "prod.example.com" } });
    expect(problems(copy)).toEqual([
      `${copy}:4:11: fleet.name: 'prod' is also the fleet name of stack 'prod' (${prod}): the two would manage the same IAM roles, buckets and clusters; give each stack its own name`,
      `${copy}:18:15: fleet.dns.record: 'prod.example.com' is also the record of stack 'prod' (${prod}): one stack's records would take the other's traffic; give each stack its own record`,
    ]);
    stack("copy", "gitops-copy", { name: "copy", dns: { zone: "example.com", record: "copy.example.com" } });
    expect(problems(copy)).toEqual([]);
  });

  it("ignores stack files outside a project, and siblings it cannot read", () => {
    fs.rmSync(path.join(project, "Pulumi.yaml"));
    stack("prod");
    expect(problems(stack("staging"))).toEqual([]);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: eks-fleet\n");
    fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), "config: [not, a, map\n");
    expect(problems(path.join(project, "Pulumi.staging.yaml"))).toEqual([]);
  });

  it("renders each stack into its own tree: one never touches the other's", async () => {
    const prod = stack("prod");
    const staging = stack("staging", "gitops-staging");
    expect(await synth(["--config", prod])).toBe(0);
    const prodTree = path.join(project, "gitops");
    const before = fs.readdirSync(path.join(prodTree, "clusters"));
    const marker = path.join(prodTree, "clusters", "c0", "platform");
    const stamp = fs.statSync(marker).mtimeMs;
    expect(await synth(["--config", staging])).toBe(0);
    expect(fs.existsSync(path.join(project, "gitops-staging", "clusters", "c0", "platform"))).toBe(true);
    expect(fs.readdirSync(path.join(prodTree, "clusters"))).toEqual(before);
    expect(fs.statSync(marker).mtimeMs).toBe(stamp);
    expect(await synth(["--config", staging, "--check"])).toBe(0);
    expect(await synth(["--config", prod, "--check"])).toBe(0);
  });

  it("says which files are missing, extra or changed, and what to run", async () => {
    const prod = stack("prod");
    expect(await synth(["--config", prod])).toBe(0);
    const tree = path.join(project, "gitops");
    const [first, second] = fs.readdirSync(path.join(tree, "clusters/c0/platform")).sort();
    fs.rmSync(path.join(tree, "clusters/c0/platform", first));
    fs.appendFileSync(path.join(tree, "clusters/c0/platform", second), "# edited\n");
    fs.writeFileSync(path.join(tree, "clusters/c0/platform/stray.yaml"), "kind: ConfigMap\n");
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await synth(["--config", prod, "--check"])).toBe(1);
    const lines = errors.mock.calls.map(([line]) => String(line).replace(`${path.relative(process.cwd(), tree)}/`, "<tree>/"));
    expect(lines).toEqual([
      `<tree>/clusters/c0/platform/${first}: missing (a fresh render writes it)`,
      "<tree>/clusters/c0/platform/stray.yaml: extra (a fresh render no longer has it)",
      `<tree>/clusters/c0/platform/${second}: changed (differs from a fresh render)`,
      expect.stringMatching(/ is out of date: 1 missing, 1 extra, 1 changed; run `npm run synth -- --config .*Pulumi\.prod\.yaml` and commit the result$/),
    ]);
  });
});
