import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { withMockIds } from "../../cli/policy-run";
import { CostEstimate, estimateCost } from "../../cost/estimate";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/**
 * The estimate against hand-computed references for two fleets, within ±10% per item and
 * in total (what the AWS Pricing Calculator is expected to agree with).
 *
 * How the references were obtained: the resources each fleet creates were counted from its
 * plan (per cluster: 1 control plane, a node group of 3 at desired size with 50 GiB gp3 root
 * volumes, 3 NAT gateways with an Elastic IP each, 1 internet-facing NLB over 3 zones, 4 KMS
 * keys, 2 Route 53 HTTPS health checks at the 10 s interval (serving and takeover answers), 1
 * backup bucket replicating to a partner in another region with Replication Time Control and a
 * latency alarm, 1 control-plane log group; fleet-wide: 1 KMS key per region for the replicated
 * secrets, 2 secrets (the application's and the backup repository's password) with a replica
 * per other region, one failover name clients resolve, aliasing answer sets of its own zone). Each count was multiplied by the published unit
 * price of the AWS pricing page named in cost/prices.ts — the inputs one enters in the AWS
 * Pricing Calculator for the same services — over 730 hours, with the usage assumptions the
 * plan states: 100 GB through each NAT gateway, 1 NLCU per NLB, 10 million queries,
 * 100 GB of backups per bucket (and its replica), 50 GB replicated per month, 30 GB of logs.
 * The day priced is 2026-12-03: Kubernetes 1.35 is then in standard support (until 2027-03-27).
 */
const PRICED_ON = new Date("2026-12-03T12:00:00Z");

interface Reference {
  readonly perCluster: Readonly<Record<string, number>>;
  readonly fleetWide: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly total: number;
}

/*
 * prod (Pulumi.prod.yaml): use1 in us-east-1, usw2 in us-west-2, m6i.large × 3, Kubernetes 1.35.
 * Both regions have the same unit prices. Per cluster:
 *   EKS control plane, standard support   0.10 × 730                          =  73.00
 *   nodes                                  3 × 0.096 (m6i.large) × 730         = 210.24
 *   node volumes                           3 × 50 GB × 0.08 (gp3)              =  12.00
 *   NAT gateways                           3 × 0.045 × 730 + 3 × 100 GB × 0.045 = 98.55 + 13.50 = 112.05
 *   public IPv4                            (3 Elastic IPs + 3 NLB addresses) × 0.005 × 730 = 21.90
 *   load balancer                          0.0225 × 730 + 1 NLCU × 0.006 × 730 = 16.43 + 4.38 = 20.81
 *   KMS keys                               4 × 1.00                            =   4.00
 *   health checks (AWS endpoint)           2 × (0.50 + HTTPS 1.00 + fast interval 1.00) = 5.00
 *   backup storage                         100 GB × 0.023 + replica 100 GB × 0.023 = 4.60
 *   backup replication                     50 GB × (0.02 transfer + 0.015 RTC) =   1.75
 *   logs                                   30 GB × 0.50                        =  15.00
 *   replication latency alarm              1 standard-resolution alarm         =   0.10
 *                                                                     cluster = 480.45
 * Fleet-wide: 2 KMS keys 2.00 + 2 secrets with 1 replica each 4 × 0.40 = 1.60
 *   + 10 M standard queries × 0.40 = 4.00 → 7.60
 * Total 2 × 480.45 + 7.60 = 968.50 (on 1.33, in extended support since 2026-07-29, the control
 * planes alone would be 2 × 0.60 × 730 = 876.00)
 */
const PROD: Reference = {
  perCluster: { use1: 480.45, usw2: 480.45 },
  fleetWide: 7.6,
  byCategory: {
    "EKS control plane": 146, "nodes": 420.48, "node volumes": 24, "NAT gateways": 224.1, "public IPv4": 43.8, "load balancers": 41.62,
    "KMS keys": 10, "health checks": 10, "backup storage": 9.2, "backup replication": 3.5, "logs": 30, "alarms": 0.2, "secrets": 1.6, "DNS queries": 4,
  },
  total: 968.5,
};

/*
 * Six clusters in three regions (the fleet of the issue: 18 NAT gateways, 6 load balancers, 6
 * control planes, 27 KMS keys, 5 warm standbys): two each in us-east-1, us-west-2, eu-west-1,
 * active-passive, m6i.large × 3, Kubernetes 1.35 (standard support).
 * A US cluster: as prod's → 480.45.
 * An eu-west-1 cluster:
 *   EKS control plane 73.00 · nodes 3 × 0.107 × 730 = 234.33 · volumes 3 × 50 × 0.088 = 13.20
 *   NAT 3 × 0.048 × 730 + 3 × 100 × 0.048 = 105.12 + 14.40 = 119.52 · public IPv4 21.90
 *   NLB 0.0252 × 730 + 4.38 = 18.40 + 4.38 = 22.78 · KMS 4.00 · health checks 5.00
 *   backups 2.30 + replica 2.30 (in us-east-1) = 4.60 · replication 50 × 0.035 = 1.75
 *   logs 30 × 0.57 = 17.10 · alarm 0.10                                     → 517.28
 * Fleet-wide: 3 KMS keys 3.00 + 2 secrets with 2 replicas each 6 × 0.40 = 2.40 + 10 M standard
 * queries 4.00 = 9.40
 * Total 4 × 480.45 + 2 × 517.28 + 9.40 = 2,965.76
 */
const SIX: Reference = {
  perCluster: { use1a: 480.45, use1b: 480.45, usw2a: 480.45, usw2b: 480.45, euw1a: 517.28, euw1b: 517.28 },
  fleetWide: 9.4,
  byCategory: {
    "EKS control plane": 438, "nodes": 1309.62, "node volumes": 74.4, "NAT gateways": 687.24, "public IPv4": 131.4, "load balancers": 128.8,
    "KMS keys": 27, "health checks": 30, "backup storage": 27.6, "backup replication": 10.5, "logs": 94.2, "alarms": 0.6, "secrets": 2.4, "DNS queries": 4,
  },
  total: 2965.76,
};

function sixClusterFleet(): Record<string, any> {
  const regions = ["us-east-1", "us-east-1", "us-west-2", "us-west-2", "eu-west-1", "eu-west-1"];
  const names = ["use1a", "use1b", "usw2a", "usw2b", "euw1a", "euw1b"];
  return fleetConfig(6, {
    kubernetesVersion: "1.35",
    clusters: names.map((name, i) => ({
      name,
      region: regions[i],
      role: i === 0 ? "primary" : "secondary",
      vpcCidr: `10.${i}.0.0/16`,
      nodes: { instanceTypes: ["m6i.large"], min: 2, desired: 3, max: 6 },
    })),
  });
}

async function estimateOf(fleet: Record<string, any>, region: string): Promise<CostEstimate> {
  const { document } = await planFleet(parseFleet(fleet, region), stackConfig(fleet, region, "prod"));
  return estimateCost(withMockIds(document.resources), document.clusters.map((c) => c.name), PRICED_ON);
}

const within10Percent = (actual: number, reference: number) => Math.abs(actual - reference) <= 0.1 * reference;

describe.each([
  ["prod (Pulumi.prod.yaml)", () => YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"], PROD],
  ["six clusters in three regions", sixClusterFleet, SIX],
] as const)("the monthly estimate of %s", (_, fleet, reference) => {
  let cost: CostEstimate;
  beforeAll(async () => {
    cost = await estimateOf(fleet(), "us-east-1");
  });

  it("is within 10% of the hand-computed reference, in total, per cluster and fleet-wide", () => {
    expect({ total: cost.monthlyUsd, within: within10Percent(cost.monthlyUsd, reference.total) }).toEqual({ total: cost.monthlyUsd, within: true });
    for (const [name, usd] of Object.entries(reference.perCluster)) expect({ name, within: within10Percent(cost.clusters[name], usd) }).toEqual({ name, within: true });
    expect(within10Percent(cost.fleetWide, reference.fleetWide)).toBe(true);
  });

  it("is within 10% of the reference for every kind of item, and prices nothing the reference leaves out", () => {
    const byCategory: Record<string, number> = {};
    for (const line of cost.lines) byCategory[line.category] = (byCategory[line.category] ?? 0) + line.monthlyUsd;
    expect(Object.keys(byCategory).sort()).toEqual(Object.keys(reference.byCategory).sort());
    for (const [category, usd] of Object.entries(reference.byCategory)) {
      expect({ category, actual: byCategory[category], within: within10Percent(byCategory[category], usd) }).toEqual({ category, actual: byCategory[category], within: true });
    }
  });
});

it("README quotes the reference figures", () => {
  const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8").replace(/\s+/g, " ");
  const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  expect(readme).toContain(`the prod stack on Kubernetes 1.35: ${usd(PROD.total)} a month`);
  expect(readme).toContain(`six clusters in three regions on 1.35: ${usd(SIX.total)}`);
});
