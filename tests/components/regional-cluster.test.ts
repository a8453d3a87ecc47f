import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const named = (ev: Evaluation, type: string, name: string) => ofType(ev, type).find((r) => r.name === name) as RecordedResource;

describe("RegionalCluster security baseline", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), ACCOUNT);
  });

  it("creates one EKS cluster per fleet cluster, in the cluster's region, with its deterministic name", () => {
    expect(ofType(ev, "eks:index:Cluster").map((r) => [r.inputs.name, r.region]).sort()).toEqual([
      ["prod-c0", "us-east-1"],
      ["prod-c1", "us-west-2"],
    ]);
  });

  it("envelope-encrypts secrets with a rotating KMS key of the same region", () => {
    const cluster = named(ev, "eks:index:Cluster", "c1-eks");
    const key = named(ev, "aws:kms/key:Key", "c1-secrets");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.region).toBe("us-west-2");
    expect(cluster.inputs.encryptionConfigKeyArn).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\//);
  });

  it("limits the public endpoint to apiAccessCidrs and keeps the private one", () => {
    const { inputs } = named(ev, "eks:index:Cluster", "c0-eks");
    expect(inputs).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("enables all five control-plane log types", () => {
    expect(named(ev, "eks:index:Cluster", "c0-eks").inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
  });

  it("authenticates with access entries, not the aws-auth ConfigMap", () => {
    expect(named(ev, "eks:index:Cluster", "c0-eks").inputs.authenticationMode).toBe("API");
  });

  it("keeps nodes off public IPs and out of the default node group", () => {
    expect(named(ev, "eks:index:Cluster", "c0-eks").inputs).toMatchObject({ skipDefaultNodeGroup: true, nodeAssociatePublicIpAddress: false });
  });

  it("enforces IMDSv2 with a hop limit of 1 on nodes", () => {
    const template = named(ev, "aws:ec2/launchTemplate:LaunchTemplate", "c0-nodes-template");
    expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  it("places the node group in the private subnets only", () => {
    const privateIds = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c0-private-")).map((s) => s.urn);
    const group = named(ev, "aws:eks/nodeGroup:NodeGroup", "c0-nodes-group");
    expect(group.inputs.subnetIds).toHaveLength(3);
    const subnetsById = new Map(ofType(ev, "aws:ec2/subnet:Subnet").map((s) => [s.name, s]));
    expect([...subnetsById.keys()].filter((n) => n.startsWith("c0-private-"))).toHaveLength(privateIds.length);
    expect(group.inputs.scalingConfig).toEqual({ minSize: 2, desiredSize: 3, maxSize: 6 });
    for (const subnet of ofType(ev, "aws:ec2/subnet:Subnet")) expect(subnet.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("carves the VPC into three private and three public subnets over three zones, with a NAT gateway per zone", () => {
    const subnets = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c1-"));
    // The mock account maps us-west-2a to usw2-az2: zones are chosen by ID, in ID order.
    expect(subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZoneId]).sort()).toEqual([
      ["c1-private-0", "10.1.0.0/19", "usw2-az1"],
      ["c1-private-1", "10.1.32.0/19", "usw2-az2"],
      ["c1-private-2", "10.1.64.0/19", "usw2-az3"],
      ["c1-public-0", "10.1.96.0/22", "usw2-az1"],
      ["c1-public-1", "10.1.100.0/22", "usw2-az2"],
      ["c1-public-2", "10.1.104.0/22", "usw2-az3"],
    ]);
    for (const subnet of subnets) expect(subnet.inputs.availabilityZone).toBeUndefined();
    expect(ofType(ev, "aws:ec2/natGateway:NatGateway").filter((n) => n.name.startsWith("c1-"))).toHaveLength(3);
  });

  it("never places a subnet in a zone EKS refuses (use1-az3)", () => {
    const zones = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c0-private-")).map((s) => s.inputs.availabilityZoneId);
    expect(zones.sort()).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
  });

  it("grants cluster-admin through access entries only to the listed roles", async () => {
    // Not the mock engine's caller (role/deployer), which EKS makes admin as the cluster creator.
    const admins = ["arn:aws:iam::123456789012:role/platform-admins"];
    const withAdmins = await evaluateProgram(stackConfig(fleetConfig(2, { clusterAdmins: admins })), ACCOUNT);
    const entries = named(withAdmins, "eks:index:Cluster", "c0-eks").inputs.accessEntries as Record<string, any>;
    expect(Object.values(entries).map((e) => e.principalArn)).toEqual(admins);
    expect(Object.values(entries)[0].accessPolicies.admin.accessScope).toEqual({ type: "cluster" });
  });

  it("makes the endpoint private-only when no CIDRs are listed", async () => {
    const privateOnly = await evaluateProgram(stackConfig(fleetConfig(2, { apiAccessCidrs: [] })), ACCOUNT);
    const { inputs } = named(privateOnly, "eks:index:Cluster", "c0-eks");
    expect(inputs.endpointPublicAccess).toBe(false);
    expect(inputs.publicAccessCidrs).toBeUndefined();
  });

  it("hands the kubeconfig to the Kubernetes provider as a secret", () => {
    expect(named(ev, "pulumi:providers:kubernetes", "c0-k8s").inputs.kubeconfig).toBe("[secret]");
  });
});
