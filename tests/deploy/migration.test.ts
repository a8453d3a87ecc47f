import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument } from "../../cli/plan-document";
import { deployedUrns, migrationPlan, migrationScript } from "../../deploy/migration";
import { parseFleet } from "../../fleet";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** Resources with nothing in AWS behind them: providers (copied by `state move`), components, reads. */
const holdsCloudObject = (type: string) => !type.startsWith("pulumi:") && !type.startsWith("eks-fleet:");

async function plan(stacks: "single" | "per-cluster"): Promise<PlanDocument> {
  const raw = fleetConfig(3, { stacks });
  return (await planFleet(parseFleet(raw, "us-east-1"), stackConfig(raw, "us-east-1", "prod"))).document;
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
    const deployed = deployedUrns(single.resources);
    const byDeployed = new Map(single.resources.map((r) => [deployed.get(r.urn)!, r]));
    const byUrn = new Map(single.resources.map((r) => [r.urn, r]));
    // What `pulumi state move` takes for each destination: the URNs named and all their descendants.
    const destOf = new Map<string, string>();
    for (const { dest, urns } of moves.moves) for (const urn of urns) destOf.set(byDeployed.get(urn)!.urn, dest);
    const movedTo = (r: PlanDocument["resources"][number]): string | undefined => {
      for (let at: typeof r | undefined = r; at; at = at.parent ? byUrn.get(at.parent) : undefined) if (destOf.has(at.urn)) return destOf.get(at.urn);
      return undefined;
    };
    const splitStackOf = new Map(split.resources.map((r) => [r.urn.replace(/^urn:pulumi:[^:]+::/, "urn:pulumi:prod::"), r.stack]));
    for (const r of single.resources.filter((x) => holdsCloudObject(x.type))) {
      expect([r.urn, movedTo(r) ?? "prod"]).toEqual([r.urn, splitStackOf.get(r.urn)]);
    }
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
