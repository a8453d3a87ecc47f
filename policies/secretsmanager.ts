import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { EKS_CLUSTER } from "./eks";
import { asArray, known, ofType, present, regionOf } from "./support";

export const SECRET = "aws:secretsmanager/secret:Secret";
/** The AWS-managed key: the console default, and not a customer-managed key. */
const AWS_MANAGED = /^(alias\/)?aws\/secretsmanager$|:alias\/aws\/secretsmanager$/;

export interface SecretsConfig {
  /** Regions every secret must reach. @default the distinct regions of the stack's EKS clusters */
  readonly regions?: string[];
}

/** The fleet's regions as the stack shows them: where its EKS clusters are. */
export function clusterRegions(resources: readonly PolicyResource[]): string[] {
  const regions = ofType(resources, EKS_CLUSTER).map(regionOf).filter((r): r is string => r !== undefined);
  return [...new Set(regions)].sort();
}

const customerKey = (read: () => unknown) => present(read) && !AWS_MANAGED.test(String(known(read) ?? ""));

export const secretsReplicated: StackValidationPolicy = {
  name: "secrets-replicated-with-cmk",
  description: "Checks whether Secrets Manager secrets use a customer-managed KMS key and replicate, each with its own such key, to every fleet region.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { regions: { type: "array", items: { type: "string" } } } },
  validateStack: (args, reportViolation) => {
    const configured = args.getConfig<SecretsConfig>().regions;
    const fleetRegions = configured && configured.length > 0 ? [...configured].sort() : clusterRegions(args.resources);
    for (const secret of ofType(args.resources, SECRET)) {
      const label = String(known(() => secret.props.name) ?? secret.name);
      const problems: string[] = [];
      if (!customerKey(() => secret.props.kmsKeyId)) problems.push("kmsKeyId is not a customer-managed KMS key");
      const replicas = asArray(known(() => secret.props.replicas)) as Record<string, unknown>[];
      const home = regionOf(secret);
      const replicated = new Set(replicas.map((r) => known(() => r.region)));
      const missing = fleetRegions.filter((region) => region !== home && !replicated.has(region));
      if (missing.length > 0) problems.push(`no replica in ${missing.join(", ")}`);
      const keyless = replicas.filter((r) => !customerKey(() => r.kmsKeyId)).map((r) => known(() => r.region) ?? "?");
      if (keyless.length > 0) problems.push(`replica in ${keyless.join(", ")} has no customer-managed kmsKeyId`);
      if (problems.length > 0) {
        reportViolation(
          `Secret '${label}': ${problems.join("; ")}. Set kmsKeyId on the secret and replicas: [{ region, kmsKeyId }] for each fleet region (${fleetRegions.join(", ") || "none found"}) with a key in that region.`,
          secret.urn,
        );
      }
    }
  },
};

export const secretsPolicies: StackValidationPolicy[] = [secretsReplicated];
