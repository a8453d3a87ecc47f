import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";
import { ServiceCreatingAddonArgs } from "./addon-args";

export interface ExternalSecretsOperatorArgs extends ServiceCreatingAddonArgs {
  /** The secrets key of the cluster's region (`ReplicatedSecrets.keyArns[region]`); the operator reads only its own region's replicas. */
  readonly regionKeyArn: pulumi.Input<string>;
}

/** ARN pattern of a secret: Secrets Manager appends `-` and six random characters. */
export const secretArnPattern = (region: string, accountId: string, secret: string) =>
  `arn:aws:secretsmanager:${region}:${accountId}:secret:${secret}-??????`;

/**
 * The External Secrets Operator in one cluster, allowed to read the fleet's secrets in its
 * own region only: a region outage elsewhere never breaks its secret sync.
 */
export class ExternalSecretsOperator extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  /** Installs the External Secrets CRDs the GitOps tree uses (ClusterSecretStore, ExternalSecret). */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ExternalSecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:secrets:ExternalSecretsOperator", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.externalSecrets;

    const statements: pulumi.Input<Record<string, unknown>>[] = [];
    if (fleet.secrets.length > 0) {
      statements.push({
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: fleet.secrets.map((s) => secretArnPattern(cluster.region, fleet.accountId, s.name)),
      });
    }
    statements.push({ Effect: "Allow", Action: "kms:Decrypt", Resource: args.regionKeyArn });

    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "externalSecrets"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements,
    }, { parent: this });

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "external-secrets",
      ...chartSource("externalSecrets"),
      namespace: agent.namespace,
      createNamespace: true,
      values: {
        installCRDs: true,
        serviceAccount: { name: agent.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook] });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
