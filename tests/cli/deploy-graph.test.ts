import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deployEstimate } from "../../cli/deploy-estimate";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { main } from "../../cli/plan";
import { PlanDocument, PlanResource } from "../../cli/plan-document";
import { planSummary } from "../../cli/summary";
import { fleetFromStackFile, FleetSpec } from "../../fleet";
import { fleetConfig, stackConfig, writeStackFile } from "../fixtures/fleets";

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
 * that replica's key) per region, and one certificate validation record serves every
 * region. Argo CD's hubs manage their own region only, so none of their edges is here.
 */

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
    why: "every region's ACM certificate validates through one Route 53 record (Route 53 is global), under a fleet-wide component",
    allows: (from, to) => from.type.startsWith("aws:acm/") && (to.type === "aws:route53/record:Record" || to.type === "eks-fleet:ingress:GatewayCertificates"),
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
          if (dep.region !== null && dep.region !== cluster.region && !dep.type.startsWith("eks-fleet:")) foreign.add(`${dep.type} ${dep.name}`);
        }
      }
      expect([cluster.name, [...foreign]]).toEqual([cluster.name, []]);
    }
  });

  it("estimates a first deploy of about one region's time", () => {
    const { plan } = get();
    // EKS (15 min) + pod networking (1 min) + nodes (4 min) + CoreDNS (1 min) + a Helm release (1 min)
    // bound it below; other regions add nothing.
    expect(plan.estimate.firstUpSeconds).toBeGreaterThanOrEqual(22 * 60);
    expect(plan.estimate.firstUpSeconds).toBeLessThan(26 * 60);
  });
});

describe("ordering the Argo CD hub and spokes need", () => {
  it("creates a spoke's role after its region's hub role, and the spoke after that hub's NAT addresses", () => {
    const { plan, graph } = planned.get("argocd")!;
    const role = (name: string) => plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === name)!;
    expect(graph.waitsFor(role("prod-c3-argocd-spoke").urn, role("prod-c2-argocd").urn)).toBe(true);
    expect(graph.waitsFor(role("prod-c3-argocd-spoke").urn, role("prod-c0-argocd").urn)).toBe(false);
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
  const minutes = (s: number) => s * 60;

  it("follows the longest chain of dependsOn and parents, not the sum of the fleet", () => {
    const r = (urn: string, type: string, dependsOn: string[], parent: string | null = null) => ({ urn, type, parent, dependsOn });
    const resources = [
      r("vpc", "aws:ec2/vpc:Vpc", []),
      r("eks", "aws:eks/cluster:Cluster", ["vpc"]),
      r("nodes", "eks-fleet:cluster:ManagedNodes", ["eks"]),
      r("group", "aws:eks/nodeGroup:NodeGroup", [], "nodes"),
      r("release", "kubernetes:helm.sh/v3:Release", ["group"]),
      r("bucket", "aws:s3/bucket:Bucket", []),
    ];
    expect(deployEstimate(resources)).toMatchObject({ firstUpSeconds: 5 + minutes(15) + minutes(4) + minutes(1), criticalPath: ["vpc", "eks", "group", "release"] });
    // Without the component's dependsOn the node group would start beside the control plane.
    resources[2] = r("nodes", "eks-fleet:cluster:ManagedNodes", []);
    expect(deployEstimate(resources).firstUpSeconds).toBe(5 + minutes(15));
  });

  it("puts a 10-cluster fleet at about one region's time, and a serialised fleet at twice that", async () => {
    const small = planned.get("prod")!.plan.estimate.firstUpSeconds;
    const { resources } = await evaluateProgram(stackConfig(fleetConfig(10)), "123456789012");
    const fleet = deployEstimate(resources);
    expect(fleet.firstUpSeconds / small).toBeLessThan(1.2);
    // Make c1's VPC wait for c0's last resource, as a cross-region dependency would.
    const last = fleet.criticalPath[fleet.criticalPath.length - 1];
    const serialised = resources.map((r) => (r.type === "aws:ec2/vpc:Vpc" && r.name === "c1-vpc" ? { ...r, dependsOn: [...r.dependsOn, last] } : r));
    expect(deployEstimate(serialised).firstUpSeconds / small).toBeGreaterThan(1.9);
  });

  it("prints the expected wall time and the critical path in the plan summary", () => {
    const { plan, spec } = planned.get("prod")!;
    const summary = planSummary(spec, plan);
    expect(summary).toContain(`Deploy: a first pulumi up takes about ${Math.floor(plan.estimate.firstUpSeconds / 60)} min`);
    expect(summary).toMatch(/critical path: .*\b(use1|usw2)-eks-cluster \(15 min\) → .*-networking-[a-z-]+ \(1 min\) → .*-nodes-group \(4 min\) → .*-coredns \(1 min\) → .* \(1 min\)/);
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
