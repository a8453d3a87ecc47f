import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { ArgoCdHub } from "./argocd-hub";
import { ArgoCdSpoke, SpokeHub } from "./argocd-spoke";
import { regionalProvider } from "./aws-providers";
import { BackupReplication } from "./backup-replication";
import { BackupStorage } from "./backup-storage";
import { ClusterLoadBalancer } from "./cluster-load-balancer";
import { DnsRouting } from "./dns-routing";
import { EbsCsiDriver } from "./ebs-csi-driver";
import { ExternalDns } from "./external-dns";
import { ExternalSecretsOperator } from "./external-secrets";
import { FleetAddonRoles } from "./fleet-addon-roles";
import { FluxAgent } from "./flux-agent";
import { GatewayCertificates } from "./gateway-certificates";
import { GlobalAccelerator } from "./global-accelerator";
import { Karpenter } from "./karpenter";
import { LoadBalancerController } from "./load-balancer-controller";
import { NamespaceAdminAccess } from "./namespace-admin-access";
import { RegionalCluster } from "./regional-cluster";
import { ReplicatedSecrets } from "./replicated-secrets";
import { Velero } from "./velero";
import { ZonalAutoshift } from "./zonal-autoshift";

export interface FleetArgs {
  readonly spec: FleetSpec;
}

/** What every cluster's add-ons share: the DNS zone, the per-region secret keys and certificates. */
interface FleetWide {
  /** From the stack file (`dns.zoneId`), never looked up: a lookup would need Route 53's API on every run. */
  readonly zoneId: string;
  readonly secrets: ReplicatedSecrets;
  readonly certificates: GatewayCertificates;
  /** One role per Pod Identity add-on for the whole fleet. */
  readonly roles: FleetAddonRoles;
}

/** One cluster with the parts of it that later clusters or fleet-wide resources refer to. */
interface BuiltCluster {
  readonly cluster: RegionalCluster;
  readonly storage: BackupStorage;
  readonly serviceWebhook: pulumi.Resource;
  /** Releases whose CRDs or webhooks the cluster's GitOps tree relies on. */
  readonly treePrerequisites: pulumi.Resource[];
  readonly loadBalancer: ClusterLoadBalancer;
}

/**
 * A component just constructed, once the event loop has turned: the engine has then taken
 * every registration of it before the next component is constructed, so the fleet holds one
 * component's pending requests at a time instead of the whole fleet's (the offline plan of
 * 100 clusters peaked at 1.46 GiB with all of them alive at once, and spent a third of its
 * time collecting garbage). What is registered, and every dependency, stays the same.
 */
async function built<T>(component: T): Promise<T> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  return component;
}

/**
 * The whole fleet: one AWS provider per region (clusters sharing a region share it), one
 * `RegionalCluster` per cluster with its in-cluster agents, and the fleet-wide DNS.
 * Per-cluster add-ons are parented under their cluster, so they inherit its region.
 * Built one component at a time (`Fleet.create`, `built`), the Argo CD hubs (one per region) first.
 */
export class Fleet extends pulumi.ComponentResource {
  public readonly spec: FleetSpec;
  public readonly clusters: RegionalCluster[] = [];
  public readonly providers: ReadonlyMap<string, aws.Provider>;
  /** Each cluster's program-owned NLB, by cluster name. */
  public readonly loadBalancers = new Map<string, ClusterLoadBalancer>();
  /** Present when `dns.globalAccelerator` is on. */
  public accelerator?: GlobalAccelerator;
  /** Route 53: `<record>` in every mode, and the health checks when there is no accelerator. */
  public dns!: DnsRouting;
  private readonly building: Promise<void>;

  /** The fleet, once every cluster and fleet-wide resource is constructed. */
  static async create(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions): Promise<Fleet> {
    const fleet = new Fleet(name, args, opts);
    await fleet.building;
    return fleet;
  }

  private constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:index:Fleet", name, {}, opts);
    const { spec } = args;
    this.spec = spec;
    const allRegions = [...new Set([spec.homeRegion, ...spec.regions])];
    this.providers = new Map(allRegions.map((region) => [region, regionalProvider(spec, region, { parent: this })]));
    this.building = this.build(spec);
  }

  private async build(spec: FleetSpec): Promise<void> {
    const home = { parent: this, provider: this.providers.get(spec.homeRegion)! };
    const zoneId = spec.dns.zoneId;
    const shared: FleetWide = {
      zoneId,
      secrets: new ReplicatedSecrets("secrets", { fleet: spec, providers: this.providers }, { parent: this }),
      certificates: new GatewayCertificates("gateway-certificates", { fleet: spec, zoneId, providers: this.providers }, home),
      // IAM is global: the roles live with the fleet, outside every cluster.
      roles: new FleetAddonRoles("addon-roles", { fleet: spec }, home),
    };
    const byName = new Map<string, BuiltCluster>();

    // Each region's Argo CD hub reaches its region's spokes' public endpoints from its NAT
    // addresses, so the hubs are built first and each other cluster admits exactly its own
    // hub's /32s (see `hubEgressCidrs`); a hub reaches itself through its private endpoint.
    const hubs = new Map<string, SpokeHub>();
    for (const hubSpec of spec.hubs) {
      const hub = await this.addCluster(spec, hubSpec, shared);
      byName.set(hubSpec.name, hub);
      const role = shared.roles.argocd!;
      const argocd = new ArgoCdHub(`${hubSpec.name}-argocd`, { fleet: spec, hub: hub.cluster, serviceWebhook: hub.serviceWebhook, role }, { parent: hub.cluster });
      hubs.set(hubSpec.name, { cluster: hub.cluster, release: argocd.release, roleArn: role.role.arn });
    }
    // Registering a spoke is what makes the ApplicationSets sync its tree: only once its CRDs exist.
    const registerSpoke = ({ cluster, treePrerequisites }: BuiltCluster) =>
      new ArgoCdSpoke(`${cluster.spec.name}-argocd-spoke`, { fleet: spec, spoke: cluster, hub: hubs.get(cluster.spec.argocdHub!)!, treePrerequisites }, { parent: cluster });
    for (const hub of byName.values()) registerSpoke(hub);
    for (const clusterSpec of spec.clusters) {
      if (byName.has(clusterSpec.name)) continue;
      const hub = clusterSpec.argocdHub ? hubs.get(clusterSpec.argocdHub)! : undefined;
      const c = await this.addCluster(spec, clusterSpec, shared, hub?.cluster.natPublicIps.map((ip) => pulumi.interpolate`${ip}/32`));
      byName.set(clusterSpec.name, c);
      if (hub) registerSpoke(c);
    }

    for (const clusterSpec of spec.clusters) {
      const { cluster, storage, loadBalancer } = byName.get(clusterSpec.name)!;
      this.clusters.push(cluster);
      this.loadBalancers.set(clusterSpec.name, loadBalancer);
      const destination = byName.get(clusterSpec.backup.partner)!.storage;
      new BackupReplication(`${clusterSpec.name}-backup-replication`, { fleet: spec, cluster: clusterSpec, source: storage, destination }, { parent: cluster });
    }
    // With an accelerator, `<record>` points at it and Global Accelerator does the failover; else Route 53 does.
    // DnsRouting owns `<record>` in every mode, so switching modes updates its records in place.
    if (spec.dns.globalAccelerator) this.accelerator = new GlobalAccelerator("accelerator", { fleet: spec, loadBalancers: this.loadBalancers }, home);
    const accelerator = this.accelerator && { component: this.accelerator, dnsName: this.accelerator.dnsName };
    this.dns = new DnsRouting("dns", { fleet: spec, zoneId, accelerator }, home);
    this.registerOutputs({ clusters: this.clusters.map((c) => c.clusterName) });
  }

  /**
   * One cluster and its add-ons. Each chart that creates a Service waits for the cluster's Load
   * Balancer Controller (its Service webhook fails closed); the GitOps agent's objects wait for
   * every release whose CRDs or webhooks the tree relies on.
   */
  private async addCluster(spec: FleetSpec, clusterSpec: ClusterSpec, shared: FleetWide, hubEgressCidrs?: pulumi.Input<string>[]): Promise<BuiltCluster> {
    const name = clusterSpec.name;
    const c = await built(new RegionalCluster(name, { fleet: spec, cluster: clusterSpec, hubEgressCidrs }, { parent: this, providers: { aws: this.providers.get(clusterSpec.region)! } }));
    const storage = await built(new BackupStorage(`${name}-backup`, { fleet: spec, cluster: clusterSpec }, { parent: c }));
    new NamespaceAdminAccess(`${name}-namespace-admins`, { fleet: spec, cluster: clusterSpec, clusterName: c.clusterName }, { parent: c });
    const irsa = { fleet: spec, cluster: clusterSpec, oidcProviderArn: c.oidcProviderArn, oidcIssuer: c.oidcIssuer };
    const common = { ...irsa, kubernetesProvider: c.kubernetesProvider };
    const serviceWebhook = (await built(new LoadBalancerController(`${name}-lbc`, { ...common, vpcId: c.vpcId }, { parent: c }))).release;
    await built(new ExternalDns(`${name}-external-dns`, { ...common, zoneId: shared.zoneId, serviceWebhook }, { parent: c }));
    const podIdentity = { podIdentityAgent: c.podIdentityAgent };
    await built(new EbsCsiDriver(`${name}-ebs-csi`, { fleet: spec, cluster: clusterSpec, clusterName: c.clusterName, nodes: c.systemNodes, role: shared.roles.ebsCsiDriver, ...podIdentity }, { parent: c }));
    const karpenter = await built(new Karpenter(`${name}-karpenter`, {
      ...common,
      endpoint: c.endpoint,
      controlPlane: c.controlPlane,
      serviceWebhook,
      role: shared.roles.karpenter,
      ...podIdentity,
    }, { parent: c }));
    const regionKeyArn = shared.secrets.keyArns[clusterSpec.region];
    const externalSecrets = await built(new ExternalSecretsOperator(`${name}-external-secrets`, { ...common, regionKeyArn, secretArns: shared.secrets.arns, serviceWebhook }, { parent: c }));
    // Velero reads its repository password through External Secrets, so it comes after it.
    const velero = await built(new Velero(`${name}-velero`, {
      ...common,
      storage,
      serviceWebhook,
      regionKeyArn,
      externalSecrets: externalSecrets.release,
    }, { parent: c }));
    const treePrerequisites = [serviceWebhook, externalSecrets.release, velero.release, karpenter.release];
    const loadBalancer = await built(new ClusterLoadBalancer(`${name}-lb`, {
      fleet: spec,
      cluster: clusterSpec,
      vpcId: c.vpcId,
      publicSubnetIds: c.publicSubnetIds,
      podSecurityGroupId: c.podSecurityGroupId,
      certificateArn: shared.certificates.arns[clusterSpec.region],
      zoneId: shared.zoneId,
    }, { parent: c }));
    if (spec.zonalAutoshift) new ZonalAutoshift(`${name}-zonal-autoshift`, { fleet: spec, cluster: clusterSpec, clusterArn: c.clusterArn, loadBalancer }, { parent: c });
    if (spec.gitops.engine === "flux") {
      await built(new FluxAgent(`${name}-flux`, { fleet: spec, cluster: clusterSpec, kubernetesProvider: c.kubernetesProvider, serviceWebhook, treePrerequisites }, { parent: c }));
    }
    return { cluster: c, storage, serviceWebhook, treePrerequisites, loadBalancer };
  }
}
