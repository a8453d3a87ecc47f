import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet, SUPPORTED_REGIONS } from "../../fleet";
import { eksVersion } from "../../fleet/versions";
import { planFleet } from "../../cli/engine/plan-stack";
import { PlanResource } from "../../cli/plan-document";
import { withMockIds } from "../../cli/policy-run";
import { CostEstimate, CostResource, estimateCost, FREE_TYPES } from "../../cost/estimate";
import { instanceHourly } from "../../cost/instances";
import { PRICERS } from "../../cost/pricers";
import { DERIVED_REGIONS, GLOBAL_PRICES, READ_REGIONS, regionalPrices } from "../../cost/prices";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const PROD = YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];

async function planned(fleet: Record<string, any>): Promise<{ resources: PlanResource[]; clusters: string[] }> {
  const { document } = await planFleet(parseFleet(fleet, "us-east-1"), stackConfig(fleet, "us-east-1", "prod"));
  return { resources: withMockIds(document.resources), clusters: document.clusters.map((c) => c.name) };
}

const sum = (cost: CostEstimate, category: string, cluster?: string) =>
  cost.lines.filter((l) => l.category === category && (cluster === undefined || l.cluster === cluster)).reduce((n, l) => n + l.monthlyUsd, 0);

/** A variant of the prod stack with the options prod leaves off: Global Accelerator, Argo CD, three clusters. */
function variant(): Record<string, any> {
  const raw = fleetConfig(3, { dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } });
  raw.gitops = { ...raw.gitops, engine: "argocd", secretRef: "platform-repo" };
  return raw;
}

describe("the cost estimate", () => {
  const plans: Record<string, { resources: PlanResource[]; clusters: string[] }> = {};
  beforeAll(async () => {
    // Sequential: the mock engine is one process-wide runtime.
    plans.prod = await planned(PROD);
    plans.variant = await planned(variant());
    // The node groups as the same plan with 5 nodes of two types would have them.
    plans.bigger = {
      ...plans.prod,
      resources: plans.prod.resources.map((r) => r.type !== "aws:eks/nodeGroup:NodeGroup" ? r : {
        ...r,
        inputs: { ...r.inputs, instanceTypes: ["m6i.xlarge", "m6i.large"], scalingConfig: { ...(r.inputs.scalingConfig as object), desiredSize: 5 } },
      }),
    };
  });
  const estimate = (name: string, asOf = new Date("2026-12-03")) => estimateCost(plans[name].resources, plans[name].clusters, asOf);

  it("prices or knows free every AWS resource type the fleet creates, with or without its options", () => {
    const types = new Set(Object.values(plans).flatMap((p) => p.resources.map((r) => r.type)).filter((t) => t.startsWith("aws:")));
    expect(types).toContain("aws:globalaccelerator/accelerator:Accelerator");
    expect([...types].filter((t) => !(t in PRICERS) && !(t in FREE_TYPES)).sort()).toEqual([]);
    for (const name of Object.keys(plans)) expect(estimate(name).assumptions.filter((a) => a.startsWith("Not priced"))).toEqual([]);
  });

  it("adds up: clusters and fleet-wide make the total, lines make each cluster", () => {
    const cost = estimate("variant");
    const cents = (n: number) => Math.round(n * 100);
    expect(cents(Object.values(cost.clusters).reduce((a, b) => a + b, 0) + cost.fleetWide)).toBe(cents(cost.monthlyUsd));
    for (const [name, usd] of Object.entries(cost.clusters)) expect(cents(cost.lines.filter((l) => l.cluster === name).reduce((n, l) => n + l.monthlyUsd, 0))).toBe(cents(usd));
    expect(Object.keys(cost.clusters)).toEqual(plans.variant.clusters);
  });

  it("prices nodes at the node groups' desired size and first instance type, and says which", () => {
    const [before, after] = [estimate("prod"), estimate("bigger")];
    // m6i.xlarge is twice an m6i.large (normalization factor 8 vs 4), and 5 nodes instead of 3.
    expect(sum(after, "nodes", "use1") / sum(before, "nodes", "use1")).toBeCloseTo((5 / 3) * 2, 2);
    expect(after.lines.find((l) => l.category === "nodes")!.detail).toContain("5 × m6i.xlarge (the first of m6i.xlarge, m6i.large");
  });

  it("prices the control plane by its version's support on the day priced, and extended support only where the cluster takes it", () => {
    // Extended support bills from the first moment of the end-of-standard day (fleet/versions.ts).
    const end = new Date(`${eksVersion(PROD.kubernetesVersion)!.endOfStandard}T00:00:00Z`);
    const lastStandard = new Date(end.getTime() - 1);
    const standard = GLOBAL_PRICES.eksStandardSupport.usd * 730;
    const extended = GLOBAL_PRICES.eksExtendedSupport.usd * 730;
    const cluster = plans.prod.resources.find((r) => r.type === "aws:eks/cluster:Cluster" && r.cluster === "use1")!;
    const taking = (supportType: string) => ({ ...cluster, inputs: { ...cluster.inputs, upgradePolicy: { supportType } } });
    expect(estimateCost([taking("EXTENDED")], ["use1"], lastStandard).monthlyUsd).toBeCloseTo(standard, 2);
    expect(estimateCost([taking("EXTENDED")], ["use1"], end).monthlyUsd).toBeCloseTo(extended, 2);
    // EKS's own default, when the program sets no policy, is EXTENDED.
    expect(estimateCost([{ ...cluster, inputs: { ...cluster.inputs, upgradePolicy: undefined } }], ["use1"], end).monthlyUsd).toBeCloseTo(extended, 2);
    // STANDARD (the fleet's unless extendedSupport): EKS upgrades the cluster instead of billing extended support.
    expect(estimateCost([taking("STANDARD")], ["use1"], end).monthlyUsd).toBeCloseTo(standard, 2);
    // prod does not opt in to extended support: its estimate stays at the standard rate past the end date.
    expect(cluster.inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(sum(estimate("prod", end), "EKS control plane", "use1")).toBeCloseTo(standard, 2);
  });

  it("prices the accelerator, its addresses and traffic, and the queries to the record that CNAMEs it", () => {
    const cost = estimate("variant");
    // Traffic goes to the endpoint groups with a dial above zero (components/global-accelerator.ts).
    const serving = plans.variant.resources.filter((r) => r.type === "aws:globalaccelerator/endpointGroup:EndpointGroup" && Number(r.inputs.trafficDialPercentage) > 0);
    expect(serving.length).toBeGreaterThan(0);
    expect(cost.lines.filter((l) => l.category === "Global Accelerator").map((l) => l.detail)).toEqual([
      expect.stringContaining("2 static IPv4 addresses"),
      expect.stringContaining(`over ${serving.length} serving endpoint group(s)`),
      expect.stringContaining("fixed fee"),
    ]);
    // `<record>` is a CNAME of the accelerator's name in every mode's failover group (components/dns-routing.ts), not an
    // alias: Route 53 bills its queries at the standard rate (it charges nothing only for alias queries to AWS resources).
    expect(cost.lines.filter((l) => l.category === "DNS queries").map((l) => [l.resource, l.detail])).toEqual([[PROD.dns.record, expect.stringContaining("(standard)")]]);
    expect(estimate("prod").lines.filter((l) => l.category === "DNS queries").map((l) => l.resource)).toEqual([PROD.dns.record]);
  });

  it("prices a health check of an endpoint outside AWS at the non-AWS rates", () => {
    const check = plans.prod.resources.find((r) => r.type === "aws:route53/healthCheck:HealthCheck")!;
    const elsewhere: CostResource = { ...check, inputs: { ...check.inputs, fqdn: "status.example.org" } };
    const [inAws, outside] = [estimateCost(plans.prod.resources, plans.prod.clusters), estimateCost([elsewhere], plans.prod.clusters)];
    const options = 2; // HTTPS and the 10 s interval
    const line = inAws.lines.find((l) => l.category === "health checks" && l.resource === check.name)!;
    expect(line.monthlyUsd).toBeCloseTo(GLOBAL_PRICES.healthCheckAwsEndpoint.usd + options * GLOBAL_PRICES.healthCheckOptionAwsEndpoint.usd, 2);
    expect(outside.monthlyUsd).toBeCloseTo(GLOBAL_PRICES.healthCheckOtherEndpoint.usd + options * GLOBAL_PRICES.healthCheckOptionOtherEndpoint.usd, 2);
  });

  it("names what it cannot price instead of pricing it at zero silently", () => {
    const group = plans.prod.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
    const cost = estimateCost([{ ...group, inputs: { ...group.inputs, instanceTypes: ["x9z.large"] } }, { ...group, type: "aws:rds/instance:Instance" }], []);
    expect(cost.assumptions).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Not priced: .*no price for x9z\.large/),
      "Not priced (no price for this resource type yet): aws:rds/instance:Instance ×1.",
    ]));
  });
});

describe("the price table (cost/prices.ts)", () => {
  it("covers every region a fleet may use, deriving only from regions with figures of their own", () => {
    for (const region of SUPPORTED_REGIONS) {
      const { prices, derivedFrom } = regionalPrices(region);
      expect({ region, priced: Object.values(prices).every((p) => p > 0) }).toEqual({ region, priced: true });
      if (derivedFrom) expect(Object.keys(READ_REGIONS)).toContain(derivedFrom.like);
      expect("hourlyUsd" in instanceHourly("m6i.large", region)).toBe(true);
    }
    expect([...Object.keys(READ_REGIONS), ...Object.keys(DERIVED_REGIONS)].sort()).toEqual([...SUPPORTED_REGIONS].sort());
  });

  it("scales instance sizes by their normalization factor and regions by the m6i.large anchor", () => {
    const price = (type: string, region: string) => (instanceHourly(type, region) as { hourlyUsd: number }).hourlyUsd;
    expect(price("m6i.2xlarge", "us-east-1") / price("m6i.large", "us-east-1")).toBeCloseTo(4, 6);
    expect(price("c6g.medium", "us-east-1") / price("c6g.large", "us-east-1")).toBeCloseTo(0.5, 6);
    expect(price("m6i.large", "eu-west-1")).toBe(READ_REGIONS["eu-west-1"].m6iLargeHour);
    expect(instanceHourly("m6i.metal", "us-east-1")).toEqual({ unpriced: expect.stringContaining("no price for m6i.metal") });
  });
});
