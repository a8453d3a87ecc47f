import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { fileName, renderTree } from "../../charts";
import { loadReplicated } from "../../charts/replicated";
import { FleetConfigError } from "../../fleet/errors";
import { writeTreeAtomic } from "../../charts/write-tree";
import { main } from "../../cli/check";
import { fleetFromStackFile } from "../../fleet";
import { documentsOf } from "../../policies/closed-world";
import { Violation } from "../../policies/violation";
import { tempDir } from "../support/temp-dirs";
import { ATTACKS } from "./attacks";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Issue 21's attacker: each attack is one file added to `replicated/` (beside the
 * repository's own), then `npm run synth` and `npm run check -- --gitops`. All attacks share
 * one render and one check (they name distinct objects); each must be reported by its rule
 * on the file the renderer wrote for it, in every cluster.
 */
describe("an attacker with write access to replicated/", () => {
  let violations: Violation[];
  let clusters: string[];

  beforeAll(async () => {
    const replicated = tempDir("replicated-");
    fs.cpSync(path.join(ROOT, "replicated"), replicated, { recursive: true });
    for (const layer of ["platform", "apps"]) fs.mkdirSync(path.join(replicated, layer), { recursive: true });
    ATTACKS.forEach((attack, i) => {
      if (attack.layer !== "traffic") fs.writeFileSync(path.join(replicated, attack.layer, `attack-${String(i).padStart(2, "0")}.yaml`), attack.yaml);
    });
    const { spec } = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
    clusters = spec.clusters.map((c) => c.name);
    const tree = path.join(tempDir("attacked-"), "gitops");
    // Schema validation is synth's, not under test here (each attack passes it: `npm run synth` renders them all).
    writeTreeAtomic(tree, renderTree(spec, { replicatedDir: replicated, validate: false }));
    // The traffic layer has no replicated/ folder: those files are added to the rendered layer, as a commit to gitops/ would.
    for (const cluster of clusters) {
      const layer = path.join(tree, "clusters", cluster, "traffic");
      const added = ATTACKS.filter((a) => a.layer === "traffic").map((attack) => {
        const file = fileName(documentsOf(attack.yaml)[0] as Record<string, unknown>);
        fs.writeFileSync(path.join(layer, file), attack.yaml);
        return file;
      });
      const kustomization = YAML.parse(fs.readFileSync(path.join(layer, "kustomization.yaml"), "utf8"));
      fs.writeFileSync(path.join(layer, "kustomization.yaml"), YAML.stringify({ ...kustomization, resources: [...kustomization.resources, ...added] }));
    }
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await main(["--gitops", tree, "--json"])).toBe(1);
      violations = JSON.parse(String(out.mock.calls.map((c) => c[0]).join("")));
    } finally {
      out.mockRestore();
    }
  });

  it.each(ATTACKS.map((a) => [a.name, a] as const))("%s", (_, attack) => {
    const first = documentsOf(attack.yaml)[0] as Record<string, unknown>;
    for (const cluster of clusters) {
      const file = `clusters/${cluster}/${attack.layer}/${fileName(first)}`;
      expect(violations.filter((v) => v.file === file).map((v) => v.policy)).toContain(attack.rule);
    }
  });

  it("cannot reach the traffic layer through replicated/: synth refuses a traffic folder there", () => {
    const replicated = tempDir("replicated-");
    fs.mkdirSync(path.join(replicated, "traffic"));
    fs.writeFileSync(path.join(replicated, "traffic", "answers.yaml"), ATTACKS.find((a) => a.name.startsWith("the health answers"))!.yaml);
    expect(() => loadReplicated(replicated)).toThrow(FleetConfigError);
    expect(() => loadReplicated(replicated)).toThrow(/^replicated\/traffic: only plain \.yaml\/\.yml files directly in replicated\/platform\/ and replicated\/apps\//);
  });

  it("tries at least ten attacks beyond the issue's", () => {
    expect(ATTACKS.filter((a) => a.source === "own").length).toBeGreaterThanOrEqual(10);
  });
});
