import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { HEALTH_CHECK } from "../fleet/dr";
import { asArray, known, ofType, present, referenced } from "./support";

export const RECORD = "aws:route53/record:Record";
export const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/**
 * Records with a routing policy move traffic only as fast as their health checks notice a
 * failure: each needs one, probing at the fast interval the fleet's RTO assumes. The weighted
 * answer sets count as much as the failover group over them: its alias evaluates their health,
 * and in a per-cluster fleet they live in other stacks (deploy/stacks.ts), each judged there.
 */
export const route53RoutingHealthChecked: StackValidationPolicy = {
  name: "route53-routing-health-checked",
  description: `Checks whether Route 53 records with a routing policy (failover, latency, weighted, …) carry a health check that probes every ${HEALTH_CHECK.requestIntervalSeconds} seconds, or alias records that evaluate their target's health.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const checks = ofType(args.resources, HEALTH_CHECK_TYPE);
    for (const record of ofType(args.resources, RECORD)) {
      const routing = routingOf(record);
      if (!routing) continue;
      const label = `${routing} record '${known(() => record.props.name) ?? record.name}'${known(() => record.props.setIdentifier) ? ` (${known(() => record.props.setIdentifier)})` : ""}`;
      // An alias that evaluates its target's health inherits the health checks of the
      // records it points at (e.g. a latency set of standbys).
      const aliasChecked = asArray(known(() => record.props.aliases)).some((alias: any) => alias?.evaluateTargetHealth === true);
      if (aliasChecked && !present(() => record.props.healthCheckId)) continue;
      if (acceleratorAlone(record, args.resources)) continue;
      if (!present(() => record.props.healthCheckId)) {
        reportViolation(`The ${label} has no health check, so Route 53 keeps answering with it when its cluster is down. Set healthCheckId to an aws.route53.HealthCheck of that cluster's hostname.`, record.urn);
        continue;
      }
      // The check must be one this stack creates: a record and its check are built together
      // (components/dns-routing.ts), and only a check in view can be judged.
      const check = referenced(record, "healthCheckId", checks);
      if (!check) {
        if (known(() => record.props.healthCheckId) === undefined && (record.propertyDependencies?.healthCheckId ?? []).length === 0) continue; // decided at deploy
        reportViolation(`The ${label} names health check '${known(() => record.props.healthCheckId)}', which this stack does not create, so nothing here shows what it probes or how often. Create the aws.route53.HealthCheck of that cluster's hostname in the record's stack and pass its id.`, record.urn);
        continue;
      }
      const interval = known(() => check.props.requestInterval);
      if (interval !== HEALTH_CHECK.requestIntervalSeconds) {
        reportViolation(
          `The ${label} uses health check '${check.name}' with requestInterval ${interval ?? "30 (the default)"}. Set requestInterval: ${HEALTH_CHECK.requestIntervalSeconds} (fixed at creation: replace the check) so failover detection stays within the fleet's RTO.`,
          record.urn,
        );
      }
      // A disabled check counts as always healthy; an inverted one as healthy while its target fails (@pulumi/aws route53.HealthCheck docs).
      if (known(() => check.props.invertHealthcheck) === true || known(() => check.props.disabled) === true) {
        reportViolation(`The ${label} uses health check '${check.name}', which is ${known(() => check.props.disabled) === true ? "disabled" : "inverted"}: Route 53 would count the cluster healthy while it fails. Remove ${known(() => check.props.disabled) === true ? "disabled" : "invertHealthcheck"}.`, record.urn);
      }
    }
  },
};

/** The routing policy a record set belongs to a group by: one Route 53 picks among by health (not simple routing). */
function routingOf(record: PolicyResource): string | undefined {
  const has = (key: string) => asArray(known(() => record.props[key])).length > 0;
  if (has("failoverRoutingPolicies")) return "failover";
  if (has("latencyRoutingPolicies")) return "latency";
  if (has("weightedRoutingPolicies")) return "weighted";
  if (has("geolocationRoutingPolicies") || has("geoproximityRoutingPolicy")) return "geolocation";
  if (has("cidrRoutingPolicy")) return "CIDR";
  if (known(() => record.props.multivalueAnswerRoutingPolicy) === true) return "multivalue answer";
  return undefined;
}

export const route53Policies: StackValidationPolicy[] = [route53RoutingHealthChecked];

/**
 * A failover PRIMARY that is the whole group and answers only with Global Accelerator DNS names:
 * the accelerator answers for its endpoints' health, and Route 53 answers a group's PRIMARY
 * whatever its health when there is no SECONDARY (Route 53 developer guide, "Active-passive
 * failover"), so a health check there would change nothing (components/dns-routing.ts).
 */
function acceleratorAlone(record: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const targets = asArray(known(() => record.props.records));
  const primary = asArray(known(() => record.props.failoverRoutingPolicies)).some((p: any) => p?.type === "PRIMARY");
  if (!primary || targets.length === 0 || !targets.every((t: unknown) => typeof t === "string" && /^[a-z0-9]+\.awsglobalaccelerator\.com\.?$/.test(t))) return false;
  const sameGroup = (other: PolicyResource) =>
    other !== record && known(() => other.props.name) === known(() => record.props.name) && known(() => other.props.type) === known(() => record.props.type);
  return !ofType(resources, RECORD).some(sameGroup);
}
