import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiObject } from "cdk8s";
import { fleetReplications, loadReplicated, renderTree, replicate, synthTree, treeDifferences, writeTreeAtomic } from "../../charts";
import { fleetFromStackFile, FleetConfigError } from "../../fleet";
import { main as synthMain } from "../../cli/synth";
import { fleetOf } from "./render-helpers";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every file under `dir` with its bytes, for byte-for-byte comparisons. */
function snapshotOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child)).toString("base64");
    }
  };
  walk("");
  return out;
}

describe("synth writes atomically", () => {
  let work: string;
  let out: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
    out = path.join(work, "gitops");
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("replaces the whole tree: files of a removed cluster disappear", () => {
    synthTree(fleetOf(3), out);
    expect(fs.existsSync(path.join(out, "clusters/c2/platform/namespace-payments.yaml"))).toBe(true);
    synthTree(fleetOf(2), out);
    expect(fs.existsSync(path.join(out, "clusters/c2"))).toBe(false);
    expect(fs.readdirSync(work)).toEqual(["gitops"]); // no staging or old folder left behind
  });

  it("leaves the previous tree byte-for-byte intact when rendering fails", () => {
    const fleet = fleetOf(2);
    synthTree(fleet, out);
    fs.writeFileSync(path.join(out, "clusters/c0/platform/hand-edited.yaml"), "kept: true\n");
    const before = snapshotOf(out);
    const broken = replicate("broken", (scope) => {
      new ApiObject(scope, "q", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "payments" }, spec: { hard: [] } });
    });
    expect(() => synthTree(fleet, out, { replications: [...fleetReplications(fleet, loadReplicated()), broken] })).toThrow(FleetConfigError);
    expect(snapshotOf(out)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(["gitops"]);
  });

  it("leaves the previous tree intact when writing fails halfway", () => {
    synthTree(fleetOf(2), out);
    const before = snapshotOf(out);
    const files = [
      { path: "clusters/c0/platform/a.yaml", content: "a: 1\n" },
      { path: "../escape.yaml", content: "b: 2\n" },
    ];
    expect(() => writeTreeAtomic(out, files)).toThrow(/outside the tree/);
    expect(snapshotOf(out)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(["gitops"]);
  });

  it("renders the same bytes twice (no hashes, no timestamps, stable order)", () => {
    const fleet = fleetOf(3);
    expect(renderTree(fleet)).toEqual(renderTree(fleet));
  });
});

describe("the committed tree", () => {
  it("equals a fresh render of Pulumi.prod.yaml", () => {
    const { spec } = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    // When this fails: run `npm run synth` and commit gitops/.
    expect(treeDifferences(path.join(ROOT, spec.gitops.path), renderTree(spec))).toEqual([]);
  });

  it("is detected as stale when one byte changes", () => {
    const { spec } = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    const files = renderTree(spec).map((f, i) => (i === 3 ? { ...f, content: `${f.content} ` } : f));
    expect(treeDifferences(path.join(ROOT, spec.gitops.path), files)).toEqual([files[3].path]);
  });
});

describe("npm run synth", () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "synth-cli-"));
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    jest.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    fs.rmSync(work, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it("renders the stack into --out and --check then finds it current", async () => {
    const out = path.join(work, "tree");
    expect(await synthMain(["--config", path.join(ROOT, "Pulumi.prod.yaml"), "--out", out])).toBe(0);
    expect(fs.existsSync(path.join(out, "clusters/use1/platform/secretstore-payments-aws-secrets-manager.yaml"))).toBe(true);
    expect(await synthMain(["--config", path.join(ROOT, "Pulumi.prod.yaml"), "--out", out, "--check"])).toBe(0);
    fs.rmSync(path.join(out, "clusters/usw2/apps/kustomization.yaml"));
    expect(await synthMain(["--config", path.join(ROOT, "Pulumi.prod.yaml"), "--out", out, "--check"])).toBe(1);
  });

  it("reports a bad stack file as bad input and writes nothing", async () => {
    const config = path.join(work, "Pulumi.bad.yaml");
    fs.writeFileSync(config, "config:\n  eks-fleet:fleet: { name: Bad }\n");
    await expect(synthMain(["--config", config, "--out", path.join(work, "tree")])).rejects.toThrow(FleetConfigError);
    expect(fs.existsSync(path.join(work, "tree"))).toBe(false);
  });
});
