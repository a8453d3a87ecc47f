import { kustomizeDocuments } from "../../policies/kustomize-yaml";

/**
 * The reader gives every node the value `kustomize build` gives it (go-yaml v3 and kyaml's
 * merge-key expansion). tests/policies/kustomize.test.ts compares it with the real kustomize
 * inside kubectl on whole layers; these cases pin each rule on its own, without kubectl.
 */
const data = (body: string) => (kustomizeDocuments(`kind: ConfigMap\ndata:\n${body}`)[0] as { data: Record<string, unknown> }).data;

describe("YAML read as kustomize reads it", () => {
  it("expands merge keys: the map's own keys win, then earlier merged maps over later ones", () => {
    expect(data("  base: &b {a: '1', z: base}\n  m:\n    <<: [{a: '2', y: first}, *b, {y: last, w: w}]\n    z: own\n").m).toEqual({ a: "2", y: "first", z: "own", w: "w" });
  });

  it("finds what a merge key hides in a roleRef and in a pod spec", () => {
    const [binding, deployment] = kustomizeDocuments(
      [
        "kind: ClusterRoleBinding\nmetadata: {name: x, labels: &r {kind: ClusterRole, name: cluster-admin}}\nroleRef: {<<: *r, apiGroup: rbac.authorization.k8s.io}",
        "kind: Deployment\nspec:\n  template:\n    spec:\n      <<: {hostNetwork: true, hostPID: true}\n      containers: []",
      ].join("\n---\n"),
    ) as any[];
    expect(binding.roleRef).toEqual({ kind: "ClusterRole", name: "cluster-admin", apiGroup: "rbac.authorization.k8s.io" });
    expect(deployment.spec.template.spec).toMatchObject({ hostNetwork: true, hostPID: true });
  });

  it("drops a quoted '<<' key, as kustomize clears it without merging", () => {
    expect(data('  m: {"<<": {x: "1"}, keep: k}\n').m).toEqual({ keep: "k" });
  });

  it("types scalars as go-yaml v3 does (octal 010, underscores, binary literals, dates), and keeps yes/on as text", () => {
    expect(data("  a: 010\n  b: 65_535\n  c: 0b101\n  d: 0x1F\n  e: yes\n  f: on\n  g: 2001-12-14\n  h: 2001-12-14T21:59:43.10-05:00\n  i: 1e3\n  j: ! 12\n  k: !!str 12\n  l: !!binary aGk=\n  m:\n")).toEqual({
      a: 8, b: 65535, c: 5, d: 31, e: "yes", f: "on", g: "2001-12-14T00:00:00Z", h: "2001-12-14T21:59:43.1-05:00", i: 1000, j: 12, k: "12", l: "hi", m: null,
    });
  });

  it.each([
    ["a duplicate key", "  a: '1'\n  \"a\": '2'\n", /has the mapping key 'a' twice/],
    ["a key that is not a string", "  true: x\n", /key that is not a string/],
    ["an infinity", "  a: .inf\n", /JSON cannot hold/],
    ["a merge of a scalar", "  m: {<<: x}\n", /not a map/],
    ["two merge keys", "  m: {<<: {a: '1'}, <<: {b: '2'}}\n", /more than one '<<'/],
    ["a value against its tag", "  a: !!int x\n", /cannot read 'x' as !!int/],
    ["an anchor that contains itself", "  a: &c {b: *c}\n", /contains itself/],
    ["a billion laughs", `  a: &a [x, x, x, x, x, x, x, x, x, x]\n${"bcdefghijk".split("").map((c, i) => `  ${c}: &${c} [${Array(10).fill(`*${"abcdefghijk"[i]}`).join(", ")}]\n`).join("")}`, /expands to more than/],
  ])("refuses %s, as kustomize fails on it", (_, body, message) => {
    expect(() => data(body)).toThrow(message);
  });
});
