import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { ArgoCdHub } from "./argocd-hub";
import { ArgoCdRegistration, RegisteredCluster } from "./argocd-registration";
import { ArgoCdSpoke, SpokeHub } from "./argocd-spoke";
import { regionalProvider } from "./aws-providers";
import { addressesStackName, clusterStackName, FleetStack, hasFleetRecord, linkRegions, linksStackName, regionHub } from "../deploy/stacks";
import { BackupReplication, ReplicationEnd } from "./backup-replication";
import { BackupStorage } from "./backup-storage";
import { ClusterLoadBalancer } from "./cluster-load-balancer";
import { DnsRouting } from "./dns-routing";
import { EbsCsiDriver } from "./ebs-csi-driver";
import { ExternalDns } from "./external-dns";
import { ExternalSecretsOperator } from "./external-secrets";
import { FleetAddonRoles } from "./fleet-addon-roles";
import { FluxAgent } from "./flux-agent";
import { kubeconfigFor } from "./kubeconfig";
import { GatewayCertificates } from "./gateway-certificates";
import { GlobalAccelerator } from "./global-accelerator";
import { allocateHubNatAddresses, NatAddresses } from "./hub-nat-addresses";
import { Karpenter } from "./karpenter";
import { FleetRole, PodIdentityRole } from "./pod-identity-role";
import { LoadBalancerController } from "./load-balancer-controller";
import { NamespaceAdminAccess } from "./namespace-admin-access";
import { RegionalCluster, RegionalClusterArgs } from "./regional-cluster";
import { ReplicatedSecrets } from "./replicated-secrets";
import { ClusterValues, FleetWideValues, HubNatAddressesValues, readAccelerator, readCluster, readFleetWide, readHubNatAddresses, readLinks } from "./stack-inputs";
import { Velero } from "./velero";
import { ZonalAutoshift } from "./zonal-autoshift";

export interface FleetArgs {
  readonly spec: FleetSpec;
  /**
   * The stack this run builds (deploy/stacks.ts): in a per-cluster fleet, the fleet stack, a
   * region's addresses stack, one cluster's stack, its replication stack or a links stack, each reading what it needs of the others through
   * StackReferences (stack-inputs.ts). @default the whole fleet, as one stack
   */
  readonly stack?: FleetStack;
  /** The fleet stack's name, which every other stack's name starts with. */
  readonly fleetStack?: string;
}

/** What every cluster's add-ons share: the DNS zone, the per-region secret keys and certificates. */
interface FleetWide extends FleetWideValues {
  /** From the stack file (`dns.zoneId`), never looked up: a lookup would need Route 53's API on every run. */
  readonly zoneId: string;
  /** One role per Pod Identity add-on for the whole fleet: created in the fleet (or single) stack; a cluster stack names them by their computed ARNs. */
  readonly roles: FleetRoles;
}

/** The fleet-wide add-on roles as the clusters' add-ons take them (components/pod-identity-role.ts `FleetRole`). */
interface FleetRoles {
  readonly karpenter: FleetRole;
  readonly ebsCsiDriver: FleetRole;
  readonly externalDns: FleetRole;
  readonly loadBalancerController: FleetRole;
  /** With Argo CD: the role every hub's service accounts use (the fleet stack's, by its ARN, in a cluster stack). */
  readonly argocd?: FleetRole;
}

/**
 * The fleet stack's add-on roles as a cluster stack names them: by the ARNs their names give
 * (IAM assigns nothing a cluster needs), so no stack reads them; the fleet stack deploys first.
 */
function fleetRolesByArn(spec: FleetSpec): FleetRoles {
  const arn = (agent: names.AgentName) => ({ arn: names.roleArn(spec.accountId, names.podIdentityRoleName(spec.name, names.AGENTS[agent].role)) });
  return {
    karpenter: arn("karpenter"),
    ebsCsiDriver: arn("ebsCsiDriver"),
    externalDns: arn("externalDns"),
    loadBalancerController: arn("loadBalancerController"),
    ...(spec.gitops.engine === "argocd" ? { argocd: arn("argocd") } : {}),
  };
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

const CLUSTER_TYPE = "eks-fleet:cluster:RegionalCluster";
const SPOKE_TYPE = "eks-fleet:gitops:ArgoCdSpoke";

/**
 * The whole fleet, or the part of it one stack holds: one AWS provider per region (clusters
 * sharing a region share it), one `RegionalCluster` per cluster with its in-cluster agents,
 * and the fleet-wide DNS. Per-cluster add-ons are parented under their cluster, so they
 * inherit its region. Built one component at a time (`Fleet.create`, `built`), the Argo CD
 * hubs (one per region) first. Every resource has the same name and parents in whichever
 * stack holds it, so moving a fleet from one stack to several is a move of state, not a
 * replacement (deploy/migration.ts).
 */
export class Fleet extends pulumi.ComponentResource {
  public readonly spec: FleetSpec;
  public readonly stack: FleetStack;
  public readonly clusters: RegionalCluster[] = [];
  /** Each cluster's backup storage, by cluster name (clusters this stack builds). */
  public readonly storage = new Map<string, BackupStorage>();
  public readonly providers: ReadonlyMap<string, aws.Provider>;
  /** Each cluster's program-owned NLB, by cluster name. */
  public readonly loadBalancers = new Map<string, ClusterLoadBalancer>();
  /** Present when `dns.globalAccelerator` is on: in a per-cluster fleet, the accelerator in the fleet stack and a region's endpoint group in its links stack. */
  public accelerator?: GlobalAccelerator;
  /** Route 53: `<record>` in every mode, and the health checks when there is no accelerator (a cluster stack: its own checks and set records only). */
  public dns?: DnsRouting;
  /** What the fleet stack publishes for the cluster stacks (fleet and single stacks). */
  public fleetWide?: FleetWideValues;
  /** What an addresses stack publishes for its region's cluster stacks: the hub's NAT addresses. */
  public hubNatAddresses?: HubNatAddressesValues;
  private readonly building: Promise<void>;

  /** The fleet, once every cluster and fleet-wide resource of its stack is constructed. */
  static async create(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions): Promise<Fleet> {
    const fleet = new Fleet(name, args, opts);
    await fleet.building;
    return fleet;
  }

  private constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:index:Fleet", name, {}, opts);
    const { spec } = args;
    this.spec = spec;
    this.stack = args.stack ?? { name: pulumi.getStack(), kind: "single" };
    const fleetStack = args.fleetStack ?? this.stack.name;
    // A stack configures only the regions it builds in: a cluster stack never needs another cluster's
    // region, an addresses stack only its own (nothing of it is in the home region).
    const kind = this.stack.kind;
    const regions = kind === "addresses" ? [this.stack.region!] : kind === "cluster" || kind === "replication" || kind === "links" ? [spec.homeRegion, this.stack.region!] : [spec.homeRegion, ...spec.regions];
    this.providers = new Map([...new Set(regions)].map((region) => [region, regionalProvider(spec, region, { parent: this })]));
    this.building = this.build(spec, fleetStack);
  }

  private async build(spec: FleetSpec, fleetStack: string): Promise<void> {
    const home = { parent: this, provider: this.providers.get(spec.homeRegion)! };
    const zoneId = spec.dns.zoneId;
    const kind = this.stack.kind;
    let roles: FleetRoles | undefined;
    if (kind === "fleet" || kind === "single") {
      const secrets = new ReplicatedSecrets("secrets", { fleet: spec, providers: this.providers }, { parent: this });
      const certificates = new GatewayCertificates("gateway-certificates", { fleet: spec, zoneId, providers: this.providers }, home);
      // IAM is global: the roles live with the fleet, outside every cluster.
      roles = new FleetAddonRoles("addon-roles", { fleet: spec }, home);
      this.fleetWide = { secretArns: secrets.arns, keyArns: secrets.keyArns, certificateArns: certificates.arns };
      if (kind === "fleet") {
        // The accelerator and its listener need no cluster: each region's links stack adds its endpoint group.
        if (spec.dns.globalAccelerator) this.accelerator = new GlobalAccelerator("accelerator", { fleet: spec, loadBalancers: new Map(), regions: [] }, home);
        return this.registerOutputs({});
      }
    }
    if (kind === "addresses") return this.buildAddresses(spec);
    if (kind === "replication") return this.buildReplication(spec, fleetStack);
    if (kind === "links") return this.buildLinks(spec, fleetStack, home);
    const mine = kind === "cluster" ? spec.clusters.filter((c) => c.name === this.stack.cluster) : spec.clusters;
    const shared: FleetWide = { zoneId, ...(this.fleetWide ?? readFleetWide(spec, fleetStack, this)), roles: roles ?? fleetRolesByArn(spec) };
    // A cluster stack reads the NAT addresses of the one hub it names, its region's (its own, or
    // its spokes' hub), from its region's addresses stack; a single stack takes them from the hub's network.
    const hubNatAddresses = new Map<string, NatAddresses>();
    for (const hub of kind === "cluster" ? new Set(mine.map((c) => c.argocdHub).filter((h): h is string => h !== undefined)) : []) {
      hubNatAddresses.set(hub, readHubNatAddresses(spec, addressesStackName(fleetStack, this.stack.region!), hub, this));
    }
    const byName = new Map<string, BuiltCluster>();

    // Each region's Argo CD hub reaches its region's spokes' public endpoints from its NAT
    // addresses, so each other cluster admits exactly its own hub's /32s (see `hubEgressCidrs`);
    // a hub reaches itself through its private endpoint. A single stack builds the hubs first
    // and takes the addresses from their networks; in a cluster stack, the hub's network and
    // its spokes' endpoints take the addresses its region's addresses stack allocated, so no
    // cluster stack waits for another (deploy/stacks.ts `deployStages`).
    const hubs = new Map<string, SpokeHub>();
    const hubInstalls = new Map<string, ArgoCdHub>();
    for (const hubSpec of spec.hubs) {
      if (!mine.includes(hubSpec)) {
        hubs.set(hubSpec.name, { cluster: hubSpec, roleArn: shared.roles.argocd!.arn });
        continue;
      }
      const hub = await this.addCluster(spec, hubSpec, shared, { natAddresses: hubNatAddresses.get(hubSpec.name) });
      byName.set(hubSpec.name, hub);
      const role = shared.roles.argocd!;
      const argocd = new ArgoCdHub(`${hubSpec.name}-argocd`, { fleet: spec, hub: hub.cluster, serviceWebhook: hub.serviceWebhook, role }, { parent: hub.cluster });
      hubInstalls.set(hubSpec.name, argocd);
      hubs.set(hubSpec.name, { cluster: hubSpec, roleArn: role instanceof PodIdentityRole ? role.role.arn : role.arn });
    }
    const spokes = new Map<string, ArgoCdSpoke>();
    const registerSpoke = ({ cluster }: BuiltCluster) =>
      spokes.set(cluster.spec.name, new ArgoCdSpoke(`${cluster.spec.name}-argocd-spoke`, { fleet: spec, spoke: cluster, hub: hubs.get(cluster.spec.argocdHub!)! }, { parent: cluster }));
    for (const hub of byName.values()) registerSpoke(hub);
    for (const clusterSpec of mine) {
      if (byName.has(clusterSpec.name)) continue;
      const hub = clusterSpec.argocdHub ? spec.clusters.find((c) => c.name === clusterSpec.argocdHub)! : undefined;
      const hubEgressCidrs = hub && (byName.get(hub.name)?.cluster.natPublicIps ?? hubNatAddresses.get(hub.name)!.publicIps).map((ip) => pulumi.interpolate`${ip}/32`);
      // Its own addresses, known also where a former hub's were held (under the fleet), for a `pulumi state move` out of the addresses stack.
      const formerAddressParent = kind === "cluster" ? this.urn : undefined;
      const c = await this.addCluster(spec, clusterSpec, shared, { hubEgressCidrs, formerAddressParent });
      byName.set(clusterSpec.name, c);
      if (hub) registerSpoke(c);
    }
    // A single stack registers every cluster with its hub here; a per-cluster fleet, in the links stack of the hub's region.
    if (kind === "single") {
      for (const hub of spec.hubs) {
        const install = hubInstalls.get(hub.name)!;
        const registered = spec.clusters.filter((c) => c.argocdHub === hub.name).map((c): RegisteredCluster => {
          const { cluster, treePrerequisites } = byName.get(c.name)!;
          return { ...this.registered(c, cluster), after: [install.release, ...treePrerequisites, spokes.get(c.name)!.grant] };
        });
        const hubProvider = byName.get(hub.name)!.cluster.kubernetesProvider;
        for (const cluster of registered) this.registerWith(spec, hub, hubProvider, cluster);
      }
    }

    for (const clusterSpec of mine) {
      const { cluster, storage, loadBalancer } = byName.get(clusterSpec.name)!;
      this.clusters.push(cluster);
      this.storage.set(clusterSpec.name, storage);
      this.loadBalancers.set(clusterSpec.name, loadBalancer);
      if (kind === "single") this.replicate(spec, clusterSpec, storage, byName.get(clusterSpec.backup.partner)!.storage);
    }
    // With an accelerator, `<record>` points at it and Global Accelerator does the failover; else Route 53 does.
    // DnsRouting owns `<record>` in every mode, so switching modes updates its records in place.
    // A cluster stack holds its own checks and set records; `<record>` over every cluster comes after them (buildLinks).
    if (kind === "cluster") {
      if (!spec.dns.globalAccelerator) this.dns = new DnsRouting("dns", { fleet: spec, zoneId, clusters: mine, failoverRecords: false }, home);
    } else this.buildFleetRecord(spec, this.loadBalancers, home);
    this.registerOutputs({ clusters: this.clusters.map((c) => c.clusterName) });
  }

  /**
   * A cluster's backups replicated into its partner's bucket. Parented under the fleet, and
   * known also under its former parent (the cluster), so a stack deployed before this layout
   * keeps it (aliases carry to the children).
   */
  private replicate(spec: FleetSpec, cluster: ClusterSpec, source: ReplicationEnd, destination: ReplicationEnd): void {
    const name = `${cluster.name}-backup-replication`;
    new BackupReplication(name, { fleet: spec, cluster, source, destination }, {
      parent: this,
      providers: { aws: this.providers.get(cluster.region)! },
      aliases: [{ parent: pulumi.createUrn(cluster.name, CLUSTER_TYPE, this) }],
    });
  }

  /**
   * An addresses stack: the NAT addresses of its region's Argo CD hub, in that region, directly
   * under the fleet (components/hub-nat-addresses.ts), published by hub for the region's cluster
   * stacks. It reads no stack, so it deploys beside the fleet stack, before every cluster.
   */
  private buildAddresses(spec: FleetSpec): void {
    const region = this.stack.region!;
    // Its region has a hub: deploy/stacks.ts makes an addresses stack for no other.
    const hub = regionHub(spec, region)!;
    this.hubNatAddresses = { [hub.name]: allocateHubNatAddresses(spec, hub, { parent: this, provider: this.providers.get(region)! }) };
    this.registerOutputs({});
  }

  /** A replication stack: its cluster's replication rule, naming its partner's bucket and key as their stacks published them. */
  private buildReplication(spec: FleetSpec, fleetStack: string): void {
    const cluster = spec.clusters.find((c) => c.name === this.stack.cluster)!;
    const backup = (name: string) => readCluster(clusterStackName(fleetStack, name), this).backup;
    this.replicate(spec, cluster, backup(cluster.name), backup(cluster.backup.partner));
    this.registerOutputs({});
  }

  /**
   * A links stack: with the accelerator, its region's endpoint group over the load balancers its
   * clusters' stacks published; in the home region the fleet record (failover records over the
   * answer sets the clusters made, or the accelerator's record once every region's endpoint
   * group exists).
   */
  private buildLinks(spec: FleetSpec, fleetStack: string, home: pulumi.CustomResourceOptions): void {
    const region = this.stack.region!;
    const read = new Map<string, ClusterValues>();
    const valuesOf = (cluster: string) => {
      if (!read.has(cluster)) read.set(cluster, readCluster(clusterStackName(fleetStack, cluster), this));
      return read.get(cluster)!;
    };
    const hub = regionHub(spec, region);
    if (hub) {
      // The hub's API, from the endpoint and CA its stack published; signed for as in its own stack (kubeconfig.ts).
      const hubApi = valuesOf(hub.name);
      const kubeconfig = kubeconfigFor({ clusterName: hub.eksClusterName, endpoint: hubApi.endpoint, certificateAuthority: hubApi.certificateAuthority, region });
      const provider = new k8s.Provider(`${hub.name}-argocd-hub-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this });
      const registered = spec.clusters.filter((c) => c.region === region).map((c) => this.registered(c, valuesOf(c.name)));
      for (const cluster of registered) this.registerWith(spec, hub, provider, cluster);
    }
    if (spec.dns.globalAccelerator) {
      const { listenerArn, dnsName } = readAccelerator(fleetStack, this);
      const mine = spec.clusters.filter((c) => c.region === region);
      if (mine.length > 0) {
        const loadBalancers = new Map(mine.map((c) => [c.name, { arn: valuesOf(c.name).loadBalancerArn }]));
        this.accelerator = new GlobalAccelerator("accelerator", { fleet: spec, loadBalancers, regions: [region], listenerArn }, home);
      }
      if (region === spec.homeRegion) {
        // `<record>` names the accelerator only once every other region's endpoint group exists (read from its links stack).
        const others = linkRegions(spec).filter((r) => r !== region).map((r) => readLinks(linksStackName(fleetStack, r), this).endpointGroupArn);
        const component = this.accelerator ?? this;
        this.dns = new DnsRouting("dns", { fleet: spec, zoneId: spec.dns.zoneId, accelerator: { component, dnsName: pulumi.all([dnsName, ...others]).apply(([name]) => name) }, clusters: [] }, home);
      }
    } else if (region === spec.homeRegion && hasFleetRecord(spec)) {
      this.dns = new DnsRouting("dns", { fleet: spec, zoneId: spec.dns.zoneId, clusters: [] }, home);
    }
    this.registerOutputs({});
  }

  /**
   * A cluster as Argo CD's Secret names it (components/argocd-registration.ts), known also under
   * the Secret's former parent, the cluster's `ArgoCdSpoke`: the Secrets sit under the fleet in
   * either layout, so a move to per-cluster stacks is a move of state.
   */
  private registered(cluster: ClusterSpec, api: Pick<ClusterValues, "endpoint" | "certificateAuthority" | "vpcId">): RegisteredCluster {
    const formerParent = pulumi.createUrn(`${cluster.name}-argocd-spoke`, SPOKE_TYPE, pulumi.createUrn(cluster.name, CLUSTER_TYPE, this));
    return { spec: cluster, endpoint: api.endpoint, certificateAuthority: api.certificateAuthority, vpcId: api.vpcId, formerParent };
  }

  private registerWith(spec: FleetSpec, hub: ClusterSpec, hubProvider: k8s.Provider, cluster: RegisteredCluster): void {
    new ArgoCdRegistration(`${cluster.spec.name}-argocd-registration`, { fleet: spec, hub, hubProvider, cluster }, { parent: this });
  }

  /** The accelerator (with `dns.globalAccelerator`) and `<record>`'s failover group, over the set records of `clusters`. */
  private buildFleetRecord(spec: FleetSpec, loadBalancers: ReadonlyMap<string, { readonly arn: pulumi.Input<string> }>, home: pulumi.CustomResourceOptions, clusters?: readonly ClusterSpec[]): void {
    if (spec.dns.globalAccelerator) this.accelerator = new GlobalAccelerator("accelerator", { fleet: spec, loadBalancers }, home);
    const accelerator = this.accelerator && { component: this.accelerator, dnsName: this.accelerator.dnsName! };
    this.dns = new DnsRouting("dns", { fleet: spec, zoneId: spec.dns.zoneId, accelerator, clusters }, home);
  }

  /**
   * One cluster and its add-ons. Each chart that creates a Service waits for the cluster's Load
   * Balancer Controller (its Service webhook fails closed); the GitOps agent's objects wait for
   * every release whose CRDs or webhooks the tree relies on.
   */
  private async addCluster(spec: FleetSpec, clusterSpec: ClusterSpec, shared: FleetWide, network: Pick<RegionalClusterArgs, "hubEgressCidrs" | "natAddresses" | "formerAddressParent"> = {}): Promise<BuiltCluster> {
    const name = clusterSpec.name;
    const c = await built(new RegionalCluster(name, { fleet: spec, cluster: clusterSpec, ...network }, { parent: this, providers: { aws: this.providers.get(clusterSpec.region)! } }));
    const storage = await built(new BackupStorage(`${name}-backup`, { fleet: spec, cluster: clusterSpec }, { parent: c }));
    new NamespaceAdminAccess(`${name}-namespace-admins`, { fleet: spec, cluster: clusterSpec, clusterName: c.clusterName }, { parent: c });
    const common = { fleet: spec, cluster: clusterSpec, kubernetesProvider: c.kubernetesProvider };
    // Velero and the secrets readers keep IRSA (docs/REFERENCE.md, "Pod identity").
    const irsa = { ...common, oidcProviderArn: c.oidcProviderArn, oidcIssuer: c.oidcIssuer };
    const podIdentity = { podIdentityAgent: c.podIdentityAgent };
    const lbc = new LoadBalancerController(`${name}-lbc`, { ...common, vpcId: c.vpcId, clusterName: c.clusterName, role: shared.roles.loadBalancerController, ...podIdentity }, { parent: c });
    const serviceWebhook = (await built(lbc)).release;
    await built(new ExternalDns(`${name}-external-dns`, { ...common, clusterName: c.clusterName, role: shared.roles.externalDns, serviceWebhook, ...podIdentity }, { parent: c }));
    await built(new EbsCsiDriver(`${name}-ebs-csi`, { fleet: spec, cluster: clusterSpec, clusterName: c.clusterName, nodes: c.systemNodes, role: shared.roles.ebsCsiDriver, ...podIdentity }, { parent: c }));
    const karpenter = await built(new Karpenter(`${name}-karpenter`, {
      ...common,
      endpoint: c.endpoint,
      clusterName: c.clusterName,
      serviceWebhook,
      role: shared.roles.karpenter,
      ...podIdentity,
    }, { parent: c }));
    const regionKeyArn = shared.keyArns[clusterSpec.region];
    const externalSecrets = await built(new ExternalSecretsOperator(`${name}-external-secrets`, { ...irsa, regionKeyArn, secretArns: shared.secretArns, serviceWebhook }, { parent: c }));
    // Velero reads its repository password through External Secrets, so it comes after it.
    const velero = await built(new Velero(`${name}-velero`, {
      ...irsa,
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
      certificateArn: shared.certificateArns[clusterSpec.region],
      zoneId: shared.zoneId,
    }, { parent: c }));
    if (spec.zonalAutoshift) new ZonalAutoshift(`${name}-zonal-autoshift`, { fleet: spec, cluster: clusterSpec, clusterArn: c.clusterArn, loadBalancer }, { parent: c });
    if (spec.gitops.engine === "flux") {
      await built(new FluxAgent(`${name}-flux`, { fleet: spec, cluster: clusterSpec, kubernetesProvider: c.kubernetesProvider, serviceWebhook, treePrerequisites }, { parent: c }));
    }
    return { cluster: c, storage, serviceWebhook, treePrerequisites, loadBalancer };
  }
}
