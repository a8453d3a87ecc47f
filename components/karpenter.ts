import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource } from "./chart-versions";
import { agentIdentity } from "./irsa-role";
import { INTERRUPTION_EVENTS } from "./karpenter-policy";
import { associateServiceAccount } from "./pod-identity-role";
import { PodIdentityAddonArgs, ServiceCreatingAddonArgs } from "./addon-args";

/** Policies of Karpenter's node role in the upstream template, minus SSM: nodes need no remote shell. */
const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
];

/** `role`: the fleet-wide Karpenter role (`FleetAddonRoles.karpenter`). */
export interface KarpenterArgs extends ServiceCreatingAddonArgs, PodIdentityAddonArgs {
  readonly endpoint: pulumi.Input<string>;
  /**
   * The EKS cluster's name as its output: the node access entry and the Pod Identity association
   * read it, so a replaced cluster (deleted first) takes them along and they are created again in the new one.
   */
  readonly clusterName: pulumi.Input<string>;
}

/**
 * Karpenter in one cluster: it adds nodes when pods are pending (so a promoted standby
 * grows to the primary's load) and removes them when they are empty, within the NodePool
 * of the GitOps tree (`charts/platform/autoscaling.ts`). The managed node group stays the
 * system pool that runs Karpenter and the other controllers. Interruption handling: an SQS
 * queue fed by EventBridge (spot interruption, rebalance, health events), so nodes are
 * drained before AWS reclaims them.
 */
export class Karpenter extends pulumi.ComponentResource {
  /** The controller, after its CRDs (NodePool, EC2NodeClass, …): the GitOps agent applies those objects after it. */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:autoscaling:Karpenter", name, {}, opts);
    const parent = { parent: this };
    const { fleet, cluster } = args;
    const identity = agentIdentity(fleet, cluster, "karpenter");
    const agent = names.AGENTS.karpenter;

    const nodeRole = new aws.iam.Role(`${name}-node-role`, {
      name: names.karpenterNodeRoleName(fleet.name, cluster.name),
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
      tags: identity.tags,
    }, parent);
    const attachments = NODE_POLICIES.map((policyArn) =>
      new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()!.toLowerCase().replace(/_/g, "-")}`, { role: nodeRole.name, policyArn }, parent),
    );
    // Nodes join through an access entry of type EC2_LINUX (no aws-auth ConfigMap).
    const nodeAccess = new aws.eks.AccessEntry(`${name}-node-access`, {
      clusterName: args.clusterName,
      principalArn: nodeRole.arn,
      type: "EC2_LINUX",
      tags: identity.tags,
    }, parent);

    const queue = new aws.sqs.Queue(`${name}-interruptions`, {
      name: cluster.eksClusterName,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
      tags: identity.tags,
    }, parent);
    const rules = Object.entries(INTERRUPTION_EVENTS).map(([event, { source, detailType }]) => {
      const rule = new aws.cloudwatch.EventRule(`${name}-${event}`, {
        eventPattern: JSON.stringify({ source: [source], "detail-type": [detailType] }),
        tags: identity.tags,
      }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${event}`, { rule: rule.name, arn: queue.arn }, parent);
      return rule;
    });
    new aws.sqs.QueuePolicy(`${name}-interruptions`, {
      queueUrl: queue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            // Only this cluster's rules may send (upstream allows any EventBridge rule).
            Sid: "EventBridgeRulesOfThisCluster",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
          },
          { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queue.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      }),
    }, parent);

    // The controller's permissions are the fleet-wide role's, for this cluster's resources only
    // (karpenter-policy.ts); Karpenter supports Pod Identity since v0.34 (its getting-started
    // guide moved to podIdentityAssociations, aws/karpenter-provider-aws#5784).
    const association = associateServiceAccount(`${name}-pod-identity`, {
      clusterName: args.clusterName,
      namespace: agent.namespace,
      serviceAccount: agent.serviceAccount,
      role: args.role,
      tags: identity.tags,
      dependsOn: [args.podIdentityAgent],
    }, parent);

    // The CRDs as a release of their own, before the controller: Helm installs a chart's crds/
    // once and never upgrades them (Helm docs, "Custom Resource Definitions"). `takeOwnership`
    // adopts CRDs an earlier install of the controller chart created without Helm's ownership
    // labels (Karpenter troubleshooting, "Helm Error when installing the karpenter-crd chart").
    const crds = new k8s.helm.v3.Release(`${name}-crds`, {
      name: "karpenter-crd",
      ...chartSource("karpenterCrd"),
      namespace: agent.namespace,
      createNamespace: true,
      takeOwnership: true,
    }, { parent: this, provider: args.kubernetesProvider });

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "karpenter",
      ...chartSource("karpenter"),
      namespace: agent.namespace,
      createNamespace: true,
      skipCrds: true,
      values: {
        serviceAccount: { name: agent.serviceAccount },
        // Respect ARC zonal shifts of this cluster (zonalShiftConfig on): no new nodes in a shifted zone. Off by
        // default; reads them with arc-zonal-shift:GetManagedResource (aws/karpenter-provider-aws charts/karpenter/values.yaml
        // settings.enableZonalShift, v1.12+; getting-started cloudformation.yaml KarpenterControllerZonalShiftPolicy).
        settings: { clusterName: cluster.eksClusterName, clusterEndpoint: args.endpoint, interruptionQueue: queue.name, enableZonalShift: true },
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook, nodeAccess, crds, association, ...attachments] });
    this.registerOutputs({});
  }
}
