import { REPLACE_ON_CHANGE } from "../../cli/diff/replacement";
import { MockContext, mockState } from "../../cli/engine/mock-state";

/** One resource's mock state, as the offline engine answers its registration. */
const state = (type: string, inputs: Record<string, unknown>, options?: MockContext["options"]) =>
  mockState({ type, name: "thing", inputs, region: "eu-west-1", accountId: "123456789012", options });

const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const template = (volumeSize: number, tags: Record<string, string> = { team: "a" }) => ({
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize, volumeType: "gp3" } }],
  metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
  tags,
});

describe("offline identity: what a replacement changes, a replacement changes", () => {
  it("gives a resource a new ID and new generated outputs when an input that forces its replacement changes", () => {
    const vpc = "aws:ec2/vpc:Vpc";
    expect(REPLACE_ON_CHANGE[vpc].properties).toContain("cidrBlock");
    expect(state(vpc, { cidrBlock: "10.1.0.0/16" }).id).not.toBe(state(vpc, { cidrBlock: "10.2.0.0/16" }).id);
    // An in-place change keeps the identity.
    expect(state(vpc, { cidrBlock: "10.1.0.0/16", tags: { a: "1" } }).id).toBe(state(vpc, { cidrBlock: "10.1.0.0/16", tags: { a: "2" } }).id);

    const lb = "aws:lb/loadBalancer:LoadBalancer";
    const [internal, external] = [true, false].map((flag) => state(lb, { loadBalancerType: "network", internal: flag }).state);
    expect(internal.arn).not.toBe(external.arn);
    expect(internal.dnsName).not.toBe(external.dnsName);
  });

  it("draws a new auto-name for a replaced resource, and keeps an explicit name and the ARN made of it", () => {
    const role = "aws:iam/role:Role";
    expect(state(role, { path: "/a/" }).state.name).not.toBe(state(role, { path: "/b/" }).state.name);
    const named = (assumeRolePolicy: string) => state(role, { name: "fixed", assumeRolePolicy }).state;
    expect(named("{}").arn).toBe(named('{"Statement":[]}').arn);
  });

  it("gives a replaced EKS cluster a new OIDC issuer and endpoint, so every IRSA trust follows", () => {
    const cluster = (roleArn: string) => state("aws:eks/cluster:Cluster", { name: "prod-c0", roleArn, vpcConfig: { subnetIds: ["subnet-1"] } }).state as Record<string, any>;
    const [a, b] = [cluster("arn:aws:iam::123456789012:role/a"), cluster("arn:aws:iam::123456789012:role/b")];
    expect(a.identities[0].oidcs[0].issuer).not.toBe(b.identities[0].oidcs[0].issuer);
    expect(a.endpoint).not.toBe(b.endpoint);
    expect(a.vpcConfig.clusterSecurityGroupId).not.toBe(b.vpcConfig.clusterSecurityGroupId);
    // Its ARN is made of its name, which stays.
    expect(a.arn).toBe(b.arn);
  });

  it("names a node group `<cluster>:<node group>` as the provider does, and gives a replaced one a new name and ARN", () => {
    const nodeGroup = "aws:eks/nodeGroup:NodeGroup";
    const group = (instanceTypes: string[], desiredSize = 3) => state(nodeGroup, { clusterName: "prod-c0", instanceTypes, scalingConfig: { desiredSize } });
    const [a, b] = [group(["m6i.large"]), group(["m7i.large"])];
    expect(a.id).toBe(`prod-c0:${a.state.nodeGroupName}`);
    expect(String(a.state.arn).startsWith(`arn:aws:eks:eu-west-1:123456789012:nodegroup/prod-c0/${a.state.nodeGroupName}/`)).toBe(true);
    expect(REPLACE_ON_CHANGE[nodeGroup].properties).toContain("instanceTypes");
    expect(b.state.nodeGroupName).not.toBe(a.state.nodeGroupName);
    expect(b.state.arn).not.toBe(a.state.arn);
    // Scaling is updated in place: the same group.
    expect(group(["m6i.large"], 5)).toEqual({ ...a, state: { ...a.state, scalingConfig: { desiredSize: 5 } } });
    // An explicit name stays; the ARN still ends in an ID EKS draws anew for a replacement.
    const named = (instanceTypes: string[]) => state(nodeGroup, { clusterName: "prod-c0", nodeGroupName: "system", instanceTypes });
    expect(named(["m7i.large"]).id).toBe("prod-c0:system");
    expect(named(["m6i.large"]).state.arn).not.toBe(named(["m7i.large"]).state.arn);
  });

  it("advances a launch template's latestVersion when its content changes, not when only its tags do", () => {
    const version = (inputs: Record<string, unknown>) => state(TEMPLATE, inputs).state.latestVersion;
    expect(version(template(50))).not.toBe(version(template(80)));
    expect(version(template(50, { team: "a" }))).toBe(version(template(50, { team: "b" })));
    expect(Number.isInteger(version(template(50)))).toBe(true);
    // A new version, not a new template: the ID stays.
    expect(state(TEMPLATE, template(50)).id).toBe(state(TEMPLATE, template(80)).id);
  });

  it("replaces on the resource's own replaceOnChanges, replacementTrigger and replaceWith, as the engine does", () => {
    const group = "aws:ec2/securityGroup:SecurityGroup";
    const base = { vpcId: "vpc-1", tags: { tier: "a" } };
    const id = (inputs: Record<string, unknown>, options?: MockContext["options"]) => state(group, inputs, options).id;
    expect(id(base)).toBe(id({ ...base, tags: { tier: "b" } }));
    expect(id(base, { replaceOnChanges: ["tags"] })).not.toBe(id({ ...base, tags: { tier: "b" } }, { replaceOnChanges: ["tags"] }));
    expect(id(base, { replacementTrigger: "vpc-1" })).not.toBe(id(base, { replacementTrigger: "vpc-2" }));
    expect(id(base, { replaceWith: ["vpc-1"] })).not.toBe(id(base, { replaceWith: ["vpc-2"] }));
  });
});
