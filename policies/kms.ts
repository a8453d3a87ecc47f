import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, known, policyStatements, present } from "./support";

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Checks whether customer-managed KMS keys rotate their key material every year.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, _args, reportViolation) => {
    // Asymmetric and HMAC keys cannot rotate; only symmetric encryption keys are judged.
    const spec = known(() => key.customerMasterKeySpec) ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") return;
    if (known(() => key.enableKeyRotation) !== true) {
      reportViolation("Key rotation is off. Set enableKeyRotation: true so the key material rotates yearly.");
    }
  }),
};

const ACCOUNT_ROOT = /^arn:aws[\w-]*:iam::\d{12}:root$/;

/** `"*"`, `{ AWS: "*" }` or a list containing it: anyone, in any account. */
function isAnyone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = principal && typeof principal === "object" ? (principal as Record<string, unknown>).AWS : undefined;
  return asArray(aws as string | string[] | undefined).includes("*");
}

export const kmsKeyPolicyExplicit: ResourceValidationPolicy = {
  name: "kms-key-policy-explicit",
  description: "Checks whether customer-managed KMS keys have an explicit key policy: the account root administers it, and no statement allows every principal.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, _args, reportViolation) => {
    if (!present(() => key.policy)) {
      reportViolation("No key policy: the default one lets any principal of the account with IAM access use the key. Set `policy` naming the account root as administrator and only the services and roles that use the key.");
      return;
    }
    const statements = policyStatements(known(() => key.policy));
    if (!statements) return; // not known yet (preview)
    const principalOf = (s: unknown) => (s as { Principal?: unknown }).Principal;
    const allows = statements.filter((s) => s.Effect === "Allow");
    const rootAdministers = allows.some((s) => {
      const aws = principalOf(s) && typeof principalOf(s) === "object" ? (principalOf(s) as Record<string, unknown>).AWS : undefined;
      return asArray(aws as string | string[] | undefined).some((p) => ACCOUNT_ROOT.test(p)) && asArray(s.Action).includes("kms:*") && !s.Condition;
    });
    if (!rootAdministers) reportViolation("The key policy has no statement letting the account root administer the key (kms:*): the key could become unmanageable.");
    for (const [i, s] of allows.entries()) {
      if (isAnyone(principalOf(s)) && !s.Condition) {
        reportViolation(`Key policy statement ${s.Sid ? `'${s.Sid}'` : i} allows every principal without a condition. Name the services or roles that use the key.`);
      }
    }
  }),
};

export const kmsPolicies: ResourceValidationPolicy[] = [kmsKeyRotation, kmsKeyPolicyExplicit];
