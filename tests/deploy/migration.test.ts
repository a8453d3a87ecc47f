import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument } from "../../cli/plan-document";
import { deployedUrns, migrationPlan, migrationScript } from "../../deploy/migration";
import { parseFleet } from "../../fleet";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** Resources with nothing in AWS behind them: providers (copied by `state move`), components, reads. */
const holdsCloudObject = (type: string) => !type.startsWith("pulumi:") && !type.startsWith("eks-fleet:");

async function plan(stacks: "single" | "per-cluster", shape: (raw: Record<string, any>) => void = () => undefined, size = 3): Promise<PlanDocument> {
  const raw = fleetConfig(size, { stacks });
  shape(raw);
  return (await planFleet(parseFleet(raw, "us-east-1"), stackConfig(raw, "us-east-1", "prod"))).document;
}

/** Each cloud resource of `single` with the stack the migration moves it to ("prod" when it stays), and the stack the split fleet holds it in. */
function destinations(single: PlanDocument, split: PlanDocument): { urn: string; movedTo: string; heldIn: string | undefined }[] {
  const moves = migrationPlan(single, split);
  const deployed = deployedUrns(single.resources);
  const byDeployed = new Map(single.resources.map((r) => [deployed.get(r.urn)!, r]));
  // What `pulumi state move` takes for each destination: the URNs named and all their descendants
  // still in the source stack (an earlier move took the others), each move out of the stack it
  // names, in order (a URN names its stack: the one it is in at that step).
  const at = new Map<string, string>();
  const descendants = (urn: string): string[] => [urn, ...single.resources.filter((r) => r.parent === urn).flatMap((r) => descendants(r.urn))];
  for (const { source, dest, urns } of moves.moves) {
    for (const urn of urns) {
      const named = byDeployed.get(urn.replace(/^urn:pulumi:[^:]+::/, "urn:pulumi:prod::"))!;
      expect(at.get(named.urn) ?? "prod").toBe(source ?? "prod");
      for (const moved of descendants(named.urn)) if ((at.get(moved) ?? "prod") === (source ?? "prod")) at.set(moved, dest);
    }
  }
  const movedTo = (r: PlanDocument["resources"][number]): string | undefined => at.get(r.urn);
  // The stack that holds each URN of the single stack: under that URN or an alias of it.
  const splitStackOf = new Map(split.resources.flatMap((r) => [r.urn, ...(r.aliases ?? [])].map((u) => [u.replace(/^urn:pulumi:[^:]+::/, "urn:pulumi:prod::"), r.stack] as const)));
  return single.resources.filter((x) => holdsCloudObject(x.type)).map((r) => ({ urn: r.urn, movedTo: movedTo(r) ?? "prod", heldIn: splitStackOf.get(r.urn) }));
}

describe("moving a single-stack fleet to per-cluster stacks", () => {
  let single: PlanDocument;
  let split: PlanDocument;
  beforeAll(async () => {
    single = await plan("single");
    split = await plan("per-cluster");
  }, 60_000);

  it("moves every cloud resource to the stack that holds it in the split fleet, or leaves it in the fleet stack", () => {
    const moves = migrationPlan(single, split);
    expect(moves.problems).toEqual([]);
    for (const { urn, movedTo, heldIn } of destinations(single, split)) expect([urn, movedTo]).toEqual([urn, heldIn]);
    // Each cluster's stack receives its cluster, its replication stack its replication rule; the home links stack the failover records.
    const names = (dest: string) => moves.moves.find((m) => m.dest === dest)!.urns.map((u) => u.slice(u.lastIndexOf("::") + 2));
    expect(names("prod.c1")).toContain("c1");
    expect(names("prod.c0.replication")).toEqual(["c0-backup-replication"]);
    expect(names("prod.links.us-east-1")).toEqual(expect.arrayContaining(["dns-primary", "dns-secondary"]));
  });

  it("names URNs as the engine writes them (every ancestor's type), never a provider, and prints the commands in deploy order", () => {
    const moves = migrationPlan(single, split);
    const all = moves.moves.flatMap((m) => m.urns);
    expect(all).toContain("urn:pulumi:prod::eks-fleet::eks-fleet:index:Fleet$eks-fleet:dns:DnsRouting$aws:route53/healthCheck:HealthCheck::dns-c1");
    expect(all.filter((u) => u.includes("pulumi:providers:"))).toEqual([]);
    const script = migrationScript(moves, "acme");
    expect(script).toContain("pulumi state move --source acme/eks-fleet/prod --dest acme/eks-fleet/prod.c0 --yes 'urn:pulumi:prod::eks-fleet::eks-fleet:index:Fleet$eks-fleet:cluster:RegionalCluster::c0'");
    const order = moves.moves.map((m) => m.dest);
    expect(order.indexOf("prod.c0")).toBeLessThan(order.indexOf("prod.links.us-east-1"));
  });

  it("refuses a split that would leave a cloud resource in no stack", () => {
    const lost = single.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
    const lossy = { ...split, resources: split.resources.filter((r) => r.name !== lost.name || r.type !== lost.type) };
    expect(migrationPlan(single, lossy).problems).toEqual([expect.stringContaining(`aws:eks/cluster:Cluster::${lost.name}: no stack of the split fleet holds it`)]);
  });
});

describe("moving a single-stack Argo CD fleet to per-cluster stacks", () => {
  // c0 and c1 are the hubs of us-east-1 and us-west-2; c2 and c3 their spokes.
  const twoRegions = (raw: Record<string, any>) => {
    raw.gitops = { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" };
    raw.clusters = raw.clusters.map((c: any, i: number) => ({ ...c, region: i % 2 === 0 ? "us-east-1" : "us-west-2" }));
  };
  let single: PlanDocument;
  let split: PlanDocument;
  beforeAll(async () => {
    single = await plan("single", twoRegions, 4);
    split = await plan("per-cluster", twoRegions, 4);
  }, 60_000);

  it("moves the hubs' installs with their clusters and every cluster Secret, under the same URN, to its region's links stack", () => {
    const moves = migrationPlan(single, split);
    expect(moves.problems).toEqual([]);
    for (const { urn, movedTo, heldIn } of destinations(single, split)) expect([urn, movedTo]).toEqual([urn, heldIn]);
    const secrets = destinations(single, split).filter((d) => d.urn.includes("kubernetes:core/v1:Secret::") && d.urn.includes("-argocd-spoke-registration-"));
    expect(secrets.map((d) => [d.urn.slice(d.urn.lastIndexOf("::") + 2), d.movedTo]).sort()).toEqual([
      ["c0-argocd-spoke-registration-c0", "prod.links.us-east-1"],
      ["c1-argocd-spoke-registration-c1", "prod.links.us-west-2"],
      ["c2-argocd-spoke-registration-c0", "prod.links.us-east-1"],
      ["c3-argocd-spoke-registration-c1", "prod.links.us-west-2"],
    ]);
    const release = destinations(single, split).find((d) => d.urn.endsWith("::c1-argocd-argocd"))!;
    expect(release.movedTo).toBe("prod.c1");
 
    // Each hub's NAT addresses go straight out of its network to its region's addresses stack, which
    // holds them and publishes them to the spokes: moved before the hub's cluster, which would carry them along.
    const addresses = split.resources.filter((r) => r.type === "aws:ec2/eip:Eip" && r.stack.startsWith("prod.addresses."));
    expect(addresses.map((r) => [r.stack, r.name]).sort()).toEqual([
      ...["c0-nat-0", "c0-nat-1", "c0-nat-2"].map((n) => ["prod.addresses.us-east-1", n]),
      ...["c1-nat-0", "c1-nat-1", "c1-nat-2"].map((n) => ["prod.addresses.us-west-2", n]),
    ]);
    const toAddresses = moves.moves.filter((m) => m.dest.startsWith("prod.addresses."));
    expect(toAddresses.map((m) => [m.source, m.dest, m.urns.map((u) => u.slice(u.lastIndexOf("::") + 2))])).toEqual([
      [undefined, "prod.addresses.us-east-1", ["c0-nat-0", "c0-nat-1", "c0-nat-2"]],
      [undefined, "prod.addresses.us-west-2", ["c1-nat-0", "c1-nat-1", "c1-nat-2"]],
    ]);
    expect(moves.moves.filter((m) => m.source !== undefined)).toEqual([]);
    const order = moves.moves.map((m) => m.dest);
    expect(order.indexOf("prod.addresses.us-east-1")).toBeLessThan(order.indexOf("prod.c0"));
    expect(toAddresses[0].urns[0]).toBe("urn:pulumi:prod::eks-fleet::eks-fleet:index:Fleet$eks-fleet:cluster:RegionalCluster$eks-fleet:network:ClusterNetwork$aws:ec2/eip:Eip::c0-nat-0");
    expect(migrationScript(moves)).toContain(`pulumi state move --source prod --dest prod.addresses.us-east-1 --yes '${toAddresses[0].urns.join("' '")}'`);
  });
});
