import { secretNamespaces } from "./access";
import { Problem } from "./errors";
import * as names from "./names";
import { autoName, NAMING_RULES, NamingRule, nameProblem, RuleId } from "./naming-rules";
import { FleetConfig } from "./schema";
import { healthPaths } from "./traffic";

/** What the names come from: a parsed config, or the fleet model built from one. */
export type NamedFleet = Pick<FleetConfig, "name" | "accountId" | "secrets"> & {
  readonly dns: Pick<FleetConfig["dns"], "record" | "globalAccelerator" | "healthCheckPath">;
  readonly clusters: readonly { readonly name: string }[];
};

/** A name the program gives an AWS resource, and the config field a user changes to change it. */
export interface GeneratedName {
  readonly rule: RuleId;
  readonly name: string;
  readonly field: string;
}

/** The IAM roles of each cluster named `<fleet>-<cluster>-<suffix>` (names.agentRoleName). */
const CLUSTER_ROLE_SUFFIXES = [...new Set([
  ...(Object.keys(names.AGENTS) as names.AgentName[]).filter((agent) => !names.POD_IDENTITY_AGENTS.includes(agent)).map((agent) => names.AGENTS[agent].role),
  "backup-replication",
  "argocd-spoke",
])];
/** The KMS aliases of each cluster (`alias/<fleet>-<cluster>-<purpose>`). */
const KMS_ALIAS_PURPOSES = ["control-plane-logs", "eks-secrets", "ebs"];
/** The length of the label ACM puts before the record to validate it (`_<32 hex>.<record>`). */
const ACM_VALIDATION_LABEL = `_${"x".repeat(32)}`;

/**
 * Every AWS name the program makes from a config, computed without running it: explicit
 * names from `names.ts`, and the names Pulumi generates for the resources the program leaves
 * unnamed (their logical names, as the components build them, plus the random suffix at its
 * full length). tests/fleet/aws-names.test.ts checks that this covers every name in plan.json.
 */
export function generatedAwsNames(config: NamedFleet): GeneratedName[] {
  const found: GeneratedName[] = [];
  const add = (rule: RuleId, name: string, field: string) => found.push({ rule, name, field });
  const fleet = config.name;
  const { record } = config.dns;
  // One role per Pod Identity add-on for the whole fleet (components/fleet-addon-roles.ts).
  for (const agent of names.POD_IDENTITY_AGENTS) add("iamRole", names.podIdentityRoleName(fleet, names.AGENTS[agent].role), "fleet.name");
  config.clusters.forEach((cluster, i) => {
    const field = `fleet.clusters[${i}].name`;
    const eksCluster = names.eksClusterName(fleet, cluster.name);
    add("eksCluster", eksCluster, field);
    add("s3Bucket", names.backupBucketName(fleet, cluster.name, config.accountId), field);
    add("loadBalancer", names.gatewayLoadBalancerName(fleet, cluster.name), field);
    add("targetGroup", names.gatewayTargetGroupName(fleet, cluster.name), field);
    add("targetGroup", names.gatewayServingTargetGroupName(fleet, cluster.name), field);
    for (const suffix of CLUSTER_ROLE_SUFFIXES) add("iamRole", names.agentRoleName(fleet, cluster.name, suffix), field);
    add("iamRole", names.karpenterNodeRoleName(fleet, cluster.name), field);
    // A secrets reader's role per namespace with secrets (components/external-secrets.ts).
    for (const namespace of secretNamespaces(config)) {
      add("iamRole", names.namespaceSecretsRoleName(fleet, cluster.name, namespace), `fleet.secrets[${config.secrets.findIndex((s) => s.namespace === namespace)}].namespace`);
    }
    for (const purpose of KMS_ALIAS_PURPOSES) add("kmsAlias", names.kmsAliasName(fleet, cluster.name, purpose), field);
    add("logGroup", names.controlPlaneLogGroupName(eksCluster), field);
    add("sqsQueue", eksCluster, field);
    add("metricAlarm", `${eksCluster}-backup-replication-latency`, field);
    // The outcome alarm of zonal autoshift's practice runs (components/zonal-autoshift.ts), when enabled.
    add("metricAlarm", `${eksCluster}-zonal-shift-outcome`, field);
    const hostname = names.clusterHostname(eksCluster, record);
    add("dnsName", hostname, field);
    // Each health check is tagged with the URL it probes (components/dns-routing.ts).
    for (const probed of Object.values(healthPaths(config.dns.healthCheckPath))) add("route53TagValue", `${hostname}${probed}`, "fleet.dns.healthCheckPath");
    // Left unnamed by components/karpenter.ts, managed-nodes.ts, control-plane.ts and cluster-load-balancer.ts.
    for (const event of Object.keys(names.KARPENTER_INTERRUPTION_EVENTS)) {
      add("eventRule", autoName(`${cluster.name}-karpenter-${event}`), field);
      add("eventTarget", autoName(`${cluster.name}-karpenter-${event}`), field);
    }
    add("iamRole", autoName(`${cluster.name}-nodes-role`), field);
    add("iamRole", autoName(`${cluster.name}-eks-role`), field);
    add("launchTemplate", autoName(`${cluster.name}-nodes-template`), field);
    add("eksNodeGroup", autoName(`${cluster.name}-nodes-group`), field);
    add("securityGroup", autoName(`${cluster.name}-lb-nlb`), field);
  });
  add("certificateDomain", `*.${record}`, "fleet.dns.record");
  add("dnsName", record, "fleet.dns.record");
  add("dnsName", `${ACM_VALIDATION_LABEL}.${record}`, "fleet.dns.record");
  // The answer sets the failover records alias (components/dns-routing.ts `ANSWER_SETS`): their
  // leading '_' keeps them apart from every cluster's hostname.
  for (const set of ["_serving", "_takeover"]) add("dnsName", `${set}.${record}`, "fleet.dns.record");
  if (config.dns.globalAccelerator) add("accelerator", `${fleet}-fleet`, "fleet.name");
  add("secret", names.repositoryPasswordSecretName(fleet), "fleet.name");
  config.secrets.forEach((secret, i) => add("secret", secret.name, `fleet.secrets[${i}].name`));
  return found;
}

/**
 * The names AWS would refuse, one problem per field and rule. A reserved prefix comes from
 * the start of the name, which is the fleet's name for everything it prefixes.
 */
export function checkAwsNames(config: FleetConfig): Problem[] {
  const seen = new Set<string>();
  return generatedAwsNames(config).flatMap(({ rule, name, field }) => {
    const problem = nameProblem(rule, name);
    if (!problem) return [];
    const path = name.startsWith(`${config.name}-`) && (NAMING_RULES[rule] as NamingRule).reservedPrefixes?.some((prefix) => name.startsWith(prefix)) ? "fleet.name" : field;
    const key = `${path}\0${rule}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const generated = name.endsWith(autoName("").slice(1)) ? ", counting the 8 characters Pulumi appends to a name it generates" : "";
    return [{ path, message: `makes ${NAMING_RULES[rule].what} '${name}' that AWS refuses: it ${problem}${generated}` }];
  });
}
