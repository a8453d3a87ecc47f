import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK, healthPaths } from "../fleet";
import { clusterTags } from "./tags";

/** `setIdentifier`s of the failover records: slots, never cluster names, so nothing about them depends on roles. */
export const FAILOVER_SLOTS = { primary: "primary", secondary: "secondary" } as const;

/**
 * The names the failover records alias: a weighted set over every cluster, each record with
 * its own cluster's check. The leading underscore keeps them apart from the cluster
 * hostnames (`<cluster>.<record>`, cluster names are DNS labels); clients never see them,
 * since Route 53 answers an alias with its target's records.
 */
export const ANSWER_SETS = { serving: (record: string) => `_serving.${record}`, takeover: (record: string) => `_takeover.${record}` } as const;

export interface DnsRoutingArgs {
  readonly fleet: FleetSpec;
  readonly zoneId: pulumi.Input<string>;
  /**
   * The clusters whose health checks and records this builds: in a per-cluster fleet, a cluster
   * stack builds its own (deploy/stacks.ts). @default every cluster
   */
  readonly clusters?: readonly ClusterSpec[];
  /**
   * Whether this builds the failover records over the answer sets: in a per-cluster fleet, the
   * home region's links stack, after every cluster stack made its records. @default true
   */
  readonly failoverRecords?: boolean;
}

/**
 * Route 53 for the fleet's record. Every cluster has a health check on its serving answer
 * (and, in active-passive, one on its takeover answer); the records never depend on roles,
 * so a promotion changes none of them: the gateways' answers, rendered from Git, move the
 * traffic (fleet/traffic.ts).
 *
 * - active-active: a latency record per cluster, each with its own serving check.
 * - active-passive: `<record>` PRIMARY is an alias of `_serving.<record>` and SECONDARY of
 *   `_takeover.<record>`, each a weighted set over every cluster whose records carry their
 *   own cluster's check. Only the primary answers "serving", so PRIMARY answers with it;
 *   when it fails, PRIMARY turns unhealthy (an alias of a weighted set is healthy while one
 *   of its records is) and Route 53 answers SECONDARY: the one takeover standby, for every
 *   client. A demoted primary that comes back keeps failing its serving check until a
 *   deliberate fail-back. When the takeover standby is promoted it answers both changes at
 *   once, and Route 53 counts a check healthy while more than 18% of its checkers pass it
 *   ("How Amazon Route 53 determines whether a health check is healthy"): its serving check
 *   turns healthy before its takeover check turns unhealthy, so the switch leaves no gap. If both sets are unhealthy Route 53 answers PRIMARY, and a set
 *   with no healthy record answers as if all were healthy (Route 53 developer guide, "How
 *   Amazon Route 53 chooses records when health checking is configured"): the name never
 *   black-holes, and that fail-open is the only time a non-serving cluster gets traffic.
 */
export class DnsRouting extends pulumi.ComponentResource {
  /** Each cluster's serving check (and takeover check, active-passive), by cluster name. */
  public readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};
  public readonly takeoverCheckIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DnsRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:DnsRouting", name, {}, opts);
    const { fleet, zoneId } = args;
    const clusters = args.clusters ?? fleet.clusters;
    const { record, ttl } = fleet.dns;
    const paths = healthPaths(fleet.dns.healthCheckPath);
    const passive = fleet.mode === "active-passive";

    const check = (id: string, cluster: ClusterSpec, resourcePath: string) =>
      new aws.route53.HealthCheck(id, {
        type: "HTTPS",
        fqdn: cluster.hostname,
        port: 443,
        resourcePath,
        requestInterval: HEALTH_CHECK.requestIntervalSeconds,
        failureThreshold: HEALTH_CHECK.failureThreshold,
        tags: { ...clusterTags(fleet, cluster), Name: `${cluster.hostname}${resourcePath}` },
      }, { parent: this }).id;
    for (const cluster of clusters) {
      this.healthCheckIds[cluster.name] = check(`${name}-${cluster.name}`, cluster, paths.serving);
      if (passive) this.takeoverCheckIds[cluster.name] = check(`${name}-${cluster.name}-takeover`, cluster, paths.takeover);
    }

    const cname = (id: string, recordName: string, cluster: ClusterSpec, routing: Partial<aws.route53.RecordArgs>) =>
      new aws.route53.Record(id, { zoneId, name: recordName, type: "CNAME", ttl, records: [cluster.hostname], setIdentifier: cluster.name, ...routing }, { parent: this });

    if (!passive) {
      for (const cluster of clusters) {
        cname(`${name}-latency-${cluster.name}`, record, cluster, {
          latencyRoutingPolicies: [{ region: cluster.region }],
          healthCheckId: this.healthCheckIds[cluster.name],
        });
      }
    } else {
      const answerSet = (answer: keyof typeof ANSWER_SETS, checks: Record<string, pulumi.Output<string>>) =>
        clusters.map((cluster) =>
          cname(`${name}-${answer}-${cluster.name}`, ANSWER_SETS[answer](record), cluster, {
            weightedRoutingPolicies: [{ weight: 1 }],
            healthCheckId: checks[cluster.name],
          }),
        );
      const failover = (slot: keyof typeof FAILOVER_SLOTS, type: "PRIMARY" | "SECONDARY", target: string, set: aws.route53.Record[]) =>
        new aws.route53.Record(`${name}-${slot}`, {
          zoneId,
          name: record,
          type: "CNAME",
          setIdentifier: FAILOVER_SLOTS[slot],
          failoverRoutingPolicies: [{ type }],
          aliases: [{ name: target, zoneId, evaluateTargetHealth: true }],
        }, {
          parent: this,
          dependsOn: set,
          // A failover group is one PRIMARY and one SECONDARY record per name and type (Route 53
          // API, ResourceRecordSet.Failover): replacing one (only when its identity changes, as
          // on the first deploy of this layout) must delete the old one first. The AWS provider
          // sends a setIdentifier change as DELETE + CREATE in one batch, which Route 53 rejects
          // while another record holds the identifier (hashicorp/terraform-provider-aws
          // internal/service/route53/record.go).
          deleteBeforeReplace: true,
        });
      const serving = answerSet("serving", this.healthCheckIds);
      const takeover = answerSet("takeover", this.takeoverCheckIds);
      if (args.failoverRecords ?? true) {
        failover("primary", "PRIMARY", ANSWER_SETS.serving(record), serving);
        failover("secondary", "SECONDARY", ANSWER_SETS.takeover(record), takeover);
      }
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds, takeoverCheckIds: this.takeoverCheckIds });
  }
}
