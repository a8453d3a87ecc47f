import { regionsAllowed } from "../../policies/fleet";
import { route53RoutingHealthChecked } from "../../policies/route53";
import { secretsReplicated } from "../../policies/secretsmanager";
import { changed, resource, stackMessages } from "./harness";

const clusters = [
  resource("aws:eks/cluster:Cluster", "use1-eks-cluster", { name: "prod-use1" }, { region: "us-east-1" }),
  resource("aws:eks/cluster:Cluster", "usw2-eks-cluster", { name: "prod-usw2" }, { region: "us-west-2" }),
];
const secret = () =>
  resource("aws:secretsmanager/secret:Secret", "payments-db", {
    name: "payments/db-credentials",
    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/home",
    replicas: [{ region: "us-west-2", kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/replica" }],
  });

describe("secrets-replicated-with-cmk", () => {
  it("passes a secret replicated to every other cluster region with its own keys", async () => {
    expect(await stackMessages(secretsReplicated, [...clusters, secret()])).toEqual([]);
  });

  it("reports a missing replica region, naming the fleet's regions", async () => {
    expect(await stackMessages(secretsReplicated, [...clusters, changed(secret(), (r) => (r.inputs.replicas = []))])).toEqual([
      {
        urn: secret().urn,
        message: "Secret 'payments/db-credentials': no replica in us-west-2. Set kmsKeyId on the secret and replicas: [{ region, kmsKeyId }] for each fleet region (us-east-1, us-west-2) with a key in that region.",
      },
    ]);
  });

  it("reports the AWS-managed key on the secret or a replica", async () => {
    const managed = changed(secret(), (r) => {
      r.inputs.kmsKeyId = "alias/aws/secretsmanager";
      delete r.inputs.replicas[0].kmsKeyId;
    });
    expect((await stackMessages(secretsReplicated, [...clusters, managed]))[0].message).toMatch(
      /^Secret 'payments\/db-credentials': kmsKeyId is not a customer-managed KMS key; replica in us-west-2 has no customer-managed kmsKeyId\. /,
    );
  });

  it("takes the regions from config when given", async () => {
    const found = await stackMessages(secretsReplicated, [...clusters, secret()], { regions: ["us-east-1", "us-west-2", "eu-west-1"] });
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining("no replica in eu-west-1.")]);
  });
});

describe("route53-routing-health-checked", () => {
  const check = (interval: number) => resource("aws:route53/healthCheck:HealthCheck", "use1-health", { fqdn: "use1.api.example.com", requestInterval: interval, type: "HTTPS" }, { id: "hc-use1" });
  const record = (inputs: Record<string, unknown> = {}) =>
    resource("aws:route53/record:Record", "api-use1", {
      name: "api.example.com", type: "CNAME", setIdentifier: "use1", healthCheckId: "hc-use1", failoverRoutingPolicies: [{ type: "PRIMARY" }], records: ["use1.api.example.com"], ...inputs,
    });

  it("passes a failover record with a 10 s health check, and ignores simple records", async () => {
    expect(await stackMessages(route53RoutingHealthChecked, [check(10), record()])).toEqual([]);
    expect(await stackMessages(route53RoutingHealthChecked, [resource("aws:route53/record:Record", "simple", { name: "x.example.com", type: "A" })])).toEqual([]);
  });

  it("reports a failover or latency record without a health check", async () => {
    const bare = changed(record({ latencyRoutingPolicies: [{ region: "us-east-1" }], failoverRoutingPolicies: [] }), (r) => delete r.inputs.healthCheckId);
    expect(await stackMessages(route53RoutingHealthChecked, [bare])).toEqual([
      { urn: bare.urn, message: "The latency record 'api.example.com' (use1) has no health check, so Route 53 keeps answering with it when its cluster is down. Set healthCheckId to an aws.route53.HealthCheck of that cluster's hostname." },
    ]);
  });

  it("accepts an alias that evaluates its target's health, but not one that ignores it", async () => {
    const alias = (evaluateTargetHealth: boolean) =>
      changed(record({ aliases: [{ name: "standby.api.example.com", zoneId: "Z1", evaluateTargetHealth }] }), (r) => delete r.inputs.healthCheckId);
    expect(await stackMessages(route53RoutingHealthChecked, [alias(true)])).toEqual([]);
    expect(await stackMessages(route53RoutingHealthChecked, [alias(false)])).toHaveLength(1);
  });

  it("accepts a PRIMARY alone that answers with Global Accelerator, which checks its own endpoints; not beside a SECONDARY, nor another target", async () => {
    const accelerator = changed(record({ setIdentifier: "primary", records: ["a1b2c3d4e5f6a7b8c.awsglobalaccelerator.com"] }), (r) => delete r.inputs.healthCheckId);
    expect(await stackMessages(route53RoutingHealthChecked, [accelerator])).toEqual([]);
    const secondary = resource("aws:route53/record:Record", "api-secondary", {
      name: "api.example.com", type: "CNAME", setIdentifier: "secondary", failoverRoutingPolicies: [{ type: "SECONDARY" }], aliases: [{ name: "_takeover.api.example.com", zoneId: "Z1", evaluateTargetHealth: true }],
    });
    expect(await stackMessages(route53RoutingHealthChecked, [accelerator, secondary])).toHaveLength(1);
    const elsewhere = changed(accelerator, (r) => (r.inputs.records = ["a1b2c3d4e5f6a7b8c.awsglobalaccelerator.com.evil.example"]));
    expect(await stackMessages(route53RoutingHealthChecked, [elsewhere])).toHaveLength(1);
  });

  it("reports a health check at the slow 30 s interval", async () => {
    expect(await stackMessages(route53RoutingHealthChecked, [check(30), record()])).toEqual([
      { urn: record().urn, message: "The failover record 'api.example.com' (use1) uses health check 'use1-health' with requestInterval 30. Set requestInterval: 10 (fixed at creation: replace the check) so failover detection stays within the fleet's RTO." },
    ]);
  });
});

describe("regions-allowed", () => {
  const provider = (region: string) => resource("pulumi:providers:aws", `aws-${region}`, { region }, { region: null });

  it("allows everything when no allow-list is configured", async () => {
    expect(await stackMessages(regionsAllowed, [provider("ap-south-1")], { allowedRegions: [] })).toEqual([]);
  });

  it("reports a provider, an explicit region and a secret replica outside the allow-list", async () => {
    const allowed = { allowedRegions: ["us-east-1", "us-west-2"] };
    expect(await stackMessages(regionsAllowed, [provider("us-east-1"), provider("us-west-2"), secret()], allowed)).toEqual([]);
    const bucket = resource("aws:s3/bucket:Bucket", "b", { bucket: "b", region: "eu-west-1" });
    const abroad = changed(secret(), (r) => r.inputs.replicas.push({ region: "eu-central-1", kmsKeyId: "k" }));
    expect((await stackMessages(regionsAllowed, [provider("ap-south-1"), bucket, abroad], allowed)).map((f) => f.message)).toEqual([
      "'aws-ap-south-1' uses provider region ap-south-1, outside the allowed regions (us-east-1, us-west-2). Move it to an allowed region, or add ap-south-1 to policy.allowedRegions in the fleet config (and the pack's --policy-pack-config).",
      "'b' uses region eu-west-1, outside the allowed regions (us-east-1, us-west-2). Move it to an allowed region, or add eu-west-1 to policy.allowedRegions in the fleet config (and the pack's --policy-pack-config).",
      "'payments-db' uses replica region eu-central-1, outside the allowed regions (us-east-1, us-west-2). Move it to an allowed region, or add eu-central-1 to policy.allowedRegions in the fleet config (and the pack's --policy-pack-config).",
    ]);
  });
});
