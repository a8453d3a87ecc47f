import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JsonPatch } from "cdk8s";
import { fleetReplications, loadReplicated, renderFleet, Select, synthTree } from "../../charts";
import { FleetConfigError, names } from "../../fleet";
import { evaluateTree } from "../../policies/evaluate";
import { fleetConsistentRbac } from "../../policies/manifests";
import { loadTree } from "../../policies/tree";
import { CURRENT_VERSION, fleetConfig } from "../fixtures/fleets";
import { find, fleetOf, objectsOf, parsed } from "./render-helpers";
import { parseFleet } from "../../fleet";
import { tempDir } from "../support/temp-dirs";

const PSA = "pod-security.kubernetes.io";

describe("pod security admission labels", () => {
  it("every namespace the fleet creates enforces restricted (audit and warn too), pinned to the fleet's version", () => {
    const objects = objectsOf(parsed(renderFleet(fleetOf(2), fleetReplications(fleetOf(2), []))), "c0");
    const restricted = {
      [`${PSA}/enforce`]: "restricted", [`${PSA}/enforce-version`]: `v${CURRENT_VERSION}`,
      [`${PSA}/audit`]: "restricted", [`${PSA}/audit-version`]: `v${CURRENT_VERSION}`,
      [`${PSA}/warn`]: "restricted", [`${PSA}/warn-version`]: `v${CURRENT_VERSION}`,
    };
    expect(find(objects, "Namespace", "payments").metadata.labels).toEqual(restricted);
    // The gateway's namespace also injects the Load Balancer Controller's readiness gate.
    expect(find(objects, "Namespace", "ingress").metadata.labels).toEqual({ ...restricted, "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
  });

  it("a namespace may enforce baseline (fleet.namespaces[i].podSecurity); audit and warn stay restricted", () => {
    const fleet = parseFleet(fleetConfig(2, { namespaces: [{ name: "legacy", podSecurity: "baseline" }], secrets: [] }), "us-east-1");
    const labels = find(objectsOf(parsed(renderFleet(fleet, fleetReplications(fleet, []))), "c1"), "Namespace", "legacy").metadata.labels;
    expect([labels[`${PSA}/enforce`], labels[`${PSA}/warn`]]).toEqual(["baseline", "restricted"]);
  });
});

describe("overrides recorded by the renderer", () => {
  const fleet = fleetOf(3);
  const RB = (c: string) => `clusters/${c}/platform/rolebinding-payments-namespace-admins.yaml`;
  const oncall = (r: ReturnType<typeof fleetReplications>[number]) =>
    r.name === "namespace-payments" ? r.patch(Select.name("c1"), JsonPatch.add("/subjects/-", { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "c1-oncall" }), "RoleBinding") : r;
  let out: string;
  beforeAll(() => {
    out = path.join(tempDir("overrides-"), "gitops");
    synthTree(fleet, out, { replications: fleetReplications(fleet, loadReplicated()).map(oncall) });
  });
  const consistency = () => evaluateTree(loadTree(out), [fleetConsistentRbac]).map((v) => v.file);

  it("records the object, cluster, replication and changed pointers, and the check accepts that difference", () => {
    const record = JSON.parse(fs.readFileSync(path.join(out, names.OVERRIDE_RECORD_FILE), "utf8"));
    expect(record.overrides).toEqual([
      { object: "RoleBinding payments/namespace-admins", cluster: "c1", replication: "namespace-payments", pointers: ["/subjects/1"], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(consistency()).toEqual([]);
  });

  it("rejects a hand edit of the overridden object (its digest no longer matches)", () => {
    const file = path.join(out, RB("c1"));
    const before = fs.readFileSync(file, "utf8");
    try {
      fs.writeFileSync(file, before.replace("c1-oncall", "mallory"));
      expect(consistency()).toEqual([RB("c1")]);
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  it("rejects a record forged to cover other fields than the difference", () => {
    const file = path.join(out, names.OVERRIDE_RECORD_FILE);
    const before = fs.readFileSync(file, "utf8");
    try {
      fs.writeFileSync(file, before.replace('"/subjects/1"', '"/metadata/labels"'));
      expect(consistency()).toEqual([RB("c1")]);
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  it("records a placement on some clusters only, and accepts the absence elsewhere", () => {
    const placed = fleetReplications(fleet, loadReplicated()).map((r) => (r.name === "fleet-viewer" ? r.toClusters("c0") : r));
    const files = renderFleet(fleet, placed);
    const record = JSON.parse(files.find((f) => f.path === names.OVERRIDE_RECORD_FILE)!.content);
    expect(record.placements).toEqual([
      { object: "ClusterRole /fleet-viewer", replication: "fleet-viewer", clusters: ["c0"] },
      { object: "ClusterRoleBinding /fleet-viewer", replication: "fleet-viewer", clusters: ["c0"] },
    ]);
    const dir = path.join(tempDir("placed-"), "gitops");
    synthTree(fleet, dir, { replications: placed });
    expect(evaluateTree(loadTree(dir), [fleetConsistentRbac])).toEqual([]);
  });

  it("writes no record when nothing differs between clusters", () => {
    expect(renderFleet(fleet, fleetReplications(fleet, loadReplicated())).some((f) => f.path === names.OVERRIDE_RECORD_FILE)).toBe(false);
  });
});

describe("replicated/ is a closed world too", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "replicated-"));
    fs.mkdirSync(path.join(dir, "platform"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const problems = () => {
    try {
      loadReplicated(dir);
      return [];
    } catch (err) {
      return (err as FleetConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };
  const stray = "only plain .yaml/.yml files directly in replicated/platform/ and replicated/apps/ are allowed (no other files, folders or links)";

  it.each([
    ["a .json file", "platform/secret.json", '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"}}', `replicated/platform/secret.json: ${stray}`],
    ["a sub-folder", "platform/sub/a.yaml", "kind: ConfigMap", `replicated/platform/sub: ${stray}`],
    ["a file beside the layers", "secret.yaml", "kind: Secret", `replicated/secret.yaml: ${stray}`],
    ["a List", "platform/l.yaml", "apiVersion: v1\nkind: List\nmetadata: {name: l}\nitems: []\n", "replicated/platform/l.yaml#0: kind List: write each object as its own document (kustomize unwraps lists, so their items would escape these checks)"],
    ["a kustomization", "platform/k.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: {name: k}\n", "replicated/platform/k.yaml#0: is a Kustomization, which would change how the layer is built"],
    ["a $patch directive", "platform/d.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: payments}\n$patch: delete\n", "replicated/platform/d.yaml#0: has '$patch', a merge directive that can delete or replace objects"],
  ])("rejects %s", (_, file, content, line) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
    expect(problems()).toEqual([line]);
  });
});
