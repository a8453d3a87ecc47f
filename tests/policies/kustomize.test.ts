import { execFile, spawnSync } from "child_process";
import { promisify } from "util";
import * as path from "path";
import * as YAML from "yaml";
import { allowedKind, declaredKinds, groupOf, holdsDeclaredKind, LAYER_NAMES } from "../../policies/allow-list";
import { canonicalJson } from "../../policies/override-record";
import * as names from "../../fleet/names";
import { loadTree, TreeError } from "../../policies/tree";
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

/** Each layer is built once per run, whichever test asks first (kubectl's start-up dominates). */
const builds = new Map<string, Promise<string[]>>();
function built(layer: string): Promise<string[]> {
  if (!builds.has(layer)) {
    builds.set(layer, promisify(execFile)(kubectl, ["kustomize", layer], { encoding: "utf8" }).then(({ stdout }) =>
      YAML.parseAllDocuments(stdout).map((d) => d.toJS()).filter((o) => o).map(canonicalJson).sort()));
  }
  return builds.get(layer)!;
}

function checked(root: string): Map<string, string[]> {
  const byLayer = new Map<string, string[]>();
  const tree = loadTree(root);
  for (const cluster of tree.clusters) for (const layer of names.TREE_LAYERS) byLayer.set(`clusters/${cluster}/${layer}`, []);
  for (const o of tree.objects) byLayer.get(`clusters/${o.cluster}/${o.layer}`)!.push(canonicalJson(o.object));
  for (const list of byLayer.values()) list.sort();
  return byLayer;
}

/** YAML whose meaning differs between YAML 1.2 readers and go-yaml v3, which kustomize uses. */
const TRICKY = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: merged
  namespace: payments
  labels: &ref {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
roleRef:
  <<: *ref
subjects: [{kind: Group, name: g, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: scalars, namespace: payments, annotations: {"<<": {hidden: "x"}, kept: "y"}}
data:
  <<: [{a: "1", z: first}, {b: "2", z: last}]
  yes: yes
  on: On
  octal: 010
  underscores: 65_535
  binary: 0b101
  hex: 0x1F
  float: 1e3
  date: 2001-12-14
  time: 2001-12-14T21:59:43.10-05:00
  untagged: ! 12
  text: !!str 12
  bytes: !!binary aGk=
  empty:
`;

const shapes = () => {
  const files: Record<string, any> = goodTree();
  const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "payments" }, data: { k: name } });
  files["clusters/use1/platform/configmaps.yaml"] = [cm("a"), cm("b")].map((o) => YAML.stringify(o)).join("---\n");
  files["clusters/use1/platform/list.json"] = JSON.stringify({ apiVersion: "v1", kind: "ConfigMapList", items: [cm("c"), cm("d")] });
  files["clusters/use1/apps/tricky.yaml"] = TRICKY;
  return files;
};

/** Files kustomize refuses to build; the reader must refuse them too rather than read something else. */
const REFUSED: Record<string, string> = {
  "duplicate key": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: payments}\ndata: {a: '1', \"a\": '2'}\n",
  "boolean key": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: payments}\ndata: {true: x}\n",
  "two merge keys": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: payments}\ndata: {<<: {a: '1'}, <<: {b: '2'}}\n",
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

  it("builds only allow-listed kinds from every layer of the committed tree", async () => {
    const root = path.join(ROOT, "gitops");
    const layers = loadTree(root).clusters.flatMap((cluster) => LAYER_NAMES.map((layer) => ({ cluster, layer })));
    const outputs = await Promise.all(layers.map(({ cluster, layer }) => built(path.join(root, "clusters", cluster, layer))));
    const objects = layers.flatMap(({ cluster, layer }, i) => outputs[i].map((json) => ({ cluster, layer, object: JSON.parse(json) })));
    const declared = (cluster: string) => declaredKinds(objects.filter((o) => o.cluster === cluster && o.layer === "platform").map((o) => o.object));
    const refused = objects.filter(({ cluster, layer, object }) => {
      const group = groupOf(object.apiVersion);
      return !allowedKind(layer, group, object.kind) && !declared(cluster).some((d) => d.group === group && d.kind === object.kind && holdsDeclaredKind(layer, d));
    });
    expect(objects.length).toBeGreaterThan(0);
    expect(refused.map(({ cluster, layer, object }) => `${cluster}/${layer}: ${object.apiVersion} ${object.kind}`)).toEqual([]);
  }, 30_000);

  it("fails where kustomize fails: duplicate keys, keys that are not strings, two merge keys in a map", async () => {
    const trees = Object.values(REFUSED).map((text) => writeTree({ ...goodTree(["use1"]), "clusters/use1/apps/refused.yaml": text }));
    const builds = await Promise.all(trees.map((root) => built(path.join(root, "clusters/use1/apps")).then(() => "built", (err: Error) => err.message)));
    expect(builds.every((b) => /command failed/.test(b))).toBe(true);
    for (const root of trees) expect(() => loadTree(root)).toThrow(TreeError);
  }, 30_000);
});
