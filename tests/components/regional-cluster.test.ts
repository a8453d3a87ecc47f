import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { ACCESS_POLICIES, addonVersionsProblem, CORE_ADDON_VERSIONS } from "../../fleet";
import { EKS_VERSIONS } from "../../fleet/versions";
import { CURRENT_VERSION, DEPLOY_ROLE, fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const EKS = "aws:eks/cluster:Cluster";
const ADDON = "aws:eks/addon:Addon";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const named = (ev: Evaluation, type: string, name: string) => ofType(ev, type).find((r) => r.name === name) as RecordedResource;
const eks = (ev: Evaluation, cluster: string) => named(ev, EKS, `${cluster}-eks-cluster`);

describe("RegionalCluster security baseline", () => {
  let ev: Evaluation;
  let graph: DependencyGraph;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), ACCOUNT);
    graph = new DependencyGraph(ev.resources);
  });

  it("creates one EKS cluster per fleet cluster, in the cluster's region, with its deterministic name, the pinned version and the fleet's upgrade policy", () => {
    expect(ofType(ev, EKS).map((r) => [r.inputs.name, r.region, r.inputs.version, r.inputs.upgradePolicy]).sort()).toEqual([
      ["prod-c0", "us-east-1", CURRENT_VERSION, { supportType: "STANDARD" }],
      ["prod-c1", "us-west-2", CURRENT_VERSION, { supportType: "STANDARD" }],
    ]);
    // No component a provider plugin builds: everything AWS will see is in the plan.
    expect(ev.resources.filter((r) => !r.custom && !r.type.startsWith("eks-fleet:") && r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

  it("envelope-encrypts secrets with a rotating KMS key of the same region", () => {
    const key = named(ev, "aws:kms/key:Key", "c1-secrets");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.region).toBe("us-west-2");
    expect(eks(ev, "c1").inputs.encryptionConfig).toEqual({ resources: ["secrets"], provider: { keyArn: expect.stringMatching(/^arn:aws:kms:us-west-2:123456789012:key\//) } });
  });

  it("limits the public endpoint to apiAccessCidrs and keeps the private one", () => {
    expect(eks(ev, "c0").inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("enables all five control-plane log types, into the log group created before the cluster", () => {
    expect(eks(ev, "c0").inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(graph.waitsFor(eks(ev, "c0").urn, named(ev, "aws:cloudwatch/logGroup:LogGroup", "c0-logs-group").urn)).toBe(true);
  });

  it("authenticates with access entries only and grants the cluster's creator nothing", () => {
    expect(eks(ev, "c0").inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
  });

  it("runs the cluster under its own role with AmazonEKSClusterPolicy, trusted by EKS only", () => {
    const role = named(ev, "aws:iam/role:Role", "c0-eks-role");
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const attachment = named(ev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c0-eks-cluster-policy");
    expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
    // The cluster is created once the policy is attached, else EKS cannot manage its ENIs.
    expect(graph.waitsFor(eks(ev, "c0").urn, attachment.urn)).toBe(true);
  });

  it("creates the IRSA OIDC provider from the cluster's issuer, with no thumbprint fetched at run time", () => {
    const oidc = named(ev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "c0-eks-oidc");
    expect(oidc.inputs).toEqual({ url: expect.stringMatching(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/), clientIdLists: ["sts.amazonaws.com"], tags: expect.any(Object) });
    // IRSA roles trust exactly this provider and its issuer.
    const trust = JSON.parse(String(named(ev, "aws:iam/role:Role", "c0-velero-irsa-role").inputs.assumeRolePolicy)).Statement[0];
    const issuer = String(oidc.inputs.url).replace("https://", "");
    expect(trust.Principal.Federated).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`);
    expect(trust.Condition.StringEquals[`${issuer}:aud`]).toBe("sts.amazonaws.com");
  });

  it("runs the networking add-ons and the Pod Identity Agent as pinned EKS add-ons, network policy enforcement on", () => {
    const versions = CORE_ADDON_VERSIONS[CURRENT_VERSION];
    const addons = ofType(ev, ADDON).filter((a) => a.inputs.clusterName === "prod-c0" && a.inputs.addonName !== "aws-ebs-csi-driver");
    expect(Object.fromEntries(addons.map((a) => [a.inputs.addonName, a.inputs.addonVersion]))).toEqual({
      "vpc-cni": versions.vpcCni,
      "kube-proxy": versions.kubeProxy,
      coredns: versions.coreDns,
      "eks-pod-identity-agent": versions.podIdentityAgent,
    });
    const cni = addons.find((a) => a.inputs.addonName === "vpc-cni")!;
    expect(JSON.parse(String(cni.inputs.configurationValues))).toEqual({ enableNetworkPolicy: "true" });
    // EKS installs none itself: without these the nodes never become Ready.
    expect(eks(ev, "c0").inputs.bootstrapSelfManagedAddons).toBe(false);
  });

  it("pins the add-ons for every version EKS still runs, kube-proxy at the cluster's minor", () => {
    const running = EKS_VERSIONS.filter((v) => Date.parse(`${v.endOfExtended}T00:00:00Z`) > Date.now()).map((v) => v.version);
    expect(running.length).toBeGreaterThan(0);
    for (const version of running) {
      expect([version, CORE_ADDON_VERSIONS[version]?.kubeProxy]).toEqual([version, expect.stringMatching(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+-eksbuild\\.\\d+$`))]);
      for (const pinned of Object.values(CORE_ADDON_VERSIONS[version])) expect(pinned).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
  });

  it("refuses a Kubernetes version without pinned add-ons, naming the table (parse runs this check)", () => {
    expect(addonVersionsProblem(CURRENT_VERSION)).toBeUndefined();
    expect(addonVersionsProblem("1.99")).toBe(
      "no add-on versions are pinned for 1.99: add its row to CORE_ADDON_VERSIONS in fleet/versions.ts (aws eks describe-addon-versions --kubernetes-version 1.99)",
    );
  });

  it("creates nodes after pod networking, CoreDNS after the nodes, and the node role and launch template without waiting for the cluster", () => {
    const group = named(ev, "aws:eks/nodeGroup:NodeGroup", "c0-nodes-group");
    const addon = (name: string) => ofType(ev, ADDON).find((a) => a.inputs.clusterName === "prod-c0" && a.inputs.addonName === name)!;
    expect(graph.waitsFor(group.urn, addon("vpc-cni").urn)).toBe(true);
    expect(graph.waitsFor(group.urn, addon("kube-proxy").urn)).toBe(true);
    expect(graph.waitsFor(addon("coredns").urn, group.urn)).toBe(true);
    for (const early of [named(ev, "aws:iam/role:Role", "c0-nodes-role"), named(ev, "aws:ec2/launchTemplate:LaunchTemplate", "c0-nodes-template")]) {
      expect([early.name, graph.waitsFor(early.urn, eks(ev, "c0").urn)]).toEqual([early.name, false]);
    }
  });

  it("gives the deploy role cluster-admin through its own access entry, before anything talks to the cluster's API", () => {
    const entry = named(ev, "aws:eks/accessEntry:AccessEntry", "c0-access-deployer");
    expect(entry.inputs).toMatchObject({ clusterName: "prod-c0", principalArn: DEPLOY_ROLE, type: "STANDARD" });
    const association = named(ev, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "c0-access-deployer-policy");
    expect(association.inputs).toEqual({ clusterName: "prod-c0", principalArn: DEPLOY_ROLE, policyArn: ACCESS_POLICIES.clusterAdmin, accessScope: { type: "cluster" } });
    const provider = named(ev, "pulumi:providers:kubernetes", "c0-k8s");
    expect(graph.waitsFor(provider.urn, association.urn)).toBe(true);
  });

  it("grants cluster-admin to the listed admins and view alone to the preview role", async () => {
    const admins = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:role/sre"];
    const preview = "arn:aws:iam::123456789012:role/eks-fleet-preview";
    const withAccess = await evaluateProgram(stackConfig(fleetConfig(2, { clusterAdmins: admins, previewRoleArn: preview })), ACCOUNT);
    const grants = ofType(withAccess, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.inputs.clusterName === "prod-c1");
    expect(grants.map((a) => [a.inputs.principalArn, a.inputs.policyArn, (a.inputs.accessScope as any).type]).sort()).toEqual(
      [
        [DEPLOY_ROLE, ACCESS_POLICIES.clusterAdmin, "cluster"],
        [admins[0], ACCESS_POLICIES.clusterAdmin, "cluster"],
        [admins[1], ACCESS_POLICIES.clusterAdmin, "cluster"],
        [preview, ACCESS_POLICIES.view, "cluster"],
      ].sort(),
    );
  });

  it("refuses to plan a private-only endpoint, which the deploy could not reach", async () => {
    await expect(evaluateProgram(stackConfig(fleetConfig(2, { apiAccessCidrs: [] })), ACCOUNT)).rejects.toThrow(/fleet\.apiAccessCidrs: is empty, and a private-only endpoint is not offered/);
  });

  it("keeps nodes off public IPs, in the private subnets only", () => {
    const group = named(ev, "aws:eks/nodeGroup:NodeGroup", "c0-nodes-group");
    const privateSubnets = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c0-private-"));
    expect(group.inputs.subnetIds).toHaveLength(privateSubnets.length);
    expect(group.inputs.scalingConfig).toEqual({ minSize: 2, desiredSize: 3, maxSize: 6 });
    for (const subnet of ofType(ev, "aws:ec2/subnet:Subnet")) expect(subnet.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it("enforces IMDSv2 with a hop limit of 1 on nodes", () => {
    const template = named(ev, "aws:ec2/launchTemplate:LaunchTemplate", "c0-nodes-template");
    expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  it("carves the VPC into three private and three public subnets over the table's zones, with a NAT gateway per zone", () => {
    const subnets = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c1-"));
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

  it("hands the Kubernetes provider a kubeconfig built from the cluster's endpoint and CA, as a secret", () => {
    expect(named(ev, "pulumi:providers:kubernetes", "c0-k8s").inputs.kubeconfig).toBe("[secret]");
    const [{ kubeconfigs }] = [ev.outputs as { kubeconfigs: Record<string, string> }];
    const config = JSON.parse(kubeconfigs.c0);
    expect(config.clusters[0].cluster.server).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
    expect(config.users[0].user.exec).toMatchObject({ command: "aws", args: ["eks", "get-token", "--cluster-name", "prod-c0", "--region", "us-east-1", "--output", "json"] });
  });

  it("looks nothing up: no data source, no caller identity, the hosted zone from the stack file", () => {
    const records = ofType(ev, "aws:route53/record:Record");
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.inputs.zoneId).toBe("Z0123456789ABCDEFGHIJ");
    for (const provider of ofType(ev, "pulumi:providers:aws")) {
      expect(provider.inputs).toMatchObject({ skipCredentialsValidation: "true", skipRequestingAccountId: "true", skipMetadataApiCheck: "true", skipRegionValidation: "true" });
    }
  });
});
