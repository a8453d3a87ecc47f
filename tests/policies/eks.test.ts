import {
  eksApiAuthentication, eksControlPlaneLogs, eksEndpointNotPublic, eksSecretsEncrypted, nodesImdsv2,
} from "../../policies/eks";
import { resourceArgs } from "../../policies/evaluate";
import { changed, resource, resourceMessages } from "./harness";
import { CURRENT_VERSION } from "../fixtures/fleets";

const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The @pulumi/eks component as plan.json records it (prod-like). */
const component = () =>
  resource("eks:index:Cluster", "use1-eks", {
    name: "prod-use1",
    version: CURRENT_VERSION,
    encryptionConfigKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    enabledClusterLogTypes: LOGS,
    authenticationMode: "API",
  });

/** The aws:eks/cluster:Cluster the component creates, as the real engine shows it. */
const awsCluster = () =>
  resource("aws:eks/cluster:Cluster", "use1-eks-eksCluster", {
    name: "prod-use1",
    version: CURRENT_VERSION,
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" } },
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-1"] },
    enabledClusterLogTypes: LOGS,
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
  });

const template = () =>
  resource("aws:ec2/launchTemplate:LaunchTemplate", "use1-nodes-template", {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  });

describe("EKS rules", () => {
  const all = [eksSecretsEncrypted, eksEndpointNotPublic, eksControlPlaneLogs, eksApiAuthentication];

  it.each(all.map((p) => [p.name, p]))("%s passes the secure component and AWS cluster", async (_, policy) => {
    expect(await resourceMessages(policy, component())).toEqual([]);
    expect(await resourceMessages(policy, awsCluster())).toEqual([]);
  });

  it.each(all.map((p) => [p.name, p]))("%s skips a component whose inputs the engine did not pass", async (_, policy) => {
    expect(await resourceMessages(policy, resource("eks:index:Cluster", "c", {}))).toEqual([]);
  });

  it("reads values that are unknown during preview without failing the rule", async () => {
    // The engine hands policies a proxy that throws on unknown values (a key ARN not created yet).
    const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
    const { unknownValue } = require("@pulumi/pulumi/runtime/rpc");
    const args = resourceArgs(changed(component(), (r) => (r.inputs.encryptionConfigKeyArn = "x")));
    const props = unknownCheckingProxy({ ...args.props, encryptionConfigKeyArn: unknownValue, publicAccessCidrs: unknownValue });
    const found: string[] = [];
    for (const policy of [eksSecretsEncrypted, eksEndpointNotPublic]) await (policy.validateResource as any)({ ...args, props }, (m: string) => found.push(m));
    expect(found).toEqual([]);
  });

  it("eks-secrets-encrypted: a cluster without a KMS key", async () => {
    expect(await resourceMessages(eksSecretsEncrypted, changed(component(), (r) => delete r.inputs.encryptionConfigKeyArn))).toEqual([
      "Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a KMS key in the cluster's region with enableKeyRotation: true.",
    ]);
    expect(await resourceMessages(eksSecretsEncrypted, changed(awsCluster(), (r) => (r.inputs.encryptionConfig.resources = [])))).toEqual([
      "Kubernetes secrets are not envelope-encrypted. Set encryptionConfig: { resources: [\"secrets\"], provider: { keyArn } } with a KMS key in the cluster's region.",
    ]);
  });

  it("eks-endpoint-not-public: open to 0.0.0.0/0, or public without CIDRs", async () => {
    const message = (open: string) =>
      `The API endpoint is public to the world (${open}). Set endpointPublicAccess: false, or list the CIDR blocks that may reach it in publicAccessCidrs (fleet key apiAccessCidrs).`;
    expect(await resourceMessages(eksEndpointNotPublic, changed(component(), (r) => (r.inputs.publicAccessCidrs = ["0.0.0.0/0"])))).toEqual([message("0.0.0.0/0")]);
    expect(await resourceMessages(eksEndpointNotPublic, changed(component(), (r) => delete r.inputs.publicAccessCidrs))).toEqual([message("0.0.0.0/0 (the default)")]);
    // EKS defaults to a public endpoint: leaving it unset is as open as asking for it.
    expect(await resourceMessages(eksEndpointNotPublic, changed(awsCluster(), (r) => delete r.inputs.vpcConfig.endpointPublicAccess))).toEqual([message("0.0.0.0/0 (the default)")]);
  });

  it("eks-control-plane-logs: a missing log type", async () => {
    expect(await resourceMessages(eksControlPlaneLogs, changed(awsCluster(), (r) => (r.inputs.enabledClusterLogTypes = ["api", "audit"])))).toEqual([
      "Control-plane log types authenticator, controllerManager, scheduler are not enabled. Set enabledClusterLogTypes to api, audit, authenticator, controllerManager, scheduler.",
    ]);
  });

  it("eks-api-authentication-mode: the aws-auth ConfigMap", async () => {
    expect(await resourceMessages(eksApiAuthentication, changed(component(), (r) => (r.inputs.authenticationMode = "API_AND_CONFIG_MAP")))).toEqual([
      "Authentication mode is API_AND_CONFIG_MAP. Set authenticationMode to \"API\" and grant access with access entries.",
    ]);
    expect(await resourceMessages(eksApiAuthentication, changed(awsCluster(), (r) => delete r.inputs.accessConfig))).toEqual([
      "Authentication mode is CONFIG_MAP (the default). Set accessConfig.authenticationMode to \"API\" and grant access with access entries.",
    ]);
  });

  it("nodes-imdsv2: IMDSv1 allowed or a hop limit that reaches pods", async () => {
    expect(await resourceMessages(nodesImdsv2, template())).toEqual([]);
    expect(await resourceMessages(nodesImdsv2, changed(template(), (r) => (r.inputs.metadataOptions.httpPutResponseHopLimit = 2)))).toEqual([
      "Instance metadata allows IMDSv1 or reaches pods: httpPutResponseHopLimit is 2. Set metadataOptions: { httpTokens: \"required\", httpPutResponseHopLimit: 1 }.",
    ]);
    expect(await resourceMessages(nodesImdsv2, changed(template(), (r) => delete r.inputs.metadataOptions))).toEqual([
      "Instance metadata allows IMDSv1 or reaches pods: httpTokens is optional (the default), httpPutResponseHopLimit is unset. Set metadataOptions: { httpTokens: \"required\", httpPutResponseHopLimit: 1 }.",
    ]);
  });
});
