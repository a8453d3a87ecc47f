import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK } from "../fleet";
import { ClusterLoadBalancer, GATEWAY_PUBLIC_PORT } from "./cluster-load-balancer";

export interface GlobalAcceleratorArgs {
  readonly fleet: FleetSpec;
  readonly zoneId: pulumi.Input<string>;
  /** Each cluster's program-owned NLB, by cluster name. */
  readonly loadBalancers: ReadonlyMap<string, ClusterLoadBalancer>;
}

/**
 * Traffic dial and endpoint weight of a region's endpoint group. A group that holds a
 * serving cluster takes traffic (dial 100); a standby-only group is dialled to 0. Global
 * Accelerator ignores dials when it fails over, but never sends traffic to a weight-0
 * endpoint, so a standby alone in its region keeps weight 100 (it takes over when the
 * serving groups are unhealthy), and one beside a serving cluster gets 0 (it takes nothing).
 * Source: AWS Global Accelerator guide, "How failover works for unhealthy endpoints".
 */
export function endpointGroupShape(clusters: readonly ClusterSpec[]) {
  const serving = clusters.some((c) => c.serves);
  return {
    trafficDialPercentage: serving ? 100 : 0,
    weights: clusters.map((c) => (c.serves || !serving ? 100 : 0)),
  };
}

/**
 * An AWS Global Accelerator over the fleet (`dns.globalAccelerator: true`): two static
 * anycast IPv4 addresses, a TCP listener on 443 and one endpoint group per fleet region whose
 * endpoints are that region's NLBs. TLS still terminates at each NLB. `<record>` becomes an
 * alias of the accelerator: failover happens in Global Accelerator's data plane, driven by
 * the NLB target groups' health checks on the fleet's health path (for load balancer
 * endpoints they replace the endpoint group's own settings, which mirror them here).
 */
export class GlobalAccelerator extends pulumi.ComponentResource {
  public readonly dnsName: pulumi.Output<string>;
  public readonly ipAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: GlobalAcceleratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:GlobalAccelerator", name, {}, opts);
    const parent = { parent: this };
    const { fleet, zoneId, loadBalancers } = args;
    const tags = { "eks-fleet/fleet": fleet.name };

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

    for (const region of fleet.regions) {
      const clusters = fleet.clusters.filter((c) => c.region === region);
      const { trafficDialPercentage, weights } = endpointGroupShape(clusters);
      new aws.globalaccelerator.EndpointGroup(`${name}-${region}`, {
        listenerArn: listener.arn,
        endpointGroupRegion: region,
        trafficDialPercentage,
        healthCheckProtocol: "HTTPS",
        healthCheckPort: GATEWAY_PUBLIC_PORT,
        healthCheckPath: fleet.dns.healthCheckPath,
        healthCheckIntervalSeconds: HEALTH_CHECK.requestIntervalSeconds,
        thresholdCount: HEALTH_CHECK.failureThreshold,
        endpointConfigurations: clusters.map((c, i) => ({
          endpointId: loadBalancers.get(c.name)!.arn,
          weight: weights[i],
          clientIpPreservationEnabled: false,
        })),
      }, parent);
    }

    new aws.route53.Record(`${name}-record`, {
      zoneId,
      name: fleet.dns.record,
      type: "A",
      // Global Accelerator answers for its own health; Route 53 cannot evaluate it.
      aliases: [{ name: accelerator.dnsName, zoneId: accelerator.hostedZoneId, evaluateTargetHealth: false }],
    }, parent);

    this.dnsName = accelerator.dnsName;
    this.ipAddresses = accelerator.ipSets.apply((sets) => sets.flatMap((s) => s.ipAddresses));
    this.registerOutputs({ dnsName: this.dnsName, ipAddresses: this.ipAddresses });
  }
}
