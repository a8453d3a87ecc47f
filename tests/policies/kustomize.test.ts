import { execFile, spawnSync } from "child_process";
import { promisify } from "util";
import * as path from "path";
import * as YAML from "yaml";
import { canonicalJson } from "../../policies/override-record";
import * as names from "../../fleet/names";
import { loadTree } from "../../policies/tree";
import { goodTree, writeTree } from "./tree-fixture";

/**
 * The rules judge `loadTree(...).objects`; the agents apply `kustomize build` of each layer.
 * This compares the two with the real kustomize inside kubectl (`.ci/run` installs Debian's
 * kubernetes-client), on the committed prod tree and on a tree using every shape the reader
 * accepts (several documents per file, JSON, a List).
 */
const kubectl = process.env.KUBECTL ?? "kubectl";
const available = spawnSync(kubectl, ["version", "--client"], { encoding: "utf8" }).status === 0;
const ROOT = path.resolve(__dirname, "../..");

async function built(layer: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(kubectl, ["kustomize", layer], { encoding: "utf8" });
  return YAML.parseAllDocuments(stdout).map((d) => d.toJS()).filter((o) => o).map(canonicalJson).sort();
}

function checked(root: string): Map<string, string[]> {
  const byLayer = new Map<string, string[]>();
  const tree = loadTree(root);
  for (const cluster of tree.clusters) for (const layer of names.TREE_LAYERS) byLayer.set(`clusters/${cluster}/${layer}`, []);
  for (const o of tree.objects) byLayer.get(`clusters/${o.cluster}/${o.layer}`)!.push(canonicalJson(o.object));
  for (const list of byLayer.values()) list.sort();
  return byLayer;
}

const shapes = () => {
  const files: Record<string, any> = goodTree();
  const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "payments" }, data: { k: name } });
  files["clusters/use1/platform/configmaps.yaml"] = [cm("a"), cm("b")].map((o) => YAML.stringify(o)).join("---\n");
  files["clusters/use1/platform/list.json"] = JSON.stringify({ apiVersion: "v1", kind: "ConfigMapList", items: [cm("c"), cm("d")] });
  return files;
};

(available ? describe : describe.skip)(`kubectl kustomize builds exactly the objects the rules check${available ? "" : " (skipped: no kubectl on PATH; .ci/run installs it)"}`, () => {
  it("on the committed prod tree and on a tree with multi-document, JSON and List files", async () => {
    // Every layer is built at once: kubectl's start-up dominates, and the layers are independent.
    const layers = [path.join(ROOT, "gitops"), writeTree(shapes())]
      .flatMap((root) => [...checked(root)].map(([layer, objects]) => ({ dir: path.join(root, layer), objects })))
      // The second tree's other cluster holds nothing the first does not.
      .filter(({ dir }) => !/gitops-[^/]+\/clusters\/usw2\//.test(dir));
    expect(layers).toHaveLength(3 * names.TREE_LAYERS.length);
    const outputs = await Promise.all(layers.map(({ dir }) => built(dir)));
    layers.forEach(({ dir, objects }, i) => expect({ dir, objects: outputs[i] }).toEqual({ dir, objects }));
  }, 30_000);
});
