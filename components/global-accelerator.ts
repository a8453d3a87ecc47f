import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, HEALTH_CHECK } from "../fleet";
import { GATEWAY_PUBLIC_PORT } from "./cluster-load-balancer";

export interface GlobalAcceleratorArgs {
  readonly fleet: FleetSpec;
  /** Each cluster's program-owned NLB, by cluster name (its ARN: in a per-cluster fleet, read from the cluster's stack). */
  readonly loadBalancers: ReadonlyMap<string, { readonly arn: pulumi.Input<string> }>;
  /**
   * The regions whose endpoint groups this builds: in a per-cluster fleet, none in the fleet
   * stack (the accelerator and listener) and its own in each region's links stack.
   * @default every fleet region
   */
  readonly regions?: readonly string[];
  /** The listener the endpoint groups join, when another stack built it. @default this component's own accelerator and listener */
  readonly listenerArn?: pulumi.Input<string>;
}

/**
 * Every endpoint group's traffic dial and every endpoint's weight: the same whatever the
 * roles, so a promotion changes nothing here. Health alone decides: an NLB endpoint is
 * healthy only while each of its target groups has a healthy target (AWS Global Accelerator
 * developer guide, "Health check options"), and its serving target group checks the
 * gateway's serving answer (components/cluster-load-balancer.ts). Clients go to the closest
 * group with a healthy endpoint among their three closest (the guide, "How failover works
 * for unhealthy endpoints"; rules.ts keeps an active-passive fleet within three regions).
 */
export const ENDPOINT_GROUP = { trafficDialPercentage: 100, weight: 100 } as const;

/**
 * An AWS Global Accelerator over the fleet (`dns.globalAccelerator: true`): two static
 * anycast IPv4 addresses, a TCP listener on 443 and one endpoint group per fleet region whose
 * endpoints are that region's NLBs. TLS still terminates at each NLB. `<record>` points at
 * the accelerator's DNS name (DnsRouting). The accelerator sends every client to a serving cluster: the
 * primary, or the closest of all in active-active. When no endpoint is healthy (the
 * primary's region lost, no promotion yet) it fails open: each client goes to a random
 * endpoint of its closest group, the failed region's included, until the promoted
 * cluster's answers make it healthy (about 30 s after its serving check passes).
 */
export class GlobalAccelerator extends pulumi.ComponentResource {
  /** Present where this component built the accelerator. */
  public readonly dnsName?: pulumi.Output<string>;
  public readonly ipAddresses?: pulumi.Output<string[]>;
  public readonly listenerArn: pulumi.Input<string>;
  /** Each endpoint group this component built, by region. */
  public readonly endpointGroupArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: GlobalAcceleratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:GlobalAccelerator", name, {}, opts);
    const parent = { parent: this };
    const { fleet, loadBalancers } = args;
    const tags = { "eks-fleet/fleet": fleet.name };

    if (args.listenerArn !== undefined) this.listenerArn = args.listenerArn;
    else {
      // The Global Accelerator API lives in us-west-2 only; the provider sends it there
      // whatever its region (hashicorp/terraform-provider-aws internal/service/globalaccelerator).
      const accelerator = new aws.globalaccelerator.Accelerator(name, {
        name: `${fleet.name}-fleet`,
        ipAddressType: "IPV4",
        enabled: true,
        tags,
      }, parent);
      const listener = new aws.globalaccelerator.Listener(`${name}-https`, {
        acceleratorArn: accelerator.arn,
        protocol: "TCP",
        portRanges: [{ fromPort: GATEWAY_PUBLIC_PORT, toPort: GATEWAY_PUBLIC_PORT }],
        clientAffinity: "NONE",
      }, parent);
      this.listenerArn = listener.arn;
      this.dnsName = accelerator.dnsName;
      this.ipAddresses = accelerator.ipSets.apply((sets) => sets.flatMap((s) => s.ipAddresses));
    }

    // One endpoint group per region and listener, of at most 10 endpoints (Global Accelerator
    // API reference, CreateEndpointGroup: EndpointGroupRegion, EndpointConfigurations;
    // fleet/rules.ts keeps a region behind the accelerator within that).
    for (const region of args.regions ?? fleet.regions) {
      const clusters = fleet.clusters.filter((c) => c.region === region);
      this.endpointGroupArns[region] = new aws.globalaccelerator.EndpointGroup(`${name}-${region}`, {
        listenerArn: this.listenerArn,
        endpointGroupRegion: region,
        trafficDialPercentage: ENDPOINT_GROUP.trafficDialPercentage,
        // Used for EC2 and Elastic IP endpoints only; NLB endpoints take their target groups'
        // health. Set to what that health means here: the serving answer.
        healthCheckProtocol: "HTTPS",
        healthCheckPort: GATEWAY_PUBLIC_PORT,
        healthCheckPath: fleet.dns.healthCheckPath,
        healthCheckIntervalSeconds: HEALTH_CHECK.requestIntervalSeconds,
        thresholdCount: HEALTH_CHECK.failureThreshold,
        endpointConfigurations: clusters.map((c) => ({
          endpointId: loadBalancers.get(c.name)!.arn,
          weight: ENDPOINT_GROUP.weight,
          clientIpPreservationEnabled: false,
        })),
      }, parent).arn;
    }

    this.registerOutputs({ dnsName: this.dnsName, ipAddresses: this.ipAddresses, endpointGroupArns: this.endpointGroupArns });
  }
}
