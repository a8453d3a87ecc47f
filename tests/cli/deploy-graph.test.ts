import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { creationTime } from "../../cli/creation-times";
import { deployEstimate } from "../../cli/deploy-estimate";
import { DependencyGraph } from "../../cli/engine/graph";
import { main } from "../../cli/plan";
import { PlanDocument, PlanResource } from "../../cli/plan-document";
import { planSummary } from "../../cli/summary";
import { fleetFromStackFile, FleetSpec } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";

const ROOT = path.join(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-graph-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A 3-region fleet with one cluster in us-west-1 (two zones). */
function threeRegions(overrides: Record<string, unknown> = {}) {
  const raw = fleetConfig(3, overrides);
  raw.clusters[2].region = "us-west-1";
  return raw;
}
/** Argo CD with a spoke, c3, beside its hub c2 in us-west-1. */
const argocd = () => {
  const raw = threeRegions();
  raw.gitops = { ...raw.gitops, engine: "argocd" };
  raw.clusters.push({ ...raw.clusters[2], name: "c3", role: "secondary", vpcCidr: "10.3.0.0/16" });
  return raw;
};
const activeActive = () => {
  const raw = threeRegions({ mode: "active-active" });
  raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
  return raw;
};

function stackFile(name: string, fleet: unknown): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  return writeStackFile(file, fleet);
}

const FLEETS: [string, () => string][] = [
  ["prod", () => path.join(ROOT, "Pulumi.prod.yaml")],
  ["three-regions", () => stackFile("three-regions", threeRegions())],
  ["argocd", () => stackFile("argocd", argocd())],
  ["active-active", () => stackFile("active-active", activeActive())],
];

interface Planned {
  readonly spec: FleetSpec;
  readonly plan: PlanDocument;
  readonly graph: DependencyGraph<PlanResource>;
}
const planned = new Map<string, Planned>();

beforeAll(async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  for (const [name, file] of FLEETS) {
    const out = path.join(dir, name);
    // The plan command end to end: evaluation, tree, every policy, exit code.
    expect(await main(["--config", file(), "--out", out])).toBe(0);
    const plan: PlanDocument = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    planned.set(name, { spec: fleetFromStackFile(file()).spec, plan, graph: new DependencyGraph(plan.resources) });
  }
  log.mockRestore();
});

/**
 * The only edges allowed between regions, each a deliberate part of the design:
 * backups replicate to a partner region, a secret is created once with a replica (and
 * that replica's key) per region, and every region's certificate is requested under one
 * fleet-wide component. Argo CD's hubs manage their own region only, so none of their edges is here.
 */

/** A fleet-wide add-on role (components/fleet-addon-roles.ts), attributed to the home region's provider. */
const isFleetAddonRole = (r: PlanResource) => r.type === "aws:iam/role:Role" && String(r.inputs.name).endsWith("-pod-identity");

const CROSS_REGION_EXCEPTIONS: { why: string; allows: (from: PlanResource, to: PlanResource, spec: FleetSpec) => boolean }[] = [
  {
    why: "backup replication writes to the partner cluster's bucket under its key",
    allows: (from, to, spec) => /-backup-replication-(role|config)$/.test(from.name) && to.cluster === spec.clusters.find((c) => c.name === from.cluster)?.backup.partner,
  },
  {
    why: "a replication rule's latency alarm lives where S3 publishes the rule's metrics, the partner's region, under the rule's component",
    allows: (from, to, spec) => from.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && to.type === "eks-fleet:backup:BackupReplication"
      && from.region === spec.clusters.find((c) => c.name === spec.clusters.find((s) => s.name === to.cluster)?.backup.partner)?.region,
  },
  {
    why: "a secret's replica in each fleet region is encrypted with that region's key",
    allows: (from, to) => from.type === "aws:secretsmanager/secret:Secret" && to.type === "aws:kms/key:Key" && to.name.startsWith("secrets-key-"),
  },
  {
    why: "a namespace's secrets reader may read exactly its secrets: their ARNs (random suffix included) come from the home region, where Secrets Manager creates them",
    allows: (from, to) => from.type === "aws:iam/role:Role" && /-reader-role$/.test(from.name) && to.type === "aws:secretsmanager/secret:Secret",
  },
  {
    why: "a cluster's Pod Identity associations (and the Argo CD spoke roles that trust the Argo CD role) name a fleet-wide IAM role: IAM is global, the role is created once for the fleet and no cluster's deploy changes it",
    allows: (from, to) => isFleetAddonRole(to) && (from.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" || from.type === "aws:eks/addon:Addon" || /-argocd-spoke-role$/.test(from.name)),
  },
  {
    why: "every region's ACM certificate is requested under one fleet-wide component, beside the one Route 53 record that validates them all (no waiter waits for it: each polls its own region's ACM)",
    allows: (from, to) => from.type === "aws:acm/certificate:Certificate" && to.type === "eks-fleet:ingress:GatewayCertificates",
  },
];

describe.each(FLEETS.map(([name]) => name))("the %s fleet's deploy graph", (name) => {
  const get = () => planned.get(name)!;

  it("has no edge between regions but the named exceptions", () => {
    const { plan, graph, spec } = get();
    const unexplained: string[] = [];
    for (const from of plan.resources) {
      for (const urn of graph.waitsOn(from.urn)) {
        const to = graph.resource(urn);
        if (from.region === null || to.region === null || from.region === to.region) continue;
        if (!CROSS_REGION_EXCEPTIONS.some((e) => e.allows(from, to, spec))) unexplained.push(`${from.name} (${from.region}) → ${to.name} (${to.region})`);
      }
    }
    expect(unexplained).toEqual([]);
  });

  it("builds every cluster and its add-ons without waiting for another region", () => {
    const { plan, graph, spec } = get();
    for (const cluster of spec.clusters) {
      const ready = plan.resources.filter((r) => r.cluster === cluster.name && (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "aws:eks/nodeGroup:NodeGroup"));
      expect(ready.length).toBeGreaterThan(0);
      const foreign = new Set<string>();
      for (const r of ready) {
        for (const urn of graph.dependenciesOf(r.urn)) {
          const dep = graph.resource(urn);
          // The program's own components create nothing; their children are what takes time.
          // The fleet-wide add-on roles are IAM's (global), created before any cluster can use them.
          if (dep.region !== null && dep.region !== cluster.region && !dep.type.startsWith("eks-fleet:") && !isFleetAddonRole(dep)) foreign.add(`${dep.type} ${dep.name}`);
        }
      }
      expect([cluster.name, [...foreign]]).toEqual([cluster.name, []]);
    }
  });

  it("puts one region's chain on the critical path: control plane, pod networking, nodes, CoreDNS, Helm releases", () => {
    const { plan } = get();
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const path = plan.estimate.criticalPath.map((urn) => byUrn.get(urn)!);
    // Other regions add nothing.
    expect(new Set(path.map((r) => r.cluster)).size).toBe(1);
    const seconds = (type: string) => path.filter((r) => r.type === type).reduce((sum, r) => sum + creationTime(r.type, r.region).seconds, 0);
    expect(seconds("aws:eks/cluster:Cluster")).toBeGreaterThanOrEqual(13 * 60);
    expect(path.filter((r) => r.type === "aws:eks/addon:Addon")).toHaveLength(2);
    expect(path.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")).toHaveLength(1);
    const lowerBound = ["aws:eks/cluster:Cluster", "aws:eks/addon:Addon", "aws:eks/nodeGroup:NodeGroup", "kubernetes:helm.sh/v3:Release"].reduce((sum, t) => sum + seconds(t), 0);
    expect(plan.estimate.criticalPathSeconds).toBeGreaterThanOrEqual(lowerBound);
    expect(plan.estimate.criticalPathSeconds).toBeLessThan(lowerBound + 5 * 60);
    // One stack on the workflows' runner: no faster than the chain, never faster without slots.
    expect(plan.estimate.unboundedSeconds).toBe(plan.estimate.criticalPathSeconds);
    expect(plan.estimate.firstUpSeconds).toBeGreaterThanOrEqual(plan.estimate.unboundedSeconds);
  });

  it("creates each node group after its control plane, role, subnets and their NAT routes; the role and launch template before the control plane exists", () => {
    const { plan, graph } = get();
    const groups = plan.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
    expect(groups.length).toBe(get().spec.clusters.length);
    for (const group of groups) {
      const of = (type: string, name?: RegExp) => plan.resources.filter((r) => r.cluster === group.cluster && r.type === type && (!name || name.test(r.name)));
      const [eks] = of("aws:eks/cluster:Cluster");
      const siblings = plan.resources.filter((r) => r.parent === group.parent);
      const role = siblings.find((r) => r.type === "aws:iam/role:Role")!;
      const template = siblings.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
      // What EKS needs to create the group (the role's policies included) ...
      for (const needed of [eks, role, template, ...of("aws:ec2/subnet:Subnet", /-private-\d$/)]) expect([group.name, needed.name, graph.waitsFor(group.urn, needed.urn)]).toEqual([group.name, needed.name, true]);
      // ... and the way out of each private subnet: its route table (default route through a NAT gateway) and association.
      const natRoutes = of("aws:ec2/routeTable:RouteTable", /-private-\d$/);
      expect(natRoutes.length).toBe((group.inputs.subnetIds as unknown[]).length);
      for (const table of natRoutes) {
        expect((table.inputs.routes as any[]).find((r) => r.cidrBlock === "0.0.0.0/0")?.natGatewayId).toEqual(expect.any(String));
        const association = of("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.name === table.name)!;
        expect([group.name, association.name, graph.waitsFor(group.urn, association.urn), graph.waitsFor(association.urn, table.urn)]).toEqual([group.name, table.name, true, true]);
      }
      // The launch template takes nothing from the cluster (no user data, no security groups of its), so neither it nor the role waits.
      expect(template.inputs).not.toHaveProperty("userData");
      expect(template.inputs).not.toHaveProperty("vpcSecurityGroupIds");
      expect([graph.waitsFor(role.urn, eks.urn), graph.waitsFor(template.urn, eks.urn)]).toEqual([false, false]);
    }
  });

  it("creates each load balancer and its security group beside the control plane; only the rules naming the cluster's security group wait for it", () => {
    const { plan, graph } = get();
    for (const nlb of plan.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")) {
      const eks = plan.resources.find((r) => r.cluster === nlb.cluster && r.type === "aws:eks/cluster:Cluster")!;
      const group = plan.resources.find((r) => r.parent === nlb.parent && r.type === "aws:ec2/securityGroup:SecurityGroup")!;
      expect([nlb.name, graph.waitsFor(nlb.urn, eks.urn), graph.waitsFor(group.urn, eks.urn)]).toEqual([nlb.name, false, false]);
      const rules = plan.resources.filter((r) => r.parent === nlb.parent && r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect([rule.name, graph.waitsFor(rule.urn, eks.urn), graph.waitsFor(rule.urn, group.urn)]).toEqual([rule.name, true, true]);
    }
  });
});

describe("ordering the Argo CD hub and spokes need", () => {
  it("creates a spoke's role after the Argo CD role it trusts, and the spoke after its hub's NAT addresses", () => {
    const { plan, graph } = planned.get("argocd")!;
    const role = (name: string) => plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === name)!;
    expect(graph.waitsFor(role("prod-c3-argocd-spoke").urn, role("prod-argocd-pod-identity").urn)).toBe(true);
    expect(graph.waitsFor(role("prod-c3-argocd-spoke").urn, plan.resources.find((r) => r.name === "c0-argocd-argocd")!.urn)).toBe(false);
    const hubIps = plan.resources.filter((r) => r.type === "aws:ec2/eip:Eip" && r.cluster === "c2");
    expect(hubIps).toHaveLength(2);
    const eks = plan.resources.find((r) => r.name === "c3-eks-cluster")!;
    for (const ip of hubIps) expect(graph.waitsFor(eks.urn, ip.urn)).toBe(true);
  });

  it("registers a spoke's access entry once the spoke's own control plane exists, not the hub's Argo CD", () => {
    const { plan, graph } = planned.get("argocd")!;
    const entry = plan.resources.find((r) => r.name === "c3-argocd-spoke-access")!;
    expect(graph.waitsFor(entry.urn, plan.resources.find((r) => r.name === "c3-eks-cluster")!.urn)).toBe(true);
    expect(graph.waitsFor(entry.urn, plan.resources.find((r) => r.name === "c2-argocd-argocd")!.urn)).toBe(false);
  });
});

describe("a cluster in us-west-1", () => {
  it("uses the two zones the region offers: two subnet pairs, two NAT gateways, nodes in both", () => {
    const { plan } = planned.get("three-regions")!;
    const of = (type: string) => plan.resources.filter((r) => r.type === type && r.cluster === "c2");
    expect(of("aws:ec2/subnet:Subnet").map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZoneId]).sort()).toEqual([
      ["c2-private-0", "10.2.0.0/19", "usw1-az1"],
      ["c2-private-1", "10.2.32.0/19", "usw1-az3"],
      ["c2-public-0", "10.2.96.0/22", "usw1-az1"],
      ["c2-public-1", "10.2.100.0/22", "usw1-az3"],
    ]);
    expect(of("aws:ec2/natGateway:NatGateway")).toHaveLength(2);
    expect(of("aws:eks/nodeGroup:NodeGroup")[0].inputs.subnetIds).toHaveLength(2);
  });
});

describe("Argo CD endpoints", () => {
  it("opens a spoke's public endpoint to apiAccessCidrs and its hub's NAT addresses, a hub's to apiAccessCidrs alone", () => {
    const { plan, spec } = planned.get("argocd")!;
    const eks = (cluster: string) => (plan.resources.find((r) => r.type === "aws:eks/cluster:Cluster" && r.cluster === cluster)!.inputs as Record<string, any>).vpcConfig;
    // c3's hub c2 is in us-west-1, two zones: two addresses.
    expect(eks("c3")).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...spec.apiAccessCidrs, expect.stringMatching(/\/32$/), expect.stringMatching(/\/32$/)] });
    for (const hub of ["c0", "c1", "c2"]) expect(eks(hub)).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...spec.apiAccessCidrs] });
  });
});

describe("deploy-time estimate", () => {
  it("follows the longest chain of dependsOn and parents, not the sum of the fleet", () => {
    const r = (urn: string, type: string, dependsOn: string[], parent: string | null = null) => ({ urn, type, parent, dependsOn, region: "us-west-2" });
    const resources = [
      r("vpc", "aws:ec2/vpc:Vpc", []),
      r("eks", "aws:eks/cluster:Cluster", ["vpc"]),
      r("nodes", "eks-fleet:cluster:ManagedNodes", ["eks"]),
      r("group", "aws:eks/nodeGroup:NodeGroup", [], "nodes"),
      r("release", "kubernetes:helm.sh/v3:Release", ["group"]),
      r("bucket", "aws:s3/bucket:Bucket", []),
    ];
    const chain = ["vpc", "eks", "group", "release"].map((urn) => resources.find((x) => x.urn === urn)!);
    const seconds = chain.reduce((sum, x) => sum + creationTime(x.type, x.region).seconds, 0);
    expect(deployEstimate(resources)).toMatchObject({ criticalPathSeconds: seconds, unboundedSeconds: seconds, criticalPath: ["vpc", "eks", "group", "release"] });
    // Without the component's dependsOn the node group would start beside the control plane.
    resources[2] = r("nodes", "eks-fleet:cluster:ManagedNodes", []);
    expect(deployEstimate(resources).criticalPathSeconds).toBe(creationTime("aws:ec2/vpc:Vpc").seconds + creationTime("aws:eks/cluster:Cluster", "us-west-2").seconds);
  });

  it("prints the figure on the workflows' runner, the unbounded one and the critical path in the plan summary", () => {
    const { plan, spec } = planned.get("prod")!;
    const summary = planSummary(spec, plan);
    const { runner } = plan.estimate;
    expect(summary).toContain(`Deploy: a first deploy takes about ${Math.floor(plan.estimate.firstUpSeconds / 60)} min`);
    expect(summary).toContain(`on ${runner.label} (${runner.slots} operations in flight`);
    expect(summary).toContain(`unbounded parallelism ${Math.floor(plan.estimate.unboundedSeconds / 60)} min`);
    expect(summary).toMatch(/critical path \d+ min[^:]*: .*\b(use1|usw2)-eks-cluster \(1[3-6] min( \d+ s)?\) → .*-networking-[a-z-]+ \(1 min\) → .*-nodes-group \(4 min\) → .*-coredns \(1 min\) → .* \(2 min\)/);
  });
});

describe("DependencyGraph", () => {
  const r = (urn: string, dependsOn: string[], parent: string | null = null) => ({ urn, parent, dependsOn });

  it("waits for what dependsOn lists and, through the parent, for what the parent waits for", () => {
    const graph = new DependencyGraph([r("cluster", []), r("nodes", ["cluster"]), r("group", [], "nodes"), r("other", [])]);
    expect([...graph.dependenciesOf("group")].sort()).toEqual(["cluster", "nodes"]);
    expect(graph.waitsFor("group", "other")).toBe(false);
    expect(graph.topologicalOrder()).toEqual(["cluster", "nodes", "group", "other"]);
  });

  it("refuses a cycle", () => {
    expect(() => new DependencyGraph([r("a", ["b"]), r("b", ["a"])]).topologicalOrder()).toThrow("dependency cycle");
  });
});
