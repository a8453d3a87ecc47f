import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, known, policyStatements, PolicyStatement, validateResourceOfTypes } from "./support";

export const IAM_POLICY = "aws:iam/policy:Policy";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_ROLE = "aws:iam/role:Role";

/**
 * Actions that read or change data, and so must name the buckets, secrets, keys and zones
 * they act on. Route 53 reads and health checks are harmless on "*"; record changes are not.
 */
const DATA_PLANE = [/^s3:/i, /^secretsmanager:/i, /^kms:/i, /^route53:ChangeResourceRecordSets$/i];

/** One action of each data-plane family, to test wildcard actions ("s3:Get*", "route53:*") against. */
const SAMPLES = ["s3:GetObject", "secretsmanager:GetSecretValue", "kms:Decrypt", "route53:ChangeResourceRecordSets"];

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

function dataPlaneActions(statement: PolicyStatement): string[] {
  if (statement.Effect !== "Allow") return [];
  // NotAction with Allow grants everything not listed: as broad as "*".
  if (statement.NotAction !== undefined) return ["NotAction"];
  return asArray(statement.Action).filter(
    (action) => DATA_PLANE.some((p) => p.test(action)) || (/[*?]/.test(action) && SAMPLES.some((sample) => glob(action).test(sample))),
  );
}

/**
 * An ARN that names every resource of its kind: any bucket (`arn:aws:s3:::*`), any key or
 * alias, any secret, any zone, whatever the region and account say.
 */
const EVERY_RESOURCE = /^arn:[\w-]+:(s3:::\*|kms:[^:]*:[^:]*:(\*|key\/\*|alias\/\*)|secretsmanager:[^:]*:[^:]*:(\*|secret:\*)|route53:::(\*|hostedzone\/\*))$/i;
/**
 * Condition keys that pin such a statement to named resources after all: the resource's own
 * alias or tags (a Pod Identity role reaches its cluster's key by alias, `${aws:PrincipalTag/…}`).
 */
const PINS_THE_RESOURCE = /^(kms:ResourceAliases|aws:ResourceTag\/.+|s3:ExistingObjectTag\/.+|secretsmanager:ResourceTag\/.+)$/i;

function pinnedByCondition(statement: PolicyStatement): boolean {
  return Object.entries(statement.Condition ?? {}).some(([operator, keys]) =>
    !/Not|IfExists|^Null$/i.test(operator) && Object.keys(keys ?? {}).some((key) => PINS_THE_RESOURCE.test(key)));
}

/** Reports each statement that allows a data-plane action on every resource, or on every resource of a kind without pinning it. */
export function checkDocument(document: unknown, where: string, reportViolation: ReportViolation): void {
  for (const [i, statement] of (policyStatements(document) ?? []).entries()) {
    const resources = asArray(statement.Resource);
    const everyOfKind = resources.filter((r) => EVERY_RESOURCE.test(r));
    if (!resources.includes("*") && (everyOfKind.length === 0 || pinnedByCondition(statement))) continue;
    const actions = dataPlaneActions(statement);
    if (actions.length === 0) continue;
    const label = statement.Sid ? `statement '${statement.Sid}'` : `statement ${i}`;
    const on = resources.includes("*") ? 'Resource "*"' : `every resource of its kind (${everyOfKind.join(", ")}) with no condition on the resource's alias or tags`;
    reportViolation(
      `${where} ${label} allows ${actions.join(", ")} on ${on}. Name the exact bucket, secret, key or hosted-zone ARNs the principal needs.`,
    );
  }
}

export const iamNoDataPlaneWildcard: ResourceValidationPolicy = {
  name: "iam-no-data-plane-wildcard",
  description: "Checks whether IAM policies allow S3, Secrets Manager, KMS or Route 53 record changes (or \"*\") only on named resources.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([IAM_POLICY, IAM_ROLE_POLICY, IAM_ROLE], (props, args, reportViolation) => {
    if (args.type === IAM_ROLE) {
      for (const inline of asArray(known(() => props.inlinePolicies)) as { name?: string; policy?: unknown }[]) {
        checkDocument(known(() => inline.policy), `Inline policy '${known(() => inline.name) ?? "unnamed"}'`, reportViolation);
      }
      return;
    }
    checkDocument(known(() => props.policy), "Policy", reportViolation);
  }),
};

export const iamPolicies: ResourceValidationPolicy[] = [iamNoDataPlaneWildcard];
