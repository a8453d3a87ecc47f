import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ACCESS_POLICIES } from "../fleet/access";
import { asArray, known, present, validateResourceOfTypes } from "./support";

/**
 * EKS control-plane, access and node rules, over the resources AWS sees: the
 * `aws:eks/cluster:Cluster` itself (`encryptionConfig`, `vpcConfig`, `accessConfig`, …) and
 * its access policy associations. Its Kubernetes version is judged in versions.ts.
 */

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const WORLD = ["0.0.0.0/0", "::/0"];

export const eksSecretsEncrypted: ResourceValidationPolicy = {
  name: "eks-secrets-encrypted",
  description: "Checks whether EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    const encrypted = asArray(known(() => props.encryptionConfig)).some(
      (c: any) => asArray(known(() => c.resources)).includes("secrets") && present(() => c.provider?.keyArn),
    );
    if (!encrypted) {
      reportViolation("Kubernetes secrets are not envelope-encrypted. Set encryptionConfig: { resources: [\"secrets\"], provider: { keyArn } } with a KMS key in the cluster's region.");
    }
  }),
};

export const eksEndpointNotPublic: ResourceValidationPolicy = {
  name: "eks-endpoint-not-public",
  description: "Checks whether the EKS API endpoint is private or limited to named CIDR blocks (never 0.0.0.0/0).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    const vpc = known(() => props.vpcConfig) ?? {};
    // EKS defaults to a public endpoint open to 0.0.0.0/0.
    const isPublic = known(() => vpc.endpointPublicAccess) ?? true;
    if (isPublic === false) return;
    const cidrs = known(() => vpc.publicAccessCidrs);
    if (cidrs === undefined && present(() => vpc.publicAccessCidrs)) return; // decided at deploy
    const list = asArray(cidrs) as string[];
    const open = list.length === 0 ? ["0.0.0.0/0 (the default)"] : list.filter((c) => WORLD.includes(c));
    if (open.length > 0) {
      reportViolation(
        `The API endpoint is public to the world (${open.join(", ")}). Set vpcConfig.endpointPublicAccess: false, or list the CIDR blocks that may reach it in vpcConfig.publicAccessCidrs (fleet key apiAccessCidrs).`,
      );
    }
  }),
};

export const eksControlPlaneLogs: ResourceValidationPolicy = {
  name: "eks-control-plane-logs",
  description: "Checks whether EKS clusters send all five control-plane log types to CloudWatch.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    if (known(() => props.enabledClusterLogTypes) === undefined && present(() => props.enabledClusterLogTypes)) return; // decided at deploy
    const enabled = asArray(known(() => props.enabledClusterLogTypes)) as string[];
    const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !enabled.includes(t));
    if (missing.length > 0) {
      reportViolation(`Control-plane log types ${missing.join(", ")} are not enabled. Set enabledClusterLogTypes to ${CONTROL_PLANE_LOG_TYPES.join(", ")}.`);
    }
  }),
};

export const eksApiAuthentication: ResourceValidationPolicy = {
  name: "eks-api-authentication-mode",
  description: "Checks whether EKS clusters authenticate with access entries only (authenticationMode API), not the aws-auth ConfigMap.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    const mode = known(() => props.accessConfig?.authenticationMode);
    if (mode !== "API") {
      reportViolation(`Authentication mode is ${mode ?? "CONFIG_MAP (the default)"}. Set accessConfig.authenticationMode to "API" and grant access with access entries.`);
    }
  }),
};

export const eksNoCreatorAdmin: ResourceValidationPolicy = {
  name: "eks-no-creator-admin",
  description: "Checks whether EKS clusters grant their creator nothing (bootstrapClusterCreatorAdminPermissions false), so every admin is a listed access entry.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    // The EKS API defaults to true: whoever ran CreateCluster becomes cluster-admin, listed nowhere.
    const bootstrap = known(() => props.accessConfig?.bootstrapClusterCreatorAdminPermissions);
    if (bootstrap === false || (bootstrap === undefined && present(() => props.accessConfig?.bootstrapClusterCreatorAdminPermissions))) return;
    reportViolation(
      `The cluster's creator gets a cluster-admin access entry of its own (bootstrapClusterCreatorAdminPermissions is ${bootstrap ?? "true by default"}). Set accessConfig.bootstrapClusterCreatorAdminPermissions: false and give the deploy role its own entry (fleet key deployRoleArn).`,
    );
  }),
};

/** Who may hold which EKS access policy: from the fleet's `deployRoleArn`, `clusterAdmins` and `previewRoleArn` (cli/policy-run.ts). */
export interface AccessEntriesConfig {
  /** Principals that may hold any access policy. @default [] */
  readonly adminPrincipals?: string[];
  /** Principals that may hold AmazonEKSViewPolicy only. @default [] */
  readonly viewPrincipals?: string[];
}

export const eksAccessEntries: ResourceValidationPolicy = {
  name: "eks-access-entries",
  description:
    "Checks whether every EKS access policy association is for a configured principal: admin policies only for adminPrincipals, AmazonEKSViewPolicy alone for viewPrincipals. Not applicable until adminPrincipals is configured.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      adminPrincipals: { type: "array", items: { type: "string" }, default: [] },
      viewPrincipals: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: validateResourceOfTypes([EKS_ACCESS_POLICY_ASSOCIATION], (props, args, reportViolation) => {
    const { adminPrincipals = [], viewPrincipals = [] } = args.getConfig<AccessEntriesConfig>();
    if (adminPrincipals.length === 0) return; // nothing configured to hold the associations to
    const principal = known(() => props.principalArn);
    const policy = known(() => props.policyArn);
    if (typeof principal !== "string" || typeof policy !== "string") return; // decided at deploy
    if (adminPrincipals.includes(principal)) return;
    if (viewPrincipals.includes(principal)) {
      if (policy !== ACCESS_POLICIES.view) {
        reportViolation(`${principal} is a view-only principal (fleet key previewRoleArn) but gets ${policy}. Give it ${ACCESS_POLICIES.view} alone.`);
      }
      return;
    }
    reportViolation(
      `${principal} gets ${policy} but is none of the configured principals (fleet keys deployRoleArn, clusterAdmins, previewRoleArn). Add it to clusterAdmins, or remove the association.`,
    );
  }),
};

export const nodesImdsv2: ResourceValidationPolicy = {
  name: "nodes-imdsv2",
  description: "Checks whether node launch templates require IMDSv2 with a hop limit of 1, so pods cannot use the node's role.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
    const options = known(() => template.metadataOptions);
    const problems: string[] = [];
    if (known(() => options?.httpTokens) !== "required") problems.push(`httpTokens is ${known(() => options?.httpTokens) ?? "optional (the default)"}`);
    const hops = known(() => options?.httpPutResponseHopLimit);
    if (hops !== 1) problems.push(`httpPutResponseHopLimit is ${hops ?? "unset"}`);
    if (problems.length > 0) {
      reportViolation(`Instance metadata allows IMDSv1 or reaches pods: ${problems.join(", ")}. Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.`);
    }
  }),
};

/**
 * A cluster not registered with ARC zonal shift keeps sending in-cluster traffic to the pods of
 * an impaired zone: nobody (neither an operator nor zonal autoshift) can shift it away (EKS
 * User Guide, "Enable EKS Zonal Shift to avoid impaired Availability Zones").
 */
export const eksZonalShift: ResourceValidationPolicy = {
  name: "eks-zonal-shift",
  description: "Checks whether EKS clusters are registered with ARC zonal shift, so traffic can be moved off an impaired Availability Zone.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([EKS_CLUSTER], (props, _args, reportViolation) => {
    if (known(() => props.zonalShiftConfig?.enabled) === undefined && present(() => props.zonalShiftConfig?.enabled)) return; // decided at deploy
    if (known(() => props.zonalShiftConfig?.enabled) !== true) {
      reportViolation("Zonal shift is off, so no one (not an operator, not zonal autoshift) can move the cluster's traffic away from an impaired Availability Zone. Set zonalShiftConfig: { enabled: true }.");
    }
  }),
};

export const eksPolicies: ResourceValidationPolicy[] = [
  eksSecretsEncrypted,
  eksEndpointNotPublic,
  eksControlPlaneLogs,
  eksApiAuthentication,
  eksNoCreatorAdmin,
  eksAccessEntries,
  eksZonalShift,
  nodesImdsv2,
];
