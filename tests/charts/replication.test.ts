import { JsonPatch } from "cdk8s";
import { k8s } from "../../charts/k8s";
import { fleetReplications, loadReplicated, renderFleet, replicate, Select } from "../../charts";
import { FleetConfigError } from "../../fleet";
import { fleetOf, Manifest, parsed } from "./render-helpers";

// c0 primary us-east-1, c1 secondary us-west-2, c2 secondary eu-west-1, c3 secondary eu-central-1
const fleet = fleetOf(4, {});
const labelled = fleetOf(4, {
  clusters: fleetOf(4).clusters.map((c, i) => ({
    name: c.name, region: c.region, role: c.role, vpcCidr: c.vpcCidr, nodes: { instanceTypes: ["m6i.large"], min: 2, desired: 3, max: 6 },
    labels: i % 2 === 0 ? { tier: "gold" } : { tier: "silver" },
  })),
});

const configMap = (name = "settings") =>
  replicate(name, (scope, { cluster }) => {
    new k8s.KubeConfigMap(scope, "cm", { metadata: { name, namespace: "default" }, data: { replicas: "2", cluster: cluster.name } });
  });

/** Cluster name → the ConfigMap's data, for the clusters that got it. */
function landed(replication: ReturnType<typeof configMap>, spec = fleet): Record<string, Manifest> {
  const tree = parsed(renderFleet(spec, [replication]));
  const out: Record<string, Manifest> = {};
  for (const [path, object] of tree) if (object.kind === "ConfigMap") out[path.split("/")[1]] = object.data;
  return out;
}

describe("selective replication", () => {
  it("goes to every cluster by default", () => {
    expect(Object.keys(landed(configMap()))).toEqual(["c0", "c1", "c2", "c3"]);
  });

  it.each([
    ["name", Select.name("c1", "c3"), ["c1", "c3"]],
    ["role", Select.role("primary"), ["c0"]],
    ["region", Select.region("eu-west-1", "eu-central-1"), ["c2", "c3"]],
    ["serving", Select.serving(), ["c0"]],
    ["negation", Select.role("primary").not(), ["c1", "c2", "c3"]],
    ["conjunction", Select.role("secondary").and(Select.region("us-west-2")), ["c1"]],
    ["disjunction", Select.name("c0").or(Select.region("eu-central-1")), ["c0", "c3"]],
  ])("selects clusters by %s", (_, selector, expected) => {
    expect(Object.keys(landed(configMap().to(selector)))).toEqual(expected);
  });

  it("selects clusters by label, with or without a value", () => {
    expect(Object.keys(landed(configMap().to(Select.label("tier", "gold")), labelled))).toEqual(["c0", "c2"]);
    expect(Object.keys(landed(configMap().to(Select.label("tier")), labelled))).toEqual(["c0", "c1", "c2", "c3"]);
    expect(Object.keys(landed(configMap().to(Select.label("tier")), fleet))).toEqual([]);
  });

  it("toClusters is selection by name", () => {
    expect(Object.keys(landed(configMap().toClusters("c2")))).toEqual(["c2"]);
  });

  it("rejects a selector naming a cluster the fleet does not have, instead of matching nothing", () => {
    expect(() => renderFleet(fleet, [configMap().toClusters("c9")])).toThrow(/replication settings: selects cluster 'c9', which is not in fleet.clusters/);
    expect(() => renderFleet(fleet, [configMap().override(Select.name("typo"), () => undefined)])).toThrow(FleetConfigError);
  });

  it("puts a replication in the apps layer when asked", () => {
    const paths = renderFleet(fleet, [configMap().inLayer("apps")]).map((f) => f.path);
    expect(paths).toContain("clusters/c0/apps/configmap-default-settings.yaml");
    expect(paths.filter((p) => p.includes("/platform/configmap"))).toEqual([]);
  });
});

describe("per-cluster overrides", () => {
  it("patches a field on one cluster only", () => {
    const data = landed(configMap().patch(Select.name("c2"), JsonPatch.replace("/data/replicas", "5")));
    expect(data.c2.replicas).toBe("5");
    expect([data.c0.replicas, data.c1.replicas, data.c3.replicas]).toEqual(["2", "2", "2"]);
  });

  it("edits objects with a function, in declaration order (the later override wins)", () => {
    const data = landed(
      configMap()
        .override(Select.role("secondary"), (o) => o.addJsonPatch(JsonPatch.add("/data/mode", "standby")))
        .override(Select.region("eu-west-1"), (o) => o.addJsonPatch(JsonPatch.replace("/data/mode", "drill"))),
    );
    expect([data.c0.mode, data.c1.mode, data.c2.mode]).toEqual([undefined, "standby", "drill"]);
  });

  it("limits a patch to one kind when the replication holds several", () => {
    const both = replicate("pair", (scope) => {
      new k8s.KubeConfigMap(scope, "cm", { metadata: { name: "a", namespace: "default" }, data: { x: "1" } });
      new k8s.KubeServiceAccount(scope, "sa", { metadata: { name: "a", namespace: "default" } });
    }).patch(Select.all(), JsonPatch.add("/metadata/labels", { patched: "yes" }), "ConfigMap");
    const tree = parsed(renderFleet(fleet, [both]));
    expect(tree.get("clusters/c0/platform/configmap-default-a.yaml")!.metadata.labels).toEqual({ patched: "yes" });
    expect(tree.get("clusters/c0/platform/serviceaccount-default-a.yaml")!.metadata.labels).toBeUndefined();
  });

  it("overrides a fleet object family (a larger quota for payments on the primary only)", () => {
    const replications = fleetReplications(fleet, loadReplicated()).map((r) =>
      r.name === "namespace-payments" ? r.patch(Select.role("primary"), JsonPatch.replace("/spec/hard/pods", "300"), "ResourceQuota") : r,
    );
    const tree = parsed(renderFleet(fleet, replications));
    expect(tree.get("clusters/c0/platform/resourcequota-payments-quota.yaml")!.spec.hard.pods).toBe("300");
    expect(tree.get("clusters/c1/platform/resourcequota-payments-quota.yaml")!.spec.hard.pods).toBe("100");
  });

  it("keeps an override on one cluster from leaking into the replicated YAML of the next", () => {
    const replications = fleetReplications(fleet, loadReplicated()).map((r) =>
      r.name.startsWith("replicated/") ? r.patch(Select.name("c0"), JsonPatch.add("/metadata/labels", { only: "c0" })) : r,
    );
    const crd = "platform/customresourcedefinition-maintenancewindows.platform.eks-fleet.io.yaml";
    const tree = parsed(renderFleet(fleet, replications));
    expect(tree.get(`clusters/c0/${crd}`)!.metadata.labels).toEqual({ only: "c0" });
    expect(tree.get(`clusters/c1/${crd}`)!.metadata.labels).toBeUndefined();
  });

  it("reports a patch on a missing path as bad input naming the replication and cluster, never a silent add", () => {
    const problems = (patch: JsonPatch) => {
      try {
        renderFleet(fleet, [configMap().patch(Select.name("c1"), patch)]);
        return [];
      } catch (err) {
        if (err instanceof FleetConfigError) return err.message.split("\n");
        throw err;
      }
    };
    const name = configMap().name;
    // A deeper path used to throw a raw TypeError; a missing key used to be added silently.
    expect(problems(JsonPatch.replace("/spec/nope", 1))).toEqual([expect.stringMatching(new RegExp(`^replication ${name}: cluster c1: patch replace /spec/nope: /spec/nope does not exist in ConfigMap`))]);
    expect(problems(JsonPatch.replace("/data/nope", "1"))).toEqual([expect.stringMatching(new RegExp(`^replication ${name}: cluster c1: patch replace /data/nope: /data/nope does not exist`))]);
    expect(problems(JsonPatch.add("/spec/deeper/key", 1))).toEqual([expect.stringMatching(/patch add \/spec\/deeper\/key: \/spec\/deeper does not exist/)]);
    // Adding a new key under an existing object is what `add` is for.
    expect(problems(JsonPatch.add("/data/extra", "1"))).toEqual([]);
  });
});
