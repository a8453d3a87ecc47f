import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names, secretNamespaces } from "../fleet";
import { KeyUser, keyPolicy, rolesViaService } from "./key-policy";

export interface ReplicatedSecretsArgs {
  /** The fleet: its `secrets`, `homeRegion` and `regions`. */
  readonly fleet: FleetSpec;
  /** One AWS provider per fleet region (`Fleet.providers`). */
  readonly providers: ReadonlyMap<string, aws.Provider>;
}

/**
 * The fleet's Secrets Manager secrets: created in the home region and replicated to every
 * other fleet region, each copy under a customer-managed key of its region, so each
 * cluster reads its own region's replica and keeps working when another region is down.
 * Values are set out of band; none is ever in the program or in Git.
 */
export class ReplicatedSecrets extends pulumi.ComponentResource {
  /** The secrets key of each fleet region, for the secrets readers' and Velero's roles. */
  public readonly keyArns: Record<string, pulumi.Output<string>>;
  /** Each `fleet.secrets` entry's ARN (home region), by Secrets Manager name: the readers' roles name exact ARNs. */
  public readonly arns: Record<string, pulumi.Output<string>> = {};
  /** The fleet's Kopia repository password (value written out of band, once): Velero waits for it. */
  public readonly repositoryPassword: aws.secretsmanager.Secret;

  constructor(name: string, args: ReplicatedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:secrets:ReplicatedSecrets", name, {}, opts);
    const { fleet, providers } = args;
    const tags = { "eks-fleet/fleet": fleet.name };
    const regions = [...new Set([fleet.homeRegion, ...fleet.regions])];
    const provider = (region: string) => {
      const p = providers.get(region);
      if (!p) throw new Error(`No AWS provider for fleet region ${region}`);
      return p;
    };

    // The home key encrypts every secret's authoritative copy (protected); a replica key goes with its region.
    this.keyArns = Object.fromEntries(regions.map((region) => [region, new aws.kms.Key(`${name}-key-${region}`, {
      description: `Secrets Manager replicas of fleet ${fleet.name} in ${region}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Read by the secrets readers and Velero of this region's clusters, through Secrets Manager only.
      // (The home region may have no cluster: then only the account's administrators.)
      policy: keyPolicy(fleet.accountId, secretsKeyUsers(fleet, region)),
      tags,
    }, { parent: this, provider: provider(region), protect: region === fleet.homeRegion }).arn]));

    const home = fleet.homeRegion;
    for (const secret of fleet.secrets) {
      // Protected: its value is written out of band and lives only here, so deleting it is a deliberate step.
      this.arns[secret.name] = new aws.secretsmanager.Secret(`${name}-${secret.name.replace(/[^A-Za-z0-9-]/g, "-")}`, {
        name: secret.name,
        description: `Read by External Secrets in namespace ${secret.namespace} of every cluster`,
        kmsKeyId: this.keyArns[home],
        replicas: regions.filter((r) => r !== home).map((region) => ({ region, kmsKeyId: this.keyArns[region] })),
        tags,
      }, { parent: this, provider: provider(home), protect: true }).arn;
    }

    // The Kopia repository password of every cluster's Velero, replicated like every fleet
    // secret. Its value is written once, out of band (docs/HIGH-AVAILABILITY.md, "Backups"); each cluster's Velero
    // waits for it. Changing it later would lock Velero out of every existing repository.
    this.repositoryPassword = new aws.secretsmanager.Secret(`${name}-repository-password`, {
      name: names.repositoryPasswordSecretName(fleet.name),
      description: "Kopia repository password of every cluster's Velero (read through a SecretStore in the velero namespace); written once, never changed",
      kmsKeyId: this.keyArns[home],
      replicas: regions.filter((r) => r !== home).map((region) => ({ region, kmsKeyId: this.keyArns[region] })),
      tags,
    }, { parent: this, provider: provider(home), protect: true });

    this.registerOutputs({ keyArns: this.keyArns, arns: this.arns });
  }
}

/**
 * Who may decrypt with a region's secrets key, through Secrets Manager only: the secrets
 * readers (the fleet's secrets) and Velero (the repository password, read through its own
 * SecretStore) of that region's clusters. None when the region has no cluster.
 */
function secretsKeyUsers(fleet: FleetSpec, region: string): KeyUser[] {
  const users: [string, string[]][] = [["ExternalSecretsThroughSecretsManager", secretsReaderRoles(fleet, region)], ["VeleroThroughSecretsManager", agentRoles(fleet, region, "velero")]];
  return users
    .filter(([, roles]) => roles.length > 0)
    .map(([sid, roles]) => ({ sid, actions: ["kms:Decrypt", "kms:DescribeKey"], ...rolesViaService(fleet.accountId, roles, "secretsmanager", region) }));
}

/** The secrets readers' roles of the clusters in `region`, one per namespace with secrets (names computed in `fleet/`). */
function secretsReaderRoles(fleet: FleetSpec, region: string): string[] {
  return fleet.clusters
    .filter((c) => c.region === region)
    .flatMap((c) => secretNamespaces(fleet).map((namespace) => names.roleArn(fleet.accountId, names.namespaceSecretsRoleName(fleet.name, c.name, namespace))));
}

/** One agent's roles in the clusters of `region`. */
function agentRoles(fleet: FleetSpec, region: string, agent: names.AgentName): string[] {
  return fleet.clusters
    .filter((c) => c.region === region)
    .map((c) => names.roleArn(fleet.accountId, names.agentRoleName(fleet.name, c.name, names.AGENTS[agent].role)));
}
