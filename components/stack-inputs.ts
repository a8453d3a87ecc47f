import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";
import { NatAddresses } from "./hub-nat-addresses";

/**
 * What one stack of a per-cluster fleet publishes for the others (deploy/stacks.ts): only
 * values AWS assigns; everything else the program computes from the fleet again. Written by
 * index.ts as stack outputs, read back here through StackReferences, which read the Pulumi
 * backend and never call into an AWS region.
 */
export const FLEET_WIDE_OUTPUT = "fleetWide";
export const CLUSTER_OUTPUT = "cluster";
export const ACCELERATOR_OUTPUT = "accelerator";
export const LINKS_OUTPUT = "links";
export const HUB_NAT_ADDRESSES_OUTPUT = "hubNatAddresses";

/** The fleet stack's ARNs every cluster's add-ons name. */
export interface FleetWideValues {
  /** Each `fleet.secrets` entry's ARN, by Secrets Manager name. */
  readonly secretArns: Readonly<Record<string, pulumi.Input<string>>>;
  /** The secrets key of each fleet region. */
  readonly keyArns: Readonly<Record<string, pulumi.Input<string>>>;
  /** The gateway certificate of each fleet region. */
  readonly certificateArns: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * What an addresses stack publishes: its region's Argo CD hub's NAT addresses, by hub
 * (components/hub-nat-addresses.ts): the hub's network takes them, its spokes' endpoints admit
 * them. By hub, so a cluster stack never takes a former hub's addresses for its current one's.
 */
export type HubNatAddressesValues = Readonly<Record<string, NatAddresses>>;

/** A cluster stack's values that the replication and links stacks name. */
export interface ClusterValues {
  readonly backup: { readonly bucketName: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  readonly loadBalancerArn: pulumi.Input<string>;
  /** The API server's URL and base64 CA bundle: what an Argo CD cluster Secret and a Kubernetes provider name. */
  readonly endpoint: pulumi.Input<string>;
  readonly certificateAuthority: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
}

/** The fleet stack's accelerator (`dns.globalAccelerator`), as the links stacks read it: their endpoint groups join its listener, `<record>` names it. */
export interface AcceleratorValues {
  readonly listenerArn: pulumi.Input<string>;
  readonly dnsName: pulumi.Input<string>;
}

/** A links stack's endpoint group (with the accelerator), as the home region's links stack reads it before `<record>` names the accelerator. */
export interface LinksValues {
  readonly endpointGroupArn: pulumi.Input<string>;
}

/** The stack `name` of this project, in this run's organization. */
function reference(name: string, parent: pulumi.Resource): pulumi.StackReference {
  return new pulumi.StackReference(`stack-${name}`, { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${name}` }, { parent });
}

/** One named output's field, failing the run with the stack's name when the stack has not published it (not deployed yet). */
function field(ref: pulumi.StackReference, stack: string, output: string, path: (value: any) => string | undefined, what: string): pulumi.Output<string> {
  return ref.getOutput(output).apply((value): string => {
    const found = value === undefined || value === null ? undefined : path(value);
    if (found === undefined) throw new pulumi.RunError(`stack ${stack} publishes no ${what}: deploy it first (npm run deploy, README "Stacks")`);
    return found;
  });
}

/** The fleet stack's values, as a cluster stack reads them. */
export function readFleetWide(spec: FleetSpec, fleetStack: string, parent: pulumi.Resource): FleetWideValues {
  const ref = reference(fleetStack, parent);
  const read = (kind: "secretArns" | "keyArns" | "certificateArns", key: string) =>
    field(ref, fleetStack, FLEET_WIDE_OUTPUT, (v) => v?.[kind]?.[key], `${kind}.${key}`);
  const regions = [...new Set([spec.homeRegion, ...spec.regions])];
  return {
    secretArns: Object.fromEntries(spec.secrets.map((s) => [s.name, read("secretArns", s.name)])),
    keyArns: Object.fromEntries(regions.map((r) => [r, read("keyArns", r)])),
    certificateArns: Object.fromEntries(spec.regions.map((r) => [r, read("certificateArns", r)])),
  };
}

/**
 * The NAT addresses of the Argo CD hub `hub`, as a cluster stack of its region reads them from
 * the region's addresses stack `stack`: one per zone of the hub, in the order of its public
 * subnets (components/cluster-network.ts).
 */
export function readHubNatAddresses(spec: FleetSpec, stack: string, hub: string, parent: pulumi.Resource): NatAddresses {
  const ref = reference(stack, parent);
  const zones = spec.clusters.find((c) => c.name === hub)!.subnets.public.length;
  const list = (kind: keyof NatAddresses) => ref.getOutput(HUB_NAT_ADDRESSES_OUTPUT).apply((value): string[] => {
    const found = value?.[hub]?.[kind];
    if (!Array.isArray(found) || found.length !== zones) throw new pulumi.RunError(`stack ${stack} publishes no ${HUB_NAT_ADDRESSES_OUTPUT}.${hub}.${kind} for its ${zones} zones: deploy it first (npm run deploy, README "Stacks")`);
    return found;
  });
  const perZone = (all: pulumi.Output<string[]>) => Array.from({ length: zones }, (_, i) => all.apply((xs) => xs[i]));
  return { allocationIds: perZone(list("allocationIds")), publicIps: perZone(list("publicIps")) };
}

/**
 * A cluster stack's values, as a replication or links stack reads them. Each is read when
 * first used, so a stack asks only for what it names (a stack deployed by an older version
 * lacks the newer fields, and a read of one fails the run).
 */
export function readCluster(stack: string, parent: pulumi.Resource): ClusterValues {
  const ref = reference(stack, parent);
  const once = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const read = (path: (v: any) => string | undefined, what: string) => once(() => field(ref, stack, CLUSTER_OUTPUT, path, what));
  const backup = once(() => ({
    bucketName: read((v) => v.backup?.bucketName, "backup.bucketName")(),
    bucketArn: read((v) => v.backup?.bucketArn, "backup.bucketArn")(),
    keyArn: read((v) => v.backup?.keyArn, "backup.keyArn")(),
  }));
  const loadBalancerArn = read((v) => v.loadBalancerArn, "loadBalancerArn");
  const endpoint = read((v) => v.endpoint, "endpoint");
  const certificateAuthority = read((v) => v.certificateAuthority, "certificateAuthority");
  const vpcId = read((v) => v.vpcId, "vpcId");
  return {
    get backup() { return backup(); },
    get loadBalancerArn() { return loadBalancerArn(); },
    get endpoint() { return endpoint(); },
    get certificateAuthority() { return certificateAuthority(); },
    get vpcId() { return vpcId(); },
  };
}

/** The fleet stack's accelerator, as a links stack reads it. */
export function readAccelerator(fleetStack: string, parent: pulumi.Resource): AcceleratorValues {
  const ref = reference(fleetStack, parent);
  return {
    listenerArn: field(ref, fleetStack, ACCELERATOR_OUTPUT, (v) => v.listenerArn, "accelerator.listenerArn"),
    dnsName: field(ref, fleetStack, ACCELERATOR_OUTPUT, (v) => v.dnsName, "accelerator.dnsName"),
  };
}

/** Another region's links stack, as the home region's reads it. */
export function readLinks(stack: string, parent: pulumi.Resource): LinksValues {
  return { endpointGroupArn: field(reference(stack, parent), stack, LINKS_OUTPUT, (v) => v.endpointGroupArn, "links.endpointGroupArn") };
}
