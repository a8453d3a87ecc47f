import { analyzeCascade, explain } from "../../cli/diff/cascade";
import { emptyPlan } from "../../cli/diff/compare-plans";
import { deletedFirst, replacingKeys } from "../../cli/diff/replacement";
import { PlanDocument, PlanResource } from "../../cli/plan-document";

/**
 * Replacements the engine derives from other replacements, on small hand-made plans: what a
 * resource deleted before its replacement takes along, and what a replaced provider does.
 */
const urn = (type: string, name: string) => `urn:pulumi:prod::eks-fleet::${type}::${name}`;
const CLUSTER = "aws:eks/cluster:Cluster";
const ADDON = "aws:eks/addon:Addon";
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ROLE = "aws:iam/role:Role";
const K8S = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";

function resource(type: string, name: string, inputs: Record<string, unknown>, reads: Record<string, string> = {}, extra: Partial<PlanResource> = {}): PlanResource {
  const propertyDependencies = Object.fromEntries(Object.entries(reads).map(([property, from]) => [property, [from]]));
  return { urn: urn(type, name), type, name, parent: null, cluster: "c1", region: "us-west-2", stack: "prod", dependsOn: [...new Set(Object.values(reads))], inputs, propertyDependencies, ...extra };
}

/** A cluster whose role changes (its role forces a replacement), and what reads it. */
function plans(options: { deleteBeforeReplace: boolean; option?: boolean }): { base: PlanDocument; head: PlanDocument } {
  const side = (roleArn: string): PlanDocument => {
    // Named by the program, the provider deletes it first; named by Pulumi (a new name per replacement), it is created first.
    const cluster = resource(CLUSTER, "c1-eks", { ...(options.deleteBeforeReplace && !options.option ? { name: "prod-c1" } : {}), roleArn }, {}, options.option ? { deleteBeforeReplace: true } : {});
    const addon = resource(ADDON, "c1-coredns", { addonName: "coredns", clusterName: "prod-c1" }, { clusterName: cluster.urn });
    const provider = resource(K8S, "c1-k8s", { kubeconfig: "[secret]" }, { kubeconfig: cluster.urn });
    return {
      ...emptyPlan("prod"),
      resources: [
        cluster,
        addon,
        // Reads the add-on in an input that forces its replacement: deleted with it, transitively.
        resource(ENTRY, "c1-entry", { clusterName: "prod-c1", principalArn: "arn:aws:iam::123456789012:role/x" }, { clusterName: addon.urn }),
        // Reads the cluster in an input updated in place: stays.
        resource(ROLE, "c1-irsa", { name: "prod-c1-irsa", assumeRolePolicy: "{}" }, { assumeRolePolicy: cluster.urn }),
        provider,
        { ...resource(NAMESPACE, "c1-namespace", { metadata: { name: "velero" } }), dependsOn: [provider.urn] },
      ],
    };
  };
  return { base: side("arn:aws:iam::123456789012:role/a"), head: side("arn:aws:iam::123456789012:role/b") };
}

const actions = (base: PlanDocument, head: PlanDocument) => {
  const cascade = analyzeCascade(base, head);
  return { cascade, of: (name: string) => [...cascade.values()].find((c) => c.resource.name === name) };
};

describe("replacements that follow from other replacements", () => {
  it("deletes along with a resource deleted before its replacement every dependent whose reading input forces a replacement", () => {
    // The table's rules the scenario stands on: clusterName replaces add-ons and access entries, a trust policy does not replace a role.
    expect(replacingKeys(ADDON, ["inputs.clusterName"])).toHaveLength(1);
    expect(replacingKeys(ENTRY, ["inputs.clusterName"])).toHaveLength(1);
    expect(replacingKeys(ROLE, ["inputs.assumeRolePolicy"])).toEqual([]);

    const { base, head } = plans({ deleteBeforeReplace: true });
    const { cascade, of } = actions(base, head);
    expect(of("c1-eks")?.action).toBe("replace");
    expect(of("c1-coredns")?.action).toBe("replace");
    expect(of("c1-entry")?.action).toBe("replace");
    expect(of("c1-irsa")).toBeUndefined();
    expect(explain(cascade, of("c1-entry")!)).toBe("replaced because `clusterName` changed ← `c1-coredns` (Addon) replaced because `clusterName` changed ← `c1-eks` (Cluster) replaced: `roleArn`");
    expect(of("c1-coredns")!.forcing).toEqual(["`clusterName` (reads a resource deleted before its replacement)"]);
  });

  it("does the same for the deleteBeforeReplace option, and says why each goes first", () => {
    expect(deletedFirst(plans({ deleteBeforeReplace: true }).head.resources[0])).toBe("its `name` is fixed, so the provider deletes it first");
    const { base, head } = plans({ deleteBeforeReplace: true, option: true });
    expect(deletedFirst(head.resources[0])).toBe("`deleteBeforeReplace`");
    const { of } = actions(base, head);
    expect([of("c1-coredns")?.action, of("c1-entry")?.action]).toEqual(["replace", "replace"]);
    // A Route 53 record's name is never generated: the SDK requires it, and its replacement is not deleted first for it.
    expect(deletedFirst({ type: "aws:route53/record:Record", inputs: { name: "c1.api.example.com" } })).toBeUndefined();
  });

  it("calls a dependent of a type without a rule \"may be replaced\", never in place", () => {
    const { base, head } = plans({ deleteBeforeReplace: true });
    const unknown = (p: PlanDocument) => ({ ...p, resources: [...p.resources, resource("aws:example/thing:Thing", "c1-thing", { cluster: "prod-c1" }, { cluster: p.resources[0].urn })] });
    const { of } = actions(unknown(base), unknown(head));
    expect(of("c1-thing")?.action).toBe("may-replace");
  });

  it("leaves those dependents alone when the replacement is created first", () => {
    const { base, head } = plans({ deleteBeforeReplace: false });
    const { of } = actions(base, head);
    expect(of("c1-eks")?.action).toBe("replace");
    expect(of("c1-coredns")).toBeUndefined();
    expect(of("c1-entry")).toBeUndefined();
  });

  it("replaces a Kubernetes provider whose hidden kubeconfig reads a replaced cluster, and every object it manages", () => {
    for (const deleteBeforeReplace of [false, true]) {
      const { base, head } = plans({ deleteBeforeReplace });
      const { cascade, of } = actions(base, head);
      expect(of("c1-k8s")?.action).toBe("replace");
      expect(of("c1-namespace")?.action).toBe("replace");
      expect(explain(cascade, of("c1-namespace")!)).toBe("replaced because `provider` changed ← `c1-k8s` (kubernetes) replaced because `kubeconfig` changed ← `c1-eks` (Cluster) replaced: `roleArn`");
    }
  });

  it("does not invent a change: an unchanged plan has none, and a hidden value reading an updated resource stays", () => {
    const { base } = plans({ deleteBeforeReplace: true });
    expect(analyzeCascade(base, base).size).toBe(0);
    const head = { ...base, resources: base.resources.map((r) => (r.type === CLUSTER ? { ...r, inputs: { ...r.inputs, tags: { team: "b" } } } : r)) };
    const { cascade, of } = actions(base, head);
    expect(of("c1-eks")?.action).toBe("update");
    expect(cascade.size).toBe(1);
  });
});
