import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ApiObject } from "cdk8s";
import { hasSchema, loadReplicated, objectProblems, renderFleet, replicate } from "../../charts";
import { FleetConfigError, names } from "../../fleet";
import { fleetOf } from "./render-helpers";

const fleet = fleetOf(2);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetConfigError) return err.message.split("\n");
    throw err;
  }
  return [];
}

describe("schema validation", () => {
  it.each([
    ["Kubernetes", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: 5 } }, "field spec.hard: must be object"],
    ["Kubernetes (enum-like array)", { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "n" }, spec: { podSelector: {}, policyTypes: "Ingress" } }, "field spec.policyTypes: must be array"],
    ["External Secrets v1", { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "s" }, spec: { provider: { aws: { service: "Vault", region: "x" } } } }, "field spec.provider.aws.service: must be equal to one of the allowed values"],
    ["Flux", { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "k" }, spec: { interval: "1m", prune: "yes", sourceRef: { kind: "GitRepository", name: "x" } } }, "field spec.prune: must be boolean"],
    ["Argo CD", { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a" }, spec: { destination: {}, project: 1, source: { repoURL: "x" } } }, "field spec.project: must be string"],
  ])("catches a wrong field type with the %s model", (_, object, message) => {
    expect(objectProblems(object).join("\n")).toContain(message);
  });

  it("names a missing required field", () => {
    expect(objectProblems({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "b" } })).toContain("field roleRef: must have required property roleRef");
  });

  it("accepts valid objects", () => {
    expect(objectProblems({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } })).toEqual([]);
  });

  it("skips schema checks where no model exists (Velero, user CRDs) but still checks the basics", () => {
    expect(hasSchema("velero.io/v1", "Schedule")).toBe(false);
    expect(hasSchema("v1", "Namespace")).toBe(true);
    expect(hasSchema("external-secrets.io/v1", "ExternalSecret")).toBe(true);
    expect(objectProblems({ apiVersion: "velero.io/v1", kind: "Schedule", metadata: { name: "s" }, spec: { schedule: 5 } })).toEqual([]);
    expect(objectProblems({ apiVersion: "velero.io/v1", kind: "Schedule", metadata: {} })).toEqual(["field metadata.name: must be a non-empty string"]);
    expect(objectProblems({ kind: "Schedule", metadata: { name: "s" } })).toEqual(["field apiVersion: must be a non-empty string"]);
  });
});

describe("an invalid rendered object", () => {
  const broken = replicate("broken-quota", (scope) => {
    new ApiObject(scope, "q", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "quota", namespace: "payments" }, spec: { hard: "lots" } });
  });

  it("is bad input naming the file, the cluster and the field, for every cluster", () => {
    expect(problemsOf(() => renderFleet(fleet, [broken]))).toEqual([
      "gitops/clusters/c0/platform/resourcequota-payments-quota.yaml: cluster c0: field spec.hard: must be object",
      "gitops/clusters/c1/platform/resourcequota-payments-quota.yaml: cluster c1: field spec.hard: must be object",
    ]);
  });

  it("is reported even when only one cluster's override breaks it", () => {
    const fine = replicate("q", (scope, { cluster }) => {
      new ApiObject(scope, "q", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "quota", namespace: "payments" }, spec: { hard: cluster.name === "c1" ? 3 : { pods: "1" } } });
    });
    expect(problemsOf(() => renderFleet(fleet, [fine]))).toEqual(["gitops/clusters/c1/platform/resourcequota-payments-quota.yaml: cluster c1: field spec.hard: must be object"]);
  });

  it("is not checked when validation is switched off (the benchmark's bare path)", () => {
    // Each cluster's file and a kustomization per layer.
    expect(renderFleet(fleet, [broken], { validate: false })).toHaveLength(fleet.clusters.length * (1 + names.TREE_LAYERS.length));
  });

  it("two objects that would share a file are an error, not a silent overwrite", () => {
    const twice = replicate("twice", (scope) => {
      new ApiObject(scope, "a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "default" } });
      new ApiObject(scope, "b", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "X", namespace: "default" } });
    });
    expect(problemsOf(() => renderFleet(fleet, [twice]))[0]).toMatch(/configmap-default-x.yaml: cluster c0: ConfigMap default\/X and ConfigMap default\/x render to the same file/);
  });
});

describe("replicated/ YAML", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "replicated-"));
    fs.mkdirSync(path.join(dir, "platform"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("loads every document of every file, per layer", () => {
    fs.writeFileSync(path.join(dir, "platform", "a.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: default }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b, namespace: default }\n---\n");
    const files = loadReplicated(dir);
    expect(files.map((f) => [f.file, f.layer, f.objects.length])).toEqual([["platform/a.yaml", "platform", 2]]);
  });

  it("rejects a Secret, naming the file and document", () => {
    fs.writeFileSync(path.join(dir, "platform", "creds.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: hunter2 }\n");
    expect(problemsOf(() => loadReplicated(dir))).toEqual([
      "replicated/platform/creds.yaml#1: kind Secret: a Secret never goes into Git; declare it in fleet.secrets (rendered as an ExternalSecret)",
    ]);
  });

  it("rejects a document that is not an object or has no name, and bad YAML", () => {
    fs.writeFileSync(path.join(dir, "platform", "x.yaml"), "- just\n- a list\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");
    fs.writeFileSync(path.join(dir, "platform", "y.yaml"), "a: [unclosed\n");
    const problems = problemsOf(() => loadReplicated(dir));
    expect(problems[0]).toBe("replicated/platform/x.yaml#0: must be a Kubernetes object (a map)");
    expect(problems[1]).toBe("replicated/platform/x.yaml#1: field metadata.name: must be a non-empty string");
    expect(problems[2]).toMatch(/^replicated\/platform\/y.yaml: not valid YAML/);
  });

  it("reads a file as kustomize does: a merge key cannot hide what it merges", () => {
    fs.writeFileSync(
      path.join(dir, "platform", "m.yaml"),
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: m\n  namespace: payments\n  labels: &ref {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nroleRef:\n  <<: *ref\nsubjects: []\n",
    );
    const [file] = loadReplicated(dir);
    expect(file.objects[0].roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" });
  });
});
