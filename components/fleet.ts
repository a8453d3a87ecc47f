import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";
import { ArgoCdHub } from "./argocd-hub";
import { ArgoCdSpoke } from "./argocd-spoke";
import { BackupReplication } from "./backup-replication";
import { BackupStorage } from "./backup-storage";
import { DnsRouting } from "./dns-routing";
import { EbsCsiDriver } from "./ebs-csi-driver";
import { ExternalDns } from "./external-dns";
import { ExternalSecretsOperator } from "./external-secrets";
import { FluxAgent } from "./flux-agent";
import { Karpenter } from "./karpenter";
import { LoadBalancerController } from "./load-balancer-controller";
import { RegionalCluster } from "./regional-cluster";
import { ReplicatedSecrets } from "./replicated-secrets";
import { Velero } from "./velero";

export interface FleetArgs {
  readonly spec: FleetSpec;
}

/**
 * The whole fleet: one AWS provider per region (clusters sharing a region share it), one
 * `RegionalCluster` per cluster with its in-cluster agents, and the fleet-wide DNS.
 * Per-cluster add-ons are parented under their cluster, so they inherit its region.
 */
export class Fleet extends pulumi.ComponentResource {
  public readonly spec: FleetSpec;
  public readonly clusters: RegionalCluster[];
  public readonly providers: ReadonlyMap<string, aws.Provider>;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:index:Fleet", name, {}, opts);
    const { spec } = args;
    this.spec = spec;
    const allRegions = [...new Set([spec.homeRegion, ...spec.regions])];
    this.providers = new Map(
      allRegions.map((region) => [region, new aws.Provider(`aws-${region}`, {
        region: region as aws.Region,
        defaultTags: { tags: { "eks-fleet/fleet": spec.name, "eks-fleet/managed-by": "pulumi" } },
      }, { parent: this })]),
    );
    const home = { parent: this, provider: this.providers.get(spec.homeRegion)! };
    this.clusters = spec.clusters.map(
      (cluster) => new RegionalCluster(cluster.name, { fleet: spec, cluster }, { parent: this, providers: { aws: this.providers.get(cluster.region)! } }),
    );

    const zoneId = aws.route53.getZoneOutput({ name: spec.dns.zone, privateZone: false }, home).zoneId;
    const storages = new Map(this.clusters.map((c) => [
      c.spec.name,
      new BackupStorage(`${c.spec.name}-backup`, { fleet: spec, cluster: c.spec }, { parent: c }),
    ]));
    const secrets = new ReplicatedSecrets("secrets", { fleet: spec, providers: this.providers }, { parent: this });

    // Every cluster's add-ons. Each chart that creates a Service waits for the cluster's Load
    // Balancer Controller (its Service webhook fails closed); the GitOps agent's objects wait
    // for every release whose CRDs or webhooks the tree relies on.
    const treePrerequisites = new Map<string, pulumi.Resource[]>();
    const webhooks = new Map<string, pulumi.Resource>();
    for (const c of this.clusters) {
      const common = { fleet: spec, cluster: c.spec, oidcProviderArn: c.oidcProviderArn, oidcIssuer: c.oidcIssuer, kubernetesProvider: c.kubernetesProvider };
      const lbc = new LoadBalancerController(`${c.spec.name}-lbc`, { ...common, vpcId: c.vpcId }, { parent: c });
      const serviceWebhook = lbc.release;
      webhooks.set(c.spec.name, serviceWebhook);
      new ExternalDns(`${c.spec.name}-external-dns`, { ...common, zoneId, serviceWebhook }, { parent: c });
      new EbsCsiDriver(`${c.spec.name}-ebs-csi`, { fleet: spec, cluster: c.spec, oidcProviderArn: c.oidcProviderArn, oidcIssuer: c.oidcIssuer, nodes: c.systemNodes }, { parent: c });
      const karpenter = new Karpenter(`${c.spec.name}-karpenter`, { ...common, endpoint: c.endpoint, controlPlane: c.controlPlane, serviceWebhook }, { parent: c });

      const storage = storages.get(c.spec.name)!;
      new BackupReplication(`${c.spec.name}-backup-replication`, { fleet: spec, cluster: c.spec, source: storage, destination: storages.get(c.spec.backup.partner)! }, { parent: c });
      const velero = new Velero(`${c.spec.name}-velero`, { ...common, storage, serviceWebhook }, { parent: c });
      const externalSecrets = new ExternalSecretsOperator(`${c.spec.name}-external-secrets`, {
        ...common,
        regionKeyArn: secrets.keyArns[c.spec.region],
        serviceWebhook,
      }, { parent: c });
      treePrerequisites.set(c.spec.name, [serviceWebhook, externalSecrets.release, velero.release, karpenter.release]);
    }
    new DnsRouting("dns", { fleet: spec, zoneId }, home);

    // GitOps agents
    if (spec.gitops.engine === "flux") {
      for (const c of this.clusters) {
        new FluxAgent(`${c.spec.name}-flux`, {
          fleet: spec,
          cluster: c.spec,
          kubernetesProvider: c.kubernetesProvider,
          serviceWebhook: webhooks.get(c.spec.name)!,
          treePrerequisites: treePrerequisites.get(c.spec.name)!,
        }, { parent: c });
      }
    } else {
      const hub = this.clusters.find((c) => c.spec.name === spec.hub!.name)!;
      const argocd = new ArgoCdHub(`${hub.spec.name}-argocd`, { fleet: spec, hub, serviceWebhook: webhooks.get(hub.spec.name)! }, { parent: hub });
      for (const c of this.clusters) {
        // Registering a spoke is what makes the ApplicationSets sync its tree: only once its CRDs exist.
        const dependsOn = [argocd.release, ...treePrerequisites.get(c.spec.name)!];
        new ArgoCdSpoke(`${c.spec.name}-argocd-spoke`, { fleet: spec, spoke: c, hubProvider: hub.kubernetesProvider, dependsOn }, { parent: c });
      }
    }

    this.registerOutputs({ clusters: this.clusters.map((c) => c.clusterName) });
  }
}
