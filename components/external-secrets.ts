import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names, secretNamespaces } from "../fleet";
import { chartSource } from "./chart-versions";
import { IrsaRole } from "./irsa-role";
import { IrsaAddonArgs } from "./addon-args";
import { clusterTags } from "./tags";

export interface ExternalSecretsOperatorArgs extends IrsaAddonArgs {
  /** The secrets key of the cluster's region (`ReplicatedSecrets.keyArns[region]`); the readers use only their own region's replicas. */
  readonly regionKeyArn: pulumi.Input<string>;
  /** Each fleet secret's ARN, by Secrets Manager name (`ReplicatedSecrets.arns`), in any region: a replica differs only in the region. */
  readonly secretArns: Readonly<Record<string, pulumi.Input<string>>>;
}

/** ARN pattern of a secret: Secrets Manager appends `-` and six random characters. */
export const secretArnPattern = (region: string, accountId: string, secret: string) =>
  `arn:aws:secretsmanager:${region}:${accountId}:secret:${secret}-??????`;

/**
 * A secret's ARN in another region. A replica's ARN is the primary's with the region changed,
 * random suffix included (Secrets Manager user guide, "Replicate secrets across Regions").
 */
export const regionalSecretArn = (arn: string, region: string) => arn.replace(/^(arn:[\w-]+:secretsmanager:)[\w-]+:/, `$1${region}:`);

/**
 * External Secrets chart values that take away what a namespace admin or a stray object could
 * turn against the cluster (external-secrets/external-secrets `deploy/charts/external-secrets`
 * at helm-chart-2.9.0, values.yaml and templates/rbac.yaml, deployment.yaml):
 * - no aggregation of ExternalSecret/SecretStore writes into the built-in admin and edit roles;
 * - no token creation for any service account: the tree grants it per namespace, for the
 *   secrets reader only (`rbac.serviceAccountTokenCreate`);
 * - the cluster-wide kinds are not reconciled at all: a ClusterSecretStore would serve every
 *   namespace, a ClusterExternalSecret needs namespace update/patch, push secrets write out.
 */
export const EXTERNAL_SECRETS_LOCKDOWN = {
  rbac: { aggregateToEdit: false, aggregateToAdmin: false, serviceAccountTokenCreate: false },
  processClusterStore: false,
  processClusterExternalSecret: false,
  processClusterPushSecret: false,
  processPushSecret: false,
  processClusterGenerator: false,
} as const;

/**
 * Lets External Secrets mint tokens for one service account (its SecretStore authenticates as
 * it): the chart grants no token creation of its own (`rbac.serviceAccountTokenCreate: false`),
 * so a Role in that namespace names the account, bound to the controller alone. The GitOps tree
 * renders the same for each namespace's secrets reader (charts/platform/secrets.ts).
 */
export function externalSecretsTokenGrant(name: string, namespace: string, serviceAccount: string, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const controller = names.AGENTS.externalSecrets;
  const metadata = { name: names.SECRETS_TOKEN_ROLE, namespace };
  const role = new k8s.rbac.v1.Role(`${name}-role`, {
    metadata,
    rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [serviceAccount], verbs: ["create"] }],
  }, opts);
  const binding = new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.SECRETS_TOKEN_ROLE },
    subjects: [{ kind: "ServiceAccount", name: controller.serviceAccount, namespace: controller.namespace }],
  }, opts);
  return [role, binding];
}

/**
 * The External Secrets Operator in one cluster. It holds no AWS identity of its own: each
 * namespace with secrets has a secrets reader (rendered in the tree with its SecretStore)
 * whose IRSA role may read exactly that namespace's secrets, in this cluster's region only,
 * so a region outage elsewhere never breaks its secret sync and no namespace reads another's.
 */
export class ExternalSecretsOperator extends pulumi.ComponentResource {
  /** Installs the External Secrets CRDs the GitOps tree uses (SecretStore, ExternalSecret). */
  public readonly release: k8s.helm.v3.Release;
  /** The IAM role of each namespace's secrets reader. */
  public readonly readerRoleArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ExternalSecretsOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:secrets:ExternalSecretsOperator", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.externalSecrets;

    this.readerRoleArns = Object.fromEntries(secretNamespaces(fleet).map((namespace) => {
      const arns = fleet.secrets
        .filter((s) => s.namespace === namespace)
        .map((s) => pulumi.output(args.secretArns[s.name]).apply((arn) => regionalSecretArn(arn, cluster.region)));
      // IRSA, not EKS Pod Identity: a SecretStore's service account authenticates through
      // AssumeRoleWithWebIdentity only (external-secrets providers/v1/aws/auth/auth.go,
      // credsFromServiceAccount; Pod Identity serves the controller's own account, issue #2951),
      // and the controller holds no AWS identity here, so each namespace keeps its own reader role.
      const role = new IrsaRole(`${name}-${namespace}-reader`, {
        roleName: names.namespaceSecretsRoleName(fleet.name, cluster.name, namespace),
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace,
        serviceAccount: names.SECRETS_READER_SERVICE_ACCOUNT,
        statements: [
          { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: arns },
          { Effect: "Allow", Action: "kms:Decrypt", Resource: args.regionKeyArn },
        ],
        tags: clusterTags(fleet, cluster),
      }, { parent: this });
      return [namespace, role.arn];
    }));

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "external-secrets",
      ...chartSource("externalSecrets"),
      namespace: agent.namespace,
      createNamespace: true,
      values: {
        installCRDs: true,
        // No role annotation: the controller has no AWS identity to fall back to.
        serviceAccount: { name: agent.serviceAccount },
        ...EXTERNAL_SECRETS_LOCKDOWN,
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook] });

    this.registerOutputs({ readerRoleArns: this.readerRoleArns });
  }
}
