import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK } from "../fleet";
import { clusterTags } from "./tags";

export interface DnsRoutingArgs {
  readonly fleet: FleetSpec;
  readonly zoneId: pulumi.Input<string>;
}

/**
 * Route 53 for the fleet's record: a health check per cluster on its stable hostname,
 * and records that move traffic by themselves — PRIMARY/SECONDARY failover in
 * active-passive, latency records in active-active. Failover is data-plane only: no
 * deploy is on the path. With several secondaries, the SECONDARY answer is a latency set
 * over all of them (`standby.<record>`), so the nearest healthy standby takes over.
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
      new aws.route53.Record(`${name}-${suffix}`, { zoneId, name: recordName, type: "CNAME", ttl, records: [target], ...routing }, { parent: this });
    const latency = (recordName: string, prefix: string, cluster: ClusterSpec) =>
      cname(recordName, `${prefix}${cluster.name}`, cluster.hostname, {
        setIdentifier: cluster.name,
        latencyRoutingPolicies: [{ region: cluster.region }],
        healthCheckId: this.healthCheckIds[cluster.name],
      });

    if (fleet.mode === "active-active") {
      for (const cluster of fleet.clusters) latency(record, "latency-", cluster);
    } else {
      const primary = fleet.primary!;
      cname(record, "primary", primary.hostname, {
        setIdentifier: primary.name,
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        healthCheckId: this.healthCheckIds[primary.name],
      });
      const [only, ...others] = fleet.secondaries;
      if (others.length === 0) {
        cname(record, "secondary", only.hostname, {
          setIdentifier: only.name,
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
          healthCheckId: this.healthCheckIds[only.name],
        });
      } else {
        const standby = `standby.${record}`;
        const standbyRecords = fleet.secondaries.map((cluster) => latency(standby, "standby-", cluster));
        // An alias with target health: SECONDARY is healthy while any standby is.
        new aws.route53.Record(`${name}-secondary`, {
          zoneId,
          name: record,
          type: "CNAME",
          setIdentifier: "standby",
          failoverRoutingPolicies: [{ type: "SECONDARY" }],
          aliases: [{ name: standby, zoneId, evaluateTargetHealth: true }],
        }, { parent: this, dependsOn: standbyRecords });
      }
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
