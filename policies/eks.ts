import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, known, present, validateResourceOfTypes } from "./support";

/**
 * EKS control-plane and node rules. Each reads both shapes a cluster can take:
 * - `eks:index:Cluster`, the @pulumi/eks component: its inputs are what `plan.json`
 *   records. Under `pulumi preview` the engine hands a component's policy check no inputs
 *   (pulumi/pulumi-kubernetes#2144), so an input-less component is skipped there ...
 * - ... and `aws:eks/cluster:Cluster`, the resource the component creates, which the real
 *   engine always checks (`encryptionConfig`, `vpcConfig`, `accessConfig`, …).
 */

export const EKS_COMPONENT = "eks:index:Cluster";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
/** Both shapes of a cluster every EKS rule reads. */
export const CLUSTERS = [EKS_COMPONENT, EKS_CLUSTER];

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const WORLD = ["0.0.0.0/0", "::/0"];

/** A component whose inputs the engine did not pass along: nothing to judge here. */
export const blind = (type: string, props: Record<string, unknown>) => type === EKS_COMPONENT && Object.keys(props).length === 0;

export const eksSecretsEncrypted: ResourceValidationPolicy = {
  name: "eks-secrets-encrypted",
  description: "Checks whether EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(CLUSTERS, (props, args, reportViolation) => {
    if (blind(args.type, props)) return;
    const encrypted =
      args.type === EKS_COMPONENT
        ? present(() => props.encryptionConfigKeyArn)
        : asArray(known(() => props.encryptionConfig)).some(
            (c: any) => asArray(known(() => c.resources)).includes("secrets") && present(() => c.provider?.keyArn),
          );
    if (!encrypted) {
      reportViolation(
        args.type === EKS_COMPONENT
          ? "Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a KMS key in the cluster's region with enableKeyRotation: true."
          : "Kubernetes secrets are not envelope-encrypted. Set encryptionConfig: { resources: [\"secrets\"], provider: { keyArn } } with a KMS key in the cluster's region.",
      );
    }
  }),
};

export const eksEndpointNotPublic: ResourceValidationPolicy = {
  name: "eks-endpoint-not-public",
  description: "Checks whether the EKS API endpoint is private or limited to named CIDR blocks (never 0.0.0.0/0).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(CLUSTERS, (props, args, reportViolation) => {
    if (blind(args.type, props)) return;
    const source = args.type === EKS_COMPONENT ? props : (known(() => props.vpcConfig) ?? {});
    // Both EKS and @pulumi/eks default to a public endpoint open to 0.0.0.0/0.
    const isPublic = known(() => source.endpointPublicAccess) ?? true;
    if (isPublic === false) return;
    const cidrs = known(() => source.publicAccessCidrs);
    if (cidrs === undefined && present(() => source.publicAccessCidrs)) return; // decided at deploy
    const list = asArray(cidrs) as string[];
    const open = list.length === 0 ? ["0.0.0.0/0 (the default)"] : list.filter((c) => WORLD.includes(c));
    if (open.length > 0) {
      reportViolation(
        `The API endpoint is public to the world (${open.join(", ")}). Set endpointPublicAccess: false, or list the CIDR blocks that may reach it in publicAccessCidrs (fleet key apiAccessCidrs).`,
      );
    }
  }),
};

export const eksControlPlaneLogs: ResourceValidationPolicy = {
  name: "eks-control-plane-logs",
  description: "Checks whether EKS clusters send all five control-plane log types to CloudWatch.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(CLUSTERS, (props, args, reportViolation) => {
    if (blind(args.type, props)) return;
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
  validateResource: validateResourceOfTypes(CLUSTERS, (props, args, reportViolation) => {
    if (blind(args.type, props)) return;
    const mode = args.type === EKS_COMPONENT ? known(() => props.authenticationMode) : known(() => props.accessConfig?.authenticationMode);
    if (mode !== "API") {
      reportViolation(
        `Authentication mode is ${mode ?? "CONFIG_MAP (the default)"}. Set ${args.type === EKS_COMPONENT ? "authenticationMode" : "accessConfig.authenticationMode"} to "API" and grant access with access entries.`,
      );
    }
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

export const eksPolicies: ResourceValidationPolicy[] = [
  eksSecretsEncrypted,
  eksEndpointNotPublic,
  eksControlPlaneLogs,
  eksApiAuthentication,
  nodesImdsv2,
];
