import * as path from "path";
import { planStack } from "../../cli/engine/plan-stack";
import { infraViolations, policyConfigOf } from "../../cli/policy-run";
import { EKS_VERSIONS, supportPhase } from "../../fleet/versions";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

function stackFile(fleet: Record<string, unknown>): string {
  const file = path.join(tempDir("stack-"), "Pulumi.test.yaml");
  return writeStackFile(file, fleet);
}

describe("npm run plan runs the policies", () => {
  it("the prod stack passes every rule (the calendar's reminder aside: in its last 60 days of standard support, upgrade prod)", async () => {
    const { document } = await planStack(path.resolve(__dirname, "../../Pulumi.prod.yaml"));
    expect(document.violations.filter((v) => v.policy !== "eks-version-support-ending")).toEqual([]);
  });

  it("fails a fleet on a version out of EKS standard support, on every cluster", async () => {
    const aged = EKS_VERSIONS.filter((v) => supportPhase(v.version, new Date()) === "extended").at(-1)!.version;
    const { document } = await planStack(stackFile(fleetConfig(2, { kubernetesVersion: aged })));
    expect(document.violations).toEqual([
      expect.objectContaining({ policy: "eks-version-standard-support", enforcement: "mandatory", urn: expect.stringMatching(/::c0-eks-cluster$/), message: expect.stringContaining(`Kubernetes ${aged} left EKS standard support`) }),
      expect.objectContaining({ policy: "eks-version-standard-support", enforcement: "mandatory", urn: expect.stringMatching(/::c1-eks-cluster$/) }),
    ]);
  });

  it("records violations in plan.json, with the pack config taken from the fleet's policy key", async () => {
    const { document } = await planStack(stackFile(fleetConfig(2, { policy: { allowedRegions: ["us-east-1"] } })));
    expect(document.violations).toEqual([
      // c0's backups replicate to c1 in us-west-2, where S3 publishes the rule's metrics and its alarm lives.
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/metricAlarm:MetricAlarm::c0-backup-replication-latency$/) }),
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/pulumi:providers:aws::aws-us-west-2$/) }),
      // The fleet's secrets replicate to every cluster region, so the replica is flagged too.
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/secretsmanager\/secret:Secret::secrets-payments-db-credentials$/) }),
      expect.objectContaining({ policy: "regions-allowed", enforcement: "mandatory", file: null, urn: expect.stringMatching(/secretsmanager\/secret:Secret::secrets-repository-password$/) }),
    ]);
  });

  it("judges every EKS resource AWS will see, for every cluster: what plan.json lists is what the rules read", async () => {
    const { document, config, spec } = await planStack(path.resolve(__dirname, "../../Pulumi.prod.yaml"));
    const of = (type: string) => document.resources.filter((r) => r.type === type);
    for (const cluster of document.clusters) {
      const count = (type: string) => of(type).filter((r) => r.cluster === cluster.name).length;
      expect([
        cluster.name,
        count("aws:eks/cluster:Cluster"),
        count("aws:iam/openIdConnectProvider:OpenIdConnectProvider"),
        of("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.cluster === cluster.name && r.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy").length,
        count("aws:eks/addon:Addon"),
        count("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
      ]).toEqual([cluster.name, 1, 1, 1, 5, 3]);
    }
    // The same plan with one cluster opened to the world and one admin nobody configured.
    const [use1] = of("aws:eks/cluster:Cluster");
    const [grant] = of("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    const broken = document.resources.map((r) =>
      r === use1 ? { ...r, inputs: { ...r.inputs, vpcConfig: { ...(r.inputs.vpcConfig as object), publicAccessCidrs: ["0.0.0.0/0"] } } }
      : r === grant ? { ...r, inputs: { ...r.inputs, principalArn: "arn:aws:iam::123456789012:role/ci-runner" } }
      : r,
    );
    const found = await infraViolations(broken, policyConfigOf(config, spec));
    expect(found.map((v) => [v.policy, v.urn])).toEqual(
      expect.arrayContaining([["eks-endpoint-not-public", use1.urn], ["eks-access-entries", grant.urn]]),
    );
  });
});
