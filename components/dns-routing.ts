import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK, healthPaths } from "../fleet";
import { clusterTags } from "./tags";

/** `setIdentifier`s of the failover records: slots, never cluster names, so nothing about them depends on roles. */
export const FAILOVER_SLOTS = { primary: "primary", secondary: "secondary" } as const;

/**
 * The names the failover records alias: a weighted set over every cluster, each record with
 * its own cluster's check. The leading underscore keeps them apart from the cluster
 * hostnames (`<fleet>-<cluster>.<record>`, cluster names are DNS labels); clients never see them,
 * since Route 53 answers an alias with its target's records.
 */
export const ANSWER_SETS = {
  serving: (record: string) => `_serving.${record}`,
  takeover: (record: string) => `_takeover.${record}`,
  /** Active-active: the latency set over every cluster. */
  nearest: (record: string) => `_nearest.${record}`,
} as const;

export interface DnsRoutingArgs {
  readonly fleet: FleetSpec;
  readonly zoneId: pulumi.Input<string>;
  /** With `dns.globalAccelerator`: the accelerator `<record>` points at, which does the failover. */
  readonly accelerator?: { readonly component: pulumi.Resource; readonly dnsName: pulumi.Input<string> };
  /**
   * The clusters whose health checks and set records this builds: in a per-cluster fleet, a
   * cluster stack builds its own (deploy/stacks.ts). @default every cluster
   */
  readonly clusters?: readonly ClusterSpec[];
  /**
   * Whether this builds `<record>`'s failover group over the sets: in a per-cluster fleet, the
   * home region's links stack, after every cluster stack made its records. @default true
   */
  readonly failoverRecords?: boolean;
}

/**
 * Route 53 for the fleet's record. `<record>` itself holds the same record sets in every DNS
 * mode: a failover PRIMARY (`setIdentifier: primary`), and in active-passive a SECONDARY. Only
 * what they point at changes with the mode, so a mode switch updates them in place, which the
 * AWS provider sends as one UPSERT, or one DELETE + CREATE batch when the type or identifier
 * changes (hashicorp/terraform-provider-aws internal/service/route53/record.go,
 * resourceRecordUpdate): `<record>` never has two conflicting record sets, nor none. What a
 * mode adds lives under its own name (`_serving`, `_takeover`, `_nearest`), created before
 * `<record>` points at it; what a mode drops is deleted after, at the end of the deploy (Pulumi
 * deletes removed resources last). `npm run diff` replays the switch step by step
 * (cli/diff/dns-switch.ts).
 *
 * Every cluster has a health check on its serving answer (and, in active-passive, one on its
 * takeover answer); the records never depend on roles, so a promotion changes none of them:
 * the gateways' answers, rendered from Git, move the traffic (fleet/traffic.ts).
 *
 * - active-active: PRIMARY is an alias of `_nearest.<record>`, a latency record per cluster,
 *   each with its own serving check.
 * - active-passive: PRIMARY is an alias of `_serving.<record>` and SECONDARY of
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
 * - Global Accelerator: PRIMARY is a CNAME of the accelerator's DNS name, without a health
 *   check (a record without one is always healthy), and no SECONDARY: the accelerator
 *   answers for its own health. There are no Route 53 health checks.
 */
export class DnsRouting extends pulumi.ComponentResource {
  /** Each cluster's serving check (and takeover check, active-passive), by cluster name. */
  public readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};
  public readonly takeoverCheckIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DnsRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:dns:DnsRouting", name, {}, opts);
    const { fleet, zoneId, accelerator } = args;
    const clusters = args.clusters ?? fleet.clusters;
    const failoverRecords = args.failoverRecords ?? true;
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
    if (!accelerator) {
      for (const cluster of clusters) {
        this.healthCheckIds[cluster.name] = check(`${name}-${cluster.name}`, cluster, paths.serving);
        if (passive) this.takeoverCheckIds[cluster.name] = check(`${name}-${cluster.name}-takeover`, cluster, paths.takeover);
      }
    }

    // One record per cluster in a set under its own name; `moved` names the resource that held the
    // cluster's answer at `<record>` itself before this layout (its name changes: replaced, the old
    // one deleted first, since the next step turns `<record>` into a failover group).
    const member = (id: string, setName: string, cluster: ClusterSpec, routing: Partial<aws.route53.RecordArgs>, moved?: string) =>
      new aws.route53.Record(id, {
        zoneId, name: setName, type: "CNAME", ttl, records: [cluster.hostname], setIdentifier: cluster.name, healthCheckId: this.healthCheckIds[cluster.name], ...routing,
      }, { parent: this, ...(moved ? { aliases: [{ name: moved }], deleteBeforeReplace: true } : {}) });

    // Before this layout `<record>` was the accelerator's own record (type A, no routing policy)
    // or, in active-active, the latency records themselves: PRIMARY takes either over in one
    // DELETE + CREATE batch, once the other latency records have moved to `_nearest`.
    const [first] = fleet.clusters;
    const previously: pulumi.Input<pulumi.Alias>[] = [
      { name: "accelerator-record", parent: pulumi.createUrn("accelerator", "eks-fleet:dns:GlobalAccelerator", opts?.parent) },
      { name: `${name}-latency-${first.name}` },
    ];
    const slot = (slot: keyof typeof FAILOVER_SLOTS, type: "PRIMARY" | "SECONDARY", target: Partial<aws.route53.RecordArgs>, waitFor: pulumi.Resource[], aliases: pulumi.Input<pulumi.Alias>[] = []) =>
      new aws.route53.Record(`${name}-${slot}`, {
        zoneId,
        name: record,
        type: "CNAME",
        setIdentifier: FAILOVER_SLOTS[slot],
        failoverRoutingPolicies: [{ type }],
        ...target,
      }, {
        parent: this,
        // What it points at exists first: Route 53 refuses an alias to a missing name.
        dependsOn: waitFor,
        aliases,
        // A failover group is one PRIMARY and one SECONDARY record per name and type (Route 53
        // API, ResourceRecordSet.Failover): replacing one (only if its name changed) must delete
        // the old one first.
        deleteBeforeReplace: true,
      });
    const aliasOf = (target: string) => ({ aliases: [{ name: target, zoneId, evaluateTargetHealth: true }] });

    if (accelerator) {
      if (failoverRecords) slot("primary", "PRIMARY", { ttl, records: [accelerator.dnsName] }, [accelerator.component], previously);
    } else if (!passive) {
      const nearest = clusters.map((cluster) =>
        member(`${name}-nearest-${cluster.name}`, ANSWER_SETS.nearest(record), cluster, { latencyRoutingPolicies: [{ region: cluster.region }] }, cluster === first ? undefined : `${name}-latency-${cluster.name}`),
      );
      if (failoverRecords) slot("primary", "PRIMARY", aliasOf(ANSWER_SETS.nearest(record)), nearest, previously);
    } else {
      const answerSet = (answer: "serving" | "takeover") =>
        clusters.map((cluster) =>
          member(`${name}-${answer}-${cluster.name}`, ANSWER_SETS[answer](record), cluster, {
            weightedRoutingPolicies: [{ weight: 1 }],
            healthCheckId: (answer === "serving" ? this.healthCheckIds : this.takeoverCheckIds)[cluster.name],
          }),
        );
      const serving = answerSet("serving");
      const takeover = answerSet("takeover");
      if (failoverRecords) {
        const primary = slot("primary", "PRIMARY", aliasOf(ANSWER_SETS.serving(record)), serving, previously);
        // After PRIMARY: on a switch from a mode whose `<record>` was no failover group, PRIMARY's update turns it into one.
        slot("secondary", "SECONDARY", aliasOf(ANSWER_SETS.takeover(record)), [...takeover, primary]);
      }
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds, takeoverCheckIds: this.takeoverCheckIds });
  }
}
