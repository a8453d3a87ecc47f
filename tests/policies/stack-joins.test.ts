import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument, PlanResource } from "../../cli/plan-document";
import { infraViolations, policyConfigOf, resourcesByStack, withMockIds } from "../../cli/policy-run";
import { clusterStackName, replicationStackName } from "../../deploy/stacks";
import { FleetSpec, parseFleet, StackConfig } from "../../fleet";
import { evaluateResources, PolicyConfig, stackArgs } from "../../policies/evaluate";
import { stackCost } from "../../policies/cost";
import { Violation } from "../../policies/violation";
import { fleetConfig, stackConfig } from "../fixtures/fleets";
import { changed } from "./harness";

const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

interface Planned {
  readonly spec: FleetSpec;
  readonly config: StackConfig;
  readonly document: PlanDocument;
  readonly configs: ReadonlyMap<string, PolicyConfig>;
}

async function plan(raw: Record<string, unknown>): Promise<Planned> {
  const spec = parseFleet(raw, "us-east-1");
  const config = stackConfig(raw, "us-east-1", "prod");
  const { document, policyConfigs } = await planFleet(spec, config);
  return { spec, config, document, configs: policyConfigs };
}

/** Every stack alone, with its own pack config: what `pulumi preview --stack <s> --policy-pack policies --policy-pack-config <its file>` runs. */
async function crossGuard(resources: readonly PlanResource[], configs: ReadonlyMap<string, PolicyConfig>): Promise<Map<string, Violation[]>> {
  const found = new Map<string, Violation[]>();
  for (const [stack, mine] of resourcesByStack(withMockIds(resources))) found.set(stack, await evaluateResources(mine, configs.get(stack)));
  return found;
}

const failing = (found: Map<string, Violation[]>) => [...found].filter(([, v]) => v.length > 0).map(([stack, v]) => [stack, v.map((x) => x.policy).sort()]);

describe("stack rules over a per-cluster fleet, each stack judged alone as CrossGuard runs it", () => {
  let fleet: Planned;
  const of = (stack: string, type: string, name?: string) =>
    fleet.document.resources.find((r) => r.stack === stack && r.type === type && (name === undefined || r.name === name))!;
  beforeAll(async () => {
    fleet = await plan(fleetConfig(3, { stacks: "per-cluster" }));
  });

  it("passes every stack of the plan, and the plan runs them so", async () => {
    const found = await crossGuard(fleet.document.resources, fleet.configs);
    expect([...found.keys()].sort()).toEqual(fleet.document.stacks!.map((s) => s.name).sort());
    expect(failing(found)).toEqual([]);
    expect(fleet.document.violations).toEqual([]);
  });

  it("without the plan's config a cluster stack fails its backup bucket: its replication is out of its sight (fails closed)", async () => {
    const found = await crossGuard(fleet.document.resources, new Map());
    expect(failing(found)).toEqual(fleet.spec.clusters.map((c) => [clusterStackName("prod", c.name), ["s3-backup-replicated"]]));
  });

  it("fails the replication stack whose replication of a bucket is gone, and only it", async () => {
    const [c0] = fleet.spec.clusters;
    const replication = replicationStackName("prod", c0.name);
    const dropped = fleet.document.resources.filter((r) => !(r.stack === replication && r.type === REPLICATION));
    const found = await crossGuard(dropped, fleet.configs);
    expect(failing(found)).toEqual([[replication, ["s3-backup-replicated"]]]);
    expect(found.get(replication)![0].message).toContain(`Bucket '${c0.backup.bucket}': backups do not replicate to another region: this stack must replicate them into '${fleet.spec.clusters[1].backup.bucket}'`);
    // plan.json reports the same, in the same stack.
    const planned = await infraViolations(dropped, policyConfigOf(fleet.config, fleet.spec), fleet.configs);
    expect(planned.map((v) => v.policy)).toEqual(["s3-backup-replicated"]);
  });

  it("fails a replication rule without Replication Time Control where it lives, by the bucket's plan and by the rule itself", async () => {
    const replication = replicationStackName("prod", fleet.spec.clusters[1].name);
    const config = of(replication, REPLICATION);
    const weakened = fleet.document.resources.map((r) => (r === config ? changed(r, (c) => delete c.inputs.rules[0].destination.replicationTime) : r));
    const found = await crossGuard(weakened, fleet.configs);
    expect(failing(found)).toEqual([[replication, ["s3-backup-replicated", "s3-replication-complete"]]]);
    expect(found.get(replication)!.map((v) => [v.urn, v.message])).toEqual([
      [config.urn, expect.stringContaining("Replication rule 'c1-backups' of bucket 'prod-c1-velero-123456789012' is missing destination.replicationTime")],
      [config.urn, expect.stringContaining("destination.replicationTime { status: Enabled, time: { minutes: 15 } }")],
    ]);
  });

  it("fails a replication into another bucket than the partner's, or of another prefix than Velero's", async () => {
    const replication = replicationStackName("prod", fleet.spec.clusters[2].name);
    const config = of(replication, REPLICATION);
    const elsewhere = fleet.document.resources.map((r) => (r === config ? changed(r, (c) => { c.inputs.rules[0].destination.bucket = "arn:aws:s3:::someone-elses-bucket"; c.inputs.rules[0].filter.prefix = "nothing/"; }) : r));
    const found = await crossGuard(elsewhere, fleet.configs);
    expect(failing(found)).toEqual([[replication, ["s3-backup-replicated"]]]);
    expect(found.get(replication)![0].message).toContain(`destination.bucket arn:aws:s3:::${fleet.spec.clusters[0].backup.bucket} (the backup partner's bucket, not arn:aws:s3:::someone-elses-bucket); filter.prefix c2/`);
  });

  it("fails a cluster stack that sets its bucket's replication itself: the replication stack's would be overwritten", async () => {
    const [c0] = fleet.spec.clusters;
    const source = of(replicationStackName("prod", c0.name), REPLICATION);
    const own = clusterStackName("prod", c0.name);
    const copy = { ...source, stack: own, urn: source.urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${own}::`) };
    const found = await crossGuard([...fleet.document.resources, copy], fleet.configs);
    expect(failing(found)).toEqual([[own, ["s3-backup-replicated"]]]);
    expect(found.get(own)![0]).toMatchObject({ urn: copy.urn, message: expect.stringContaining(`its replication belongs to stack ${replicationStackName("prod", c0.name)}`) });
  });

  it("fails a cluster stack whose answer-set record lost its health check, and one whose check is inverted", async () => {
    const stack = clusterStackName("prod", "c1");
    const check = of(stack, HEALTH_CHECK, "dns-c1");
    const record = of(stack, "aws:route53/record:Record", "dns-serving-c1");
    const found = await crossGuard(fleet.document.resources.filter((r) => r !== check), fleet.configs);
    expect(failing(found)).toEqual([[stack, ["route53-routing-health-checked"]]]);
    expect(found.get(stack)![0]).toMatchObject({ urn: record.urn, message: expect.stringContaining("The weighted record '_serving.api.example.com' (c1) names health check") });
    const inverted = fleet.document.resources.map((r) => (r === check ? changed(r, (c) => (c.inputs.invertHealthcheck = true)) : r));
    expect(failing(await crossGuard(inverted, fleet.configs))).toEqual([[stack, ["route53-routing-health-checked"]]]);
    const unchecked = fleet.document.resources.map((r) => (r === record ? changed(r, (c) => delete c.inputs.healthCheckId) : r));
    expect(failing(await crossGuard(unchecked, fleet.configs))).toEqual([[stack, ["route53-routing-health-checked"]]]);
  });

  it("fails the fleet stack's secret that misses a cluster region, though that stack holds no cluster", async () => {
    const secret = of("prod", "aws:secretsmanager/secret:Secret");
    const dropped = fleet.document.resources.map((r) => (r === secret ? changed(r, (s) => s.inputs.replicas.pop()) : r));
    const found = await crossGuard(dropped, fleet.configs);
    expect(failing(found)).toEqual([["prod", ["secrets-replicated-with-cmk"]]]);
  });
});

describe("the cost cap over stacks judged alone", () => {
  let fleet: Planned;
  let total: number;
  let cap: number;
  beforeAll(async () => {
    const raw = fleetConfig(3, { stacks: "per-cluster" });
    total = (await plan(raw)).document.cost!.monthlyUsd;
    cap = Math.ceil(total) + 50;
    fleet = await plan({ ...raw, policy: { maxMonthlyUsd: cap } });
  });

  it("gives each stack a share: at least its own estimate, the shares adding up to no more than the cap", () => {
    const shares = [...fleet.configs].map(([stack, config]) => {
      const mine = fleet.document.resources.filter((r) => r.stack === stack);
      return { estimate: stackCost(stackArgs(withMockIds(mine)).resources).monthlyUsd, share: (config["monthly-cost-cap"] as { maxMonthlyUsd: number }).maxMonthlyUsd };
    });
    expect(shares).toHaveLength(fleet.document.stacks!.length);
    for (const { estimate, share } of shares) expect(share).toBeGreaterThanOrEqual(estimate);
    expect(shares.reduce((sum, s) => sum + s.share, 0)).toBeLessThanOrEqual(cap);
    expect(fleet.document.violations).toEqual([]);
  });

  it("fails the stack that grows past its share, alone, and the fleet over its cap", async () => {
    const stack = clusterStackName("prod", "c1");
    const group = fleet.document.resources.find((r) => r.stack === stack && r.type === "aws:eks/nodeGroup:NodeGroup")!;
    const grown = fleet.document.resources.map((r) => (r === group ? changed(r, (g) => (g.inputs.scalingConfig.desiredSize += 2)) : r));
    expect(failing(await crossGuard(grown, fleet.configs))).toEqual([[stack, ["monthly-cost-cap"]]]);
    const planned = await infraViolations(grown, policyConfigOf(fleet.config, fleet.spec), fleet.configs);
    expect(planned.map((v) => v.message)).toEqual([expect.stringContaining("its share of policy.maxMonthlyUsd"), expect.stringContaining(`over policy.maxMonthlyUsd ($${cap.toLocaleString("en-US")}.00)`)]);
  });
});

describe("a single-stack fleet", () => {
  let fleet: Planned;
  beforeAll(async () => {
    fleet = await plan(fleetConfig(2));
  });

  it("is one stack judged with the fleet's config, and fails a dropped replication at its bucket as before", async () => {
    expect([...fleet.configs.keys()]).toEqual(["prod"]);
    expect(fleet.configs.get("prod")).toEqual(policyConfigOf(fleet.config, fleet.spec));
    expect(failing(await crossGuard(fleet.document.resources, fleet.configs))).toEqual([]);
    const [c0] = fleet.spec.clusters;
    const config = fleet.document.resources.find((r) => r.type === REPLICATION && r.inputs.bucket === c0.backup.bucket)!;
    const bucket = fleet.document.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.inputs.bucket === c0.backup.bucket)!;
    const found = await crossGuard(fleet.document.resources.filter((r) => r !== config), fleet.configs);
    expect(found.get("prod")!.map((v) => [v.policy, v.urn])).toEqual([["s3-backup-replicated", bucket.urn]]);
  });
});
