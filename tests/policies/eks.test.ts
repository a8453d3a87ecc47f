import {
  eksAccessEntries, eksApiAuthentication, eksControlPlaneLogs, eksEndpointNotPublic, eksNoCreatorAdmin, eksSecretsEncrypted, eksZonalShift, nodesImdsv2,
} from "../../policies/eks";
import { resourceArgs } from "../../policies/evaluate";
import { policyConfigOf } from "../../cli/policy-run";
import { ACCESS_POLICIES } from "../../fleet";
import { CURRENT_VERSION, DEPLOY_ROLE, fleetConfig, stackConfig } from "../fixtures/fleets";
import { parseFleet } from "../../fleet";
import { changed, resource, resourceMessages } from "./harness";

const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const ADMIN = "arn:aws:iam::123456789012:role/platform-admins";
const PREVIEW = "arn:aws:iam::123456789012:role/eks-fleet-preview";

/** The aws:eks/cluster:Cluster of a prod cluster, as plan.json records it. */
const awsCluster = () =>
  resource("aws:eks/cluster:Cluster", "use1-eks-cluster", {
    name: "prod-use1",
    version: CURRENT_VERSION,
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/abc" } },
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"], subnetIds: ["subnet-1"] },
    enabledClusterLogTypes: LOGS,
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    bootstrapSelfManagedAddons: false,
    zonalShiftConfig: { enabled: true },
  });

const association = (principalArn: string, policyArn: string) =>
  resource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "use1-access-x-policy", { clusterName: "prod-use1", principalArn, policyArn, accessScope: { type: "cluster" } });

const template = () =>
  resource("aws:ec2/launchTemplate:LaunchTemplate", "use1-nodes-template", {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  });

describe("EKS rules", () => {
  const clusterRules = [eksSecretsEncrypted, eksEndpointNotPublic, eksControlPlaneLogs, eksApiAuthentication, eksNoCreatorAdmin, eksZonalShift];

  it.each(clusterRules.map((p) => [p.name, p]))("%s passes the secure cluster", async (_, policy) => {
    expect(await resourceMessages(policy, awsCluster())).toEqual([]);
  });

  it("reads values that are unknown during preview without failing the rule", async () => {
    // The engine hands policies a proxy that throws on unknown values (a key ARN not created yet).
    const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
    const { unknownValue } = require("@pulumi/pulumi/runtime/rpc");
    const args = resourceArgs(awsCluster());
    const props = unknownCheckingProxy({
      ...args.props,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: unknownValue } },
      vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: unknownValue },
    });
    const found: string[] = [];
    for (const policy of [eksSecretsEncrypted, eksEndpointNotPublic]) await (policy.validateResource as any)({ ...args, props }, (m: string) => found.push(m));
    expect(found).toEqual([]);
  });

  it("eks-zonal-shift: a cluster not registered with ARC zonal shift (EKS's default)", async () => {
    const message = ["Zonal shift is off, so no one (not an operator, not zonal autoshift) can move the cluster's traffic away from an impaired Availability Zone. Set zonalShiftConfig: { enabled: true }."];
    expect(await resourceMessages(eksZonalShift, changed(awsCluster(), (r) => delete r.inputs.zonalShiftConfig))).toEqual(message);
    expect(await resourceMessages(eksZonalShift, changed(awsCluster(), (r) => (r.inputs.zonalShiftConfig.enabled = false)))).toEqual(message);
  });

  it("eks-secrets-encrypted: a cluster without a KMS key for secrets", async () => {
    const message = ["Kubernetes secrets are not envelope-encrypted. Set encryptionConfig: { resources: [\"secrets\"], provider: { keyArn } } with a KMS key in the cluster's region."];
    expect(await resourceMessages(eksSecretsEncrypted, changed(awsCluster(), (r) => (r.inputs.encryptionConfig.resources = [])))).toEqual(message);
    expect(await resourceMessages(eksSecretsEncrypted, changed(awsCluster(), (r) => delete r.inputs.encryptionConfig))).toEqual(message);
  });

  it("eks-endpoint-not-public: open to 0.0.0.0/0, or public without CIDRs", async () => {
    const message = (open: string) =>
      `The API endpoint is public to the world (${open}). Set vpcConfig.endpointPublicAccess: false, or list the CIDR blocks that may reach it in vpcConfig.publicAccessCidrs (fleet key apiAccessCidrs).`;
    expect(await resourceMessages(eksEndpointNotPublic, changed(awsCluster(), (r) => (r.inputs.vpcConfig.publicAccessCidrs = ["0.0.0.0/0"])))).toEqual([message("0.0.0.0/0")]);
    expect(await resourceMessages(eksEndpointNotPublic, changed(awsCluster(), (r) => delete r.inputs.vpcConfig.publicAccessCidrs))).toEqual([message("0.0.0.0/0 (the default)")]);
    // EKS defaults to a public endpoint: leaving it unset is as open as asking for it.
    expect(await resourceMessages(eksEndpointNotPublic, changed(awsCluster(), (r) => (r.inputs.vpcConfig = { subnetIds: ["subnet-1"] })))).toEqual([message("0.0.0.0/0 (the default)")]);
    expect(await resourceMessages(eksEndpointNotPublic, changed(awsCluster(), (r) => (r.inputs.vpcConfig = { endpointPublicAccess: false })))).toEqual([]);
  });

  it("eks-control-plane-logs: a missing log type", async () => {
    expect(await resourceMessages(eksControlPlaneLogs, changed(awsCluster(), (r) => (r.inputs.enabledClusterLogTypes = ["api", "audit"])))).toEqual([
      "Control-plane log types authenticator, controllerManager, scheduler are not enabled. Set enabledClusterLogTypes to api, audit, authenticator, controllerManager, scheduler.",
    ]);
  });

  it("eks-api-authentication-mode: the aws-auth ConfigMap", async () => {
    expect(await resourceMessages(eksApiAuthentication, changed(awsCluster(), (r) => (r.inputs.accessConfig.authenticationMode = "API_AND_CONFIG_MAP")))).toEqual([
      "Authentication mode is API_AND_CONFIG_MAP. Set accessConfig.authenticationMode to \"API\" and grant access with access entries.",
    ]);
    expect(await resourceMessages(eksApiAuthentication, changed(awsCluster(), (r) => delete r.inputs.accessConfig))).toEqual([
      "Authentication mode is CONFIG_MAP (the default). Set accessConfig.authenticationMode to \"API\" and grant access with access entries.",
    ]);
  });

  it("eks-no-creator-admin: a creator made admin, explicitly or by default", async () => {
    const message = (value: string) =>
      `The cluster's creator gets a cluster-admin access entry of its own (bootstrapClusterCreatorAdminPermissions is ${value}). Set accessConfig.bootstrapClusterCreatorAdminPermissions: false and give the deploy role its own entry (fleet key deployRoleArn).`;
    expect(await resourceMessages(eksNoCreatorAdmin, changed(awsCluster(), (r) => (r.inputs.accessConfig.bootstrapClusterCreatorAdminPermissions = true)))).toEqual([message("true")]);
    expect(await resourceMessages(eksNoCreatorAdmin, changed(awsCluster(), (r) => delete r.inputs.accessConfig))).toEqual([message("true by default")]);
  });

  describe("eks-access-entries, configured from the fleet's principals", () => {
    const configOf = (raw: Record<string, any>) => policyConfigOf(stackConfig(raw), parseFleet(raw, "us-east-1"))["eks-access-entries"] as Record<string, unknown>;
    const config = configOf(fleetConfig(2, { clusterAdmins: [ADMIN], previewRoleArn: PREVIEW }));

    it("derives who may hold what from deployRoleArn, clusterAdmins and previewRoleArn, and Argo CD's spoke roles", () => {
      expect(config).toEqual({ adminPrincipals: [DEPLOY_ROLE, ADMIN], viewPrincipals: [PREVIEW] });
      const argocd = fleetConfig(2);
      argocd.gitops = { ...argocd.gitops, engine: "argocd" };
      expect(configOf(argocd).adminPrincipals).toEqual([DEPLOY_ROLE, "arn:aws:iam::123456789012:role/prod-c0-argocd-spoke", "arn:aws:iam::123456789012:role/prod-c1-argocd-spoke"]);
    });

    it("passes the fleet's own grants", async () => {
      for (const [principal, policy] of [[DEPLOY_ROLE, ACCESS_POLICIES.clusterAdmin], [ADMIN, ACCESS_POLICIES.clusterAdmin], [PREVIEW, ACCESS_POLICIES.view]]) {
        expect(await resourceMessages(eksAccessEntries, association(principal, policy), config)).toEqual([]);
      }
    });

    it("refuses admin for a principal nobody configured", async () => {
      const intruder = "arn:aws:iam::123456789012:role/ci-runner";
      expect(await resourceMessages(eksAccessEntries, association(intruder, ACCESS_POLICIES.clusterAdmin), config)).toEqual([
        `${intruder} gets ${ACCESS_POLICIES.clusterAdmin} but is none of the configured principals (fleet keys deployRoleArn, clusterAdmins, previewRoleArn). Add it to clusterAdmins, or remove the association.`,
      ]);
      expect(await resourceMessages(eksAccessEntries, association(intruder, ACCESS_POLICIES.view), config)).toHaveLength(1);
    });

    it("refuses anything but view for the preview role", async () => {
      const edit = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";
      expect(await resourceMessages(eksAccessEntries, association(PREVIEW, edit), config)).toEqual([
        `${PREVIEW} is a view-only principal (fleet key previewRoleArn) but gets ${edit}. Give it ${ACCESS_POLICIES.view} alone.`,
      ]);
      expect(await resourceMessages(eksAccessEntries, association(PREVIEW, ACCESS_POLICIES.clusterAdmin), config)).toHaveLength(1);
    });

    it("judges nothing until principals are configured (a CrossGuard run without --policy-pack-config)", async () => {
      expect(await resourceMessages(eksAccessEntries, association("arn:aws:iam::123456789012:role/anyone", ACCESS_POLICIES.clusterAdmin))).toEqual([]);
    });
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
