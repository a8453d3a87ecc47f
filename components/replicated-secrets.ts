import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import { keyPolicy, rolesViaService } from "./key-policy";

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
  /** The secrets key of each fleet region, for the External Secrets roles. */
  public readonly keyArns: Record<string, pulumi.Output<string>>;
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
      // Read by the External Secrets roles of this region's clusters, through Secrets Manager only.
      // (The home region may have no cluster: then only the account's administrators.)
      policy: keyPolicy(fleet.accountId, externalSecretsRoles(fleet, region).length === 0 ? [] : [{
        sid: "ExternalSecretsThroughSecretsManager",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        ...rolesViaService(fleet.accountId, externalSecretsRoles(fleet, region), "secretsmanager", region),
      }, {
        // Velero's role reads the repository password (its SecretStore authenticates as Velero).
        sid: "VeleroThroughSecretsManager",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        ...rolesViaService(fleet.accountId, agentRoles(fleet, region, "velero"), "secretsmanager", region),
      }]),
      tags,
    }, { parent: this, provider: provider(region), protect: region === fleet.homeRegion }).arn]));

    const home = fleet.homeRegion;
    for (const secret of fleet.secrets) {
      // Protected: its value is written out of band and lives only here, so deleting it is a deliberate step.
      new aws.secretsmanager.Secret(`${name}-${secret.name.replace(/[^A-Za-z0-9-]/g, "-")}`, {
        name: secret.name,
        description: `Read by External Secrets in namespace ${secret.namespace} of every cluster`,
        kmsKeyId: this.keyArns[home],
        replicas: regions.filter((r) => r !== home).map((region) => ({ region, kmsKeyId: this.keyArns[region] })),
        tags,
      }, { parent: this, provider: provider(home), protect: true });
    }

    // The Kopia repository password of every cluster's Velero, replicated like every fleet
    // secret. Its value is written once, out of band (README, "Backups"); each cluster's Velero
    // waits for it. Changing it later would lock Velero out of every existing repository.
    this.repositoryPassword = new aws.secretsmanager.Secret(`${name}-repository-password`, {
      name: names.repositoryPasswordSecretName(fleet.name),
      description: "Kopia repository password of every cluster's Velero (read through a SecretStore in the velero namespace); written once, never changed",
      kmsKeyId: this.keyArns[home],
      replicas: regions.filter((r) => r !== home).map((region) => ({ region, kmsKeyId: this.keyArns[region] })),
      tags,
    }, { parent: this, provider: provider(home), protect: true });

    this.registerOutputs({ keyArns: this.keyArns });
  }
}

/** The External Secrets roles of the clusters in `region` (names computed in `fleet/`). */
function externalSecretsRoles(fleet: FleetSpec, region: string): string[] {
  return agentRoles(fleet, region, "externalSecrets");
}

/** One agent's roles in the clusters of `region`. */
function agentRoles(fleet: FleetSpec, region: string, agent: names.AgentName): string[] {
  return fleet.clusters
    .filter((c) => c.region === region)
    .map((c) => names.roleArn(fleet.accountId, names.agentRoleName(fleet.name, c.name, names.AGENTS[agent].role)));
}
