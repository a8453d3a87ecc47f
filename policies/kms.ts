import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { known } from "./support";

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

export const kmsPolicies: ResourceValidationPolicy[] = [kmsKeyRotation];
