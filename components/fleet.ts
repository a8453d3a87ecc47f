import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { ArgoCdHub, hubsOf } from "./argocd-hub";
import { ArgoCdSpoke } from "./argocd-spoke";
import { BackupReplication } from "./backup-replication";
import { BackupStorage } from "./backup-storage";
import { ClusterLoadBalancer } from "./cluster-load-balancer";
import { DnsRouting } from "./dns-routing";
import { EbsCsiDriver } from "./ebs-csi-driver";
import { ExternalDns } from "./external-dns";
import { ExternalSecretsOperator } from "./external-secrets";
import { FluxAgent } from "./flux-agent";
import { GatewayCertificates } from "./gateway-certificates";
import { GlobalAccelerator } from "./global-accelerator";
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
  /** Each cluster's program-owned NLB, by cluster name. */
  public readonly loadBalancers: ReadonlyMap<string, ClusterLoadBalancer>;
  /** Present when `dns.globalAccelerator` is on. */
  public readonly accelerator?: GlobalAccelerator;

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
    const regionalCluster = (cluster: ClusterSpec, hubEgressCidrs?: pulumi.Input<string>[]) =>
      new RegionalCluster(cluster.name, { fleet: spec, cluster, hubEgressCidrs }, { parent: this, providers: { aws: this.providers.get(cluster.region)! } });
    // The Argo CD hubs reach every spoke's public endpoint from their NAT addresses, so the
    // hubs are built first (active, then standby) and each later cluster allows exactly
    // those /32s (see `hubEgressCidrs`). The standby hub is a spoke of the active one.
    const hubClusters = new Map<string, RegionalCluster>();
    const hubEgress: pulumi.Output<string>[] = [];
    for (const hub of spec.hub ? hubsOf(spec) : []) {
      hubClusters.set(hub.name, regionalCluster(hub, hubEgress.length > 0 ? [...hubEgress] : undefined));
      hubEgress.push(...hubClusters.get(hub.name)!.natPublicIps.map((ip) => pulumi.interpolate`${ip}/32`));
    }
    this.clusters = spec.clusters.map((cluster) => hubClusters.get(cluster.name) ?? regionalCluster(cluster, hubEgress.length > 0 ? hubEgress : undefined));

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
    const certificates = new GatewayCertificates("gateway-certificates", { fleet: spec, zoneId, providers: this.providers }, home);
    this.loadBalancers = new Map(this.clusters.map((c) => [c.spec.name, new ClusterLoadBalancer(`${c.spec.name}-lb`, {
      fleet: spec,
      cluster: c.spec,
      vpcId: c.vpcId,
      publicSubnetIds: c.publicSubnetIds,
      podSecurityGroupId: c.podSecurityGroupId,
      certificateArn: certificates.arns[c.spec.region],
      zoneId,
    }, { parent: c })]));
    // With an accelerator, `<record>` aliases it and Global Accelerator does the failover; else Route 53 does.
    if (spec.dns.globalAccelerator) this.accelerator = new GlobalAccelerator("accelerator", { fleet: spec, zoneId, loadBalancers: this.loadBalancers }, home);
    else new DnsRouting("dns", { fleet: spec, zoneId }, home);

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
      const hubs = hubsOf(spec).map((hubSpec, i) => {
        const cluster = this.clusters.find((c) => c.spec.name === hubSpec.name)!;
        const argocd = new ArgoCdHub(`${cluster.spec.name}-argocd`, { fleet: spec, hub: cluster, standby: i > 0, serviceWebhook: webhooks.get(cluster.spec.name)! }, { parent: cluster });
        return { cluster, release: argocd.release, roleArn: argocd.roleArn };
      });
      for (const c of this.clusters) {
        // Registering a spoke is what makes the ApplicationSets sync its tree: only once its CRDs exist.
        new ArgoCdSpoke(`${c.spec.name}-argocd-spoke`, { fleet: spec, spoke: c, hubs, treePrerequisites: treePrerequisites.get(c.spec.name)! }, { parent: c });
      }
    }

    this.registerOutputs({ clusters: this.clusters.map((c) => c.clusterName) });
  }
}
