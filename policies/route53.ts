import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { HEALTH_CHECK } from "../fleet/dr";
import { asArray, known, ofType, present, referenced } from "./support";

export const RECORD = "aws:route53/record:Record";
export const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/**
 * Failover and latency records move traffic only as fast as their health checks notice a
 * failure: each needs one, probing at the fast interval the fleet's RTO assumes.
 */
export const route53RoutingHealthChecked: StackValidationPolicy = {
  name: "route53-routing-health-checked",
  description: `Checks whether Route 53 failover and latency records carry a health check that probes every ${HEALTH_CHECK.requestIntervalSeconds} seconds, or alias records that evaluate their target's health.`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const checks = ofType(args.resources, HEALTH_CHECK_TYPE);
    for (const record of ofType(args.resources, RECORD)) {
      const routing = asArray(known(() => record.props.failoverRoutingPolicies)).length > 0
        ? "failover"
        : asArray(known(() => record.props.latencyRoutingPolicies)).length > 0
          ? "latency"
          : undefined;
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
      const check = referenced(record, "healthCheckId", checks);
      const interval = check ? known(() => check.props.requestInterval) : undefined;
      if (check && interval !== HEALTH_CHECK.requestIntervalSeconds) {
        reportViolation(
          `The ${label} uses health check '${check.name}' with requestInterval ${interval ?? "30 (the default)"}. Set requestInterval: ${HEALTH_CHECK.requestIntervalSeconds} (fixed at creation: replace the check) so failover detection stays within the fleet's RTO.`,
          record.urn,
        );
      }
    }
  },
};

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
