import * as YAML from "yaml";
import { renderTree } from "../../charts";
import { parseFleet } from "../../fleet";
import { Cascade } from "../../cli/diff/cascade";
import { comparePlans, PlanComparison } from "../../cli/diff/compare-plans";
import { ManifestTree } from "../../cli/diff/compare-trees";
import { DiffSide, renderDiff } from "../../cli/diff/markdown";
import { REPLACE_ON_CHANGE, replacingKeys } from "../../cli/diff/replacement";
import { assessRisks, Risk } from "../../cli/diff/risks";
import { topologyOf } from "../../cli/diff/topology";
import { rolloutOf } from "../../cli/diff/update-times";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { planDocument } from "../../cli/plan-document";
import { standardVersions } from "../../fleet/versions";
import { CURRENT_VERSION, fleetConfig, stackConfig } from "../fixtures/fleets";

/**
 * Real plans and rendered trees of one stack file before and after a change, compared as
 * `npm run diff` compares them. Each head carries independent changes (on different clusters
 * or of a different kind), so four evaluations cover every consequence below.
 */
// One minor version behind the newest in standard support, so the head can take one step up.
const PREVIOUS_VERSION = standardVersions(new Date()).at(-2)!;
const base = fleetConfig(3, { kubernetesVersion: PREVIOUS_VERSION });
// Fixed backup partners: removing c2 then re-partners nobody, so no key policy should grant more.
base.clusters[0].backupPartner = "c1";
base.clusters[1].backupPartner = "c0";
base.clusters[2].backupPartner = "c0";
const edit = (change: (fleet: Record<string, any>) => void) => {
  const fleet = JSON.parse(JSON.stringify(base));
  change(fleet);
  return fleet;
};
const STACKS: Record<string, Record<string, any>> = {
  base,
  // c1 moves to another network; c0's nodes change instance type.
  network: edit((f) => {
    f.clusters[1].vpcCidr = "10.9.0.0/16";
    f.clusters[0].nodes.instanceTypes = ["m7i.large"];
  }),
  // Bigger node disks everywhere, the next Kubernetes version, and `payments` renamed `billing`.
  nodes: edit((f) => {
    for (const c of f.clusters) c.nodes.diskSizeGiB = 80;
    f.kubernetesVersion = CURRENT_VERSION;
    f.namespaces = [{ name: "billing", admins: ["payments-admins"] }];
    f.secrets = [{ name: "payments/db-credentials", namespace: "billing" }];
  }),
  withoutC2: edit((f) => f.clusters.splice(2, 1)),
};

const sides = new Map<string, DiffSide & { topology: ReturnType<typeof topologyOf> }>();
beforeAll(async () => {
  // Sequential: the mock engine is one process-wide runtime.
  for (const [name, raw] of Object.entries(STACKS)) {
    const spec = parseFleet(raw, "us-east-1");
    const { resources } = await evaluateProgram(stackConfig(raw, "us-east-1", "prod"), spec.accountId);
    const tree: ManifestTree = new Map(renderTree(spec).map((f) => [f.path, f.content]));
    sides.set(name, { label: name, plan: planDocument("prod", spec, resources, []), tree, topology: topologyOf(spec) });
  }
}, 90_000);

function diff(to: string, from = "base", tree?: ManifestTree): { plans: PlanComparison; risks: Risk[]; markdown: string } {
  const [b, h] = [sides.get(from)!, sides.get(to)!];
  const plans = comparePlans(b.plan, h.plan);
  const risks = assessRisks(b.plan, h.plan, plans, { base: tree ?? b.tree, head: h.tree });
  const markdown = renderDiff({ base: { ...b, tree: tree ?? b.tree }, head: h, topology: h.topology }, { manifestDiffs: false });
  return { plans, risks, markdown };
}
const actionOf = (cascade: Cascade, name: string) => [...cascade.values()].find((c) => c.resource.name === name)?.action;
const texts = (risks: readonly Risk[], kind: Risk["kind"], cluster?: string) => risks.filter((r) => r.kind === kind && (cluster === undefined || r.cluster === cluster)).map((r) => r.text);

describe("consequences a reviewer gates a fleet change on, from real plans", () => {
  it("a vpcCidr change replaces the cluster's network, its node group, NAT gateways and load balancer, each traced to the VPC", () => {
    const { plans, risks, markdown } = diff("network");
    for (const name of ["c1-vpc", "c1-private-0", "c1-public-2", "c1-nat-0", "c1-nat-1", "c1-nat-2", "c1-nodes-group", "c1-lb", "c1-lb-https", "c1-lb-gateway"]) {
      expect({ name, action: actionOf(plans.cascade, name) }).toEqual({ name, action: "replace" });
    }
    // Every route table and target group of the VPC goes with it (vpc_id is ForceNew on both).
    const onCluster = (type: string, cluster: string) => sides.get("network")!.plan.resources.filter((r) => r.type === type && r.cluster === cluster);
    for (const type of ["aws:ec2/routeTable:RouteTable", "aws:lb/targetGroup:TargetGroup"]) {
      expect(replacingKeys(type, ["inputs.vpcId"])).toEqual(["inputs.vpcId"]);
      expect(onCluster(type, "c1").length).toBeGreaterThan(0);
      for (const r of onCluster(type, "c1")) expect({ name: r.name, action: plans.cascade.get(r.urn)?.action }).toEqual({ name: r.name, action: "replace" });
    }
    // EKS cannot move a cluster to another VPC: the program replaces it with its VPC (replacementTrigger), deleting
    // the old one first; without that the provider's in-place update would be refused.
    const cluster = [...plans.cascade.values()].find((c) => c.resource.type === "aws:eks/cluster:Cluster" && c.resource.cluster === "c1")!;
    const tied = cluster.resource.replaceWith?.length || cluster.resource.replacementTrigger !== undefined;
    expect(cluster.action).toBe(tied ? "replace" : "refused");
    if (tied) {
      const line = texts(risks, "nodes", "c1").find((t) => t.startsWith(`EKS cluster \`prod-c1\` (\`${cluster.resource.name}\`) is **replaced**`))!;
      expect(line).toContain("all workloads on it are rescheduled");
      expect(line).toContain("the old cluster is deleted **before** the new one exists (`deleteBeforeReplace`)");
      expect(line.endsWith("— replaced because `replacementTrigger` changed ← `c1-vpc` (Vpc) replaced: `cidrBlock`")).toBe(true);
      // Its new OIDC issuer reaches the IAM OIDC provider (url forces a new one) and every IRSA role's trust.
      const oidc = [...plans.cascade.values()].find((c) => c.resource.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" && c.resource.cluster === "c1");
      expect(oidc?.action).toBe("replace");
      expect(actionOf(plans.cascade, "c1-velero-irsa-role")).toBe("update");
      expect(actionOf(plans.cascade, "c0-velero-irsa-role")).toBeUndefined();
      // Deleted first, it takes along whatever names it in an input that forces a replacement (its add-ons and
      // access entries, though the name stays), and its Kubernetes provider, with every object that provider manages.
      for (const type of ["aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry", "pulumi:providers:kubernetes", "kubernetes:core/v1:Namespace", "kubernetes:helm.sh/v3:Release"]) {
        expect(onCluster(type, "c1").length).toBeGreaterThan(0);
        for (const r of onCluster(type, "c1")) expect({ name: r.name, action: plans.cascade.get(r.urn)?.action }).toEqual({ name: r.name, action: "replace" });
        for (const r of onCluster(type, "c0")) expect({ name: r.name, action: plans.cascade.get(r.urn)?.action }).toEqual({ name: r.name, action: undefined });
      }
      const namespace = onCluster("kubernetes:core/v1:Namespace", "c1")[0];
      expect(markdown).toContain(`- ± **replace** \`kubernetes:core/v1:Namespace\` \`${namespace.name}\` — replaced because \`provider\` changed ← \`c1-k8s\` (kubernetes) replaced because \`kubeconfig\` changed ← \`${cluster.resource.name}\` (Cluster) replaced because \`replacementTrigger\` changed ← \`c1-vpc\` (Vpc) replaced: \`cidrBlock\``);
    } else {
      expect(texts(risks, "refused", "c1")).toEqual([expect.stringMatching(/\*\*cannot be updated in place\*\*: EKS cannot move a cluster to another VPC .* ← `c1-vpc` \(Vpc\) replaced: `cidrBlock`/)]);
    }
    // Nothing on c0's network, and no cluster other than c1's, is touched.
    expect(actionOf(plans.cascade, "c0-vpc")).toBeUndefined();

    expect(texts(risks, "nodes", "c1")).toContainEqual(
      "node group `c1-nodes-group` (cluster `prod-c1`) is **replaced**: all workloads on it are rescheduled as its nodes are drained and deleted — replaced because `subnetIds[0]` changed ← `c1-private-0` (Subnet) replaced because `vpcId` changed ← `c1-vpc` (Vpc) replaced: `cidrBlock`",
    );
    const root = texts(risks, "replaced", "c1").find((t) => t.startsWith("`c1-vpc`"))!;
    expect(root).toMatch(/is \*\*replaced\*\*: `cidrBlock` cannot change in place \(hashicorp\/terraform-provider-aws internal\/service\/ec2\/vpc_\.go\)/);
    expect(markdown).toMatch(/resources \*\*\+0 −0 ~\d+\*\* \(\d+ replaced, 1 refused\)|resources \*\*\+0 −0 ~\d+\*\* \(\d+ replaced\)/);
    expect(root).toMatch(/replaces \d+: .*NatGateway ×3 \(`c1-nat-0`, `c1-nat-1`, `c1-nat-2`\).*LoadBalancer ×1 \(`c1-lb`\)/);
    // The NLB goes because a network load balancer cannot lose a subnet, and its listener and DNS name follow it.
    // Its name is fixed, so the old one is deleted before the new one exists: the cluster's entry point is missing in between.
    expect(texts(risks, "replaced", "c1")).toContainEqual(expect.stringMatching(/^`c1-lb` \(`aws:lb\/loadBalancer:LoadBalancer`\) is replaced because `subnets\[0\]` changed .* — deleted \*\*before\*\* its replacement exists \(its `name` is fixed, so the provider deletes it first\): it is missing in between$/));
    expect(markdown).toContain("- ± **replace** `aws:lb/listener:Listener` `c1-lb-https` — replaced because `loadBalancerArn` changed ← `c1-lb` (LoadBalancer) replaced because `subnets[0]` changed (a network load balancer cannot lose a subnet) ← `c1-public-0` (Subnet)");
    expect(markdown).toMatch(/- ~ `aws:route53\/record:Record` `c1-lb-hostname` — updated because `aliases` changed ← `c1-lb` \(LoadBalancer\) replaced[^\n]*\n {2}- `aliases`: .*_\(new once `c1-lb` is replaced\)_/);
  });

  it("an instance-type change replaces the node group, and says all its workloads are rescheduled", () => {
    // The provider's rule (instance_types is ForceNew): the test fails if the table calls it in place.
    expect(REPLACE_ON_CHANGE["aws:eks/nodeGroup:NodeGroup"].properties).toContain("instanceTypes");
    expect(replacingKeys("aws:eks/nodeGroup:NodeGroup", ["inputs.instanceTypes[0]"])).toEqual(["inputs.instanceTypes[0]"]);
    const { plans, risks, markdown } = diff("network");
    expect(actionOf(plans.cascade, "c0-nodes-group")).toBe("replace");
    expect(texts(risks, "nodes", "c0")).toContainEqual("node group `c0-nodes-group` (cluster `prod-c0`) is **replaced**: all workloads on it are rescheduled as its nodes are drained and deleted — replaced: `instanceTypes[0]`");
    expect(markdown).toContain("- ± **replace** `aws:eks/nodeGroup:NodeGroup` `c0-nodes-group` — on `c0`");
    // Karpenter's NodePool stops allowing the old type: its nodes drift.
    expect(texts(risks, "nodes", "c0")).toContainEqual(expect.stringContaining("NodePool `workloads` that no longer meet its requirements **drift**"));
  });

  it("a disk size change rolls every node of each node group, with the surge and drain its update config implies, and drifts Karpenter's nodes", () => {
    const { plans, risks } = diff("nodes");
    // The launch template gets a new version: the node group is updated, not replaced.
    expect(actionOf(plans.cascade, "c0-nodes-template")).toBe("update");
    expect(actionOf(plans.cascade, "c0-nodes-group")).toBe("update");
    const group = sides.get("nodes")!.plan.resources.find((r) => r.name === "c0-nodes-group")!;
    const roll = rolloutOf(group.inputs as Record<string, any>);
    const rollout = texts(risks, "nodes", "c0").find((t) => t.startsWith("node group `c0-nodes-group` **replaces every node**"))!;
    expect(rollout).toContain("launch template `c0-nodes-template` gets a new version (`blockDeviceMappings[0].ebs.volumeSize` `50` → `80`)");
    expect(rollout).toContain(`EKS launches up to ${roll.surge} new nodes at once (the larger of twice its ${roll.zones} zones and \`maxUnavailable\` ${(group.inputs as any).updateConfig.maxUnavailable})`);
    expect(rollout).toContain(`then drains ${roll.maxUnavailable} old node at a time`);
    expect(texts(risks, "nodes", "c0")).toContainEqual(expect.stringContaining("every Karpenter node of NodePool `workloads` **drifts** and is replaced: EC2NodeClass `workloads` changes `spec.blockDeviceMappings[0].ebs.volumeSize`"));
  });

  it("a Kubernetes version change names every cluster it upgrades, in one run, with an estimate, and node groups that do not follow", () => {
    const [upgrade] = texts(diff("nodes").risks, "upgrade");
    expect(upgrade.startsWith(`Kubernetes **${PREVIOUS_VERSION} → ${CURRENT_VERSION}** on 3 clusters, all in one \`pulumi up\` and at the same time`)).toBe(true);
    for (const [c, role] of [["c0", "primary"], ["c1", "secondary"], ["c2", "secondary"]]) expect(upgrade).toMatch(new RegExp(`\`${c}\` \\(${role}\\): ~\\d+ min \\(control plane ~\\d+ min`));
    const followed = sides.get("nodes")!.plan.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.inputs as any).version === CURRENT_VERSION);
    if (!followed.length) expect(upgrade).toContain("node group `c0-nodes-group` keeps the old version");
  });

  /** The base tree with Flux's prune protection on or off for the `payments` Namespace, whatever the renderer does. */
  const withProtection = (on: boolean): ManifestTree =>
    new Map([...sides.get("base")!.tree].map(([file, content]) => {
      if (!/\/namespace-payments\.yaml$/.test(file)) return [file, content];
      const namespace = YAML.parse(content);
      const annotations = { ...namespace.metadata.annotations };
      if (on) annotations["kustomize.toolkit.fluxcd.io/prune"] = "disabled";
      else delete annotations["kustomize.toolkit.fluxcd.io/prune"];
      namespace.metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
      return [file, YAML.stringify(namespace)];
    }));

  it("a namespace rename prunes the old Namespace on every cluster: data loss, with its StorageClass's reclaim policy", () => {
    const { risks, markdown } = diff("nodes", "base", withProtection(false));
    const pruned = risks.filter((r) => r.kind === "deleted" && r.text.startsWith("Namespace `payments` is **pruned**"));
    expect(pruned.map((r) => r.cluster).sort()).toEqual(["c0", "c1", "c2"]);
    expect(pruned[0].text).toContain("by Flux Kustomization `platform`: Kubernetes deletes everything in the namespace");
    const storageClass = YAML.parse([...sides.get("base")!.tree].find(([f]) => f.startsWith("clusters/c0/") && /\/storageclass-/.test(f))![1]);
    expect(pruned[0].text).toContain(`StorageClass \`${storageClass.metadata.name}\` has \`reclaimPolicy: ${storageClass.reclaimPolicy ?? "Delete"}\``);
    expect(markdown).toMatch(/### ⚠️ Needs attention[\s\S]*- Namespace `payments` is \*\*pruned\*\*[^\n]*— on 3 clusters: `c0`, `c1`, `c2`/);
    // Its Velero schedule stops covering it too.
    expect(texts(risks, "backup-scope", "c0")).toContainEqual(expect.stringMatching(/^Velero schedule `velero\/[\w-]+` backs up less: namespace `payments` is no longer included$/));
  });

  it("a prune-protected namespace leaving Git is orphaned, not deleted, and the rendered tree is read as it is", () => {
    const { risks } = diff("nodes", "base", withProtection(true));
    expect(risks.some((r) => r.kind === "deleted" && r.text.includes("Namespace `payments`"))).toBe(false);
    expect(texts(risks, "orphaned", "c1")).toEqual([expect.stringMatching(/^Namespace `payments` leaves Git but is \*\*orphaned, not deleted\*\* \(prune-protected by `kustomize\.toolkit\.fluxcd\.io\/prune`\)/)]);
    // As rendered: protected or not, the diff says what the renderer's annotation means.
    const rendered = [...sides.get("base")!.tree].find(([f]) => f === "clusters/c1/platform/namespace-payments.yaml")![1];
    const isProtected = YAML.parse(rendered).metadata?.annotations?.["kustomize.toolkit.fluxcd.io/prune"] === "disabled";
    expect(diff("nodes").risks.filter((r) => r.cluster === "c1" && r.text.startsWith("Namespace `payments`")).map((r) => r.kind)).toEqual([isProtected ? "orphaned" : "deleted"]);
  });

  it("removing a cluster shows the principals its peers' key policies drop, and no KMS policy grants more", () => {
    const { risks } = diff("withoutC2");
    const kms = (kind: Risk["kind"]) => risks.filter((r) => r.kind === kind && /`policy` grants/.test(r.text));
    expect(kms("iam-widened")).toEqual([]);
    const narrowed = kms("iam-narrowed").map((r) => r.text);
    expect(narrowed).toContainEqual(expect.stringMatching(/^`c0-backup-key` `policy` grants less: `kms:Decrypt`, .* \(`ArnEquals aws:PrincipalArn` drops `arn:aws:iam::123456789012:role\/prod-c2-backup-replication`\)$/));
    expect(narrowed.every((t) => t.includes("prod-c2-"))).toBe(true);
  });
});
