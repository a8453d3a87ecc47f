import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK, names } from "../fleet";
import { clusterTags } from "./tags";

/** `setIdentifier`s of the failover records: slots that keep their identity when roles flip. */
export const FAILOVER_SLOTS = { primary: "primary", secondary: "secondary", standbySet: "standby" } as const;

export interface DnsRoutingArgs {
  readonly fleet: FleetSpec;
  readonly zoneId: pulumi.Input<string>;
}

/**
 * Route 53 for the fleet's record: a health check per cluster on its stable hostname,
 * and records that move traffic by themselves — PRIMARY/SECONDARY failover in
 * active-passive, latency records in active-active. Failover is data-plane only: no
 * deploy is on the path. With several secondaries, the SECONDARY answer is a latency set
 * (`standby.<record>`) over every cluster, so the nearest healthy one takes over.
 */
export class DnsRouting extends pulumi.ComponentResource {
  public readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DnsRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:DnsRouting", name, {}, opts);
    const { fleet, zoneId } = args;
    const { record, ttl } = fleet.dns;

    for (const cluster of fleet.clusters) {
      const check = new aws.route53.HealthCheck(`${name}-${cluster.name}`, {
        type: "HTTPS",
        fqdn: cluster.hostname,
        port: 443,
        resourcePath: fleet.dns.healthCheckPath,
        requestInterval: HEALTH_CHECK.requestIntervalSeconds,
        failureThreshold: HEALTH_CHECK.failureThreshold,
        tags: { ...clusterTags(fleet, cluster), Name: cluster.hostname },
      }, { parent: this });
      this.healthCheckIds[cluster.name] = check.id;
    }

    const cname = (recordName: string, suffix: string, target: string, routing: Partial<aws.route53.RecordArgs>) =>
      new aws.route53.Record(`${name}-${suffix}`, { zoneId, name: recordName, type: "CNAME", ttl, records: [target], ...routing }, {
        parent: this,
        // A failover group is one PRIMARY and one SECONDARY record per name and type (Route 53
        // API, ResourceRecordSet.Failover): replacing one (only when its identity changes,
        // e.g. the first deploy with slot identifiers) must delete the old one first.
        deleteBeforeReplace: !!routing.failoverRoutingPolicies,
      });
    const latency = (recordName: string, prefix: string, cluster: ClusterSpec) =>
      cname(recordName, `${prefix}${cluster.name}`, cluster.hostname, {
        setIdentifier: cluster.name,
        latencyRoutingPolicies: [{ region: cluster.region }],
        healthCheckId: this.healthCheckIds[cluster.name],
      });

    if (fleet.mode === "active-active") {
      for (const cluster of fleet.clusters) latency(record, "latency-", cluster);
    } else {
      // A record's identity (name, type, setIdentifier, routing policy) names the slot, never
      // a cluster: the provider sends a setIdentifier change as DELETE + CREATE in one batch,
      // which Route 53 rejects while the other record still holds that identifier
      // (hashicorp/terraform-provider-aws internal/service/route53/record.go). A failover
      // then only updates `records` and `healthCheckId` of the two slots.
      const primary = fleet.primary!;
      cname(record, "primary", primary.hostname, {
        setIdentifier: FAILOVER_SLOTS.primary,
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        healthCheckId: this.healthCheckIds[primary.name],
      });
      const [only, ...others] = fleet.secondaries;
      if (others.length === 0) {
        cname(record, "secondary", only.hostname, {
          setIdentifier: FAILOVER_SLOTS.secondary,
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
          healthCheckId: this.healthCheckIds[only.name],
        });
      } else {
        // Every cluster is in the standby set, whatever its role, so a failover changes no
        // record there: while the primary is healthy the set is never asked, and when it is
        // not, its own health check keeps it out of the answers.
        const standby = names.standbySetName(record);
        const standbyRecords = fleet.clusters.map((cluster) => latency(standby, "standby-", cluster));
        // An alias with target health: SECONDARY is healthy while any standby is.
        new aws.route53.Record(`${name}-secondary`, {
          zoneId,
          name: record,
          type: "CNAME",
          setIdentifier: FAILOVER_SLOTS.standbySet,
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
          aliases: [{ name: standby, zoneId, evaluateTargetHealth: true }],
        }, { parent: this, dependsOn: standbyRecords, deleteBeforeReplace: true });
      }
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
