import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { known, present } from "./support";

export const logGroupEncrypted: ResourceValidationPolicy = {
  name: "log-group-encrypted",
  description: "Checks whether CloudWatch log groups are encrypted with a customer-managed KMS key and expire their events.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, reportViolation) => {
    if (!present(() => group.kmsKeyId)) reportViolation("The log group is not encrypted with a customer-managed key. Set kmsKeyId.");
    const retention = known(() => group.retentionInDays);
    if (!present(() => group.retentionInDays) || retention === 0) reportViolation("The log group keeps events forever. Set retentionInDays.");
  }),
};

export const logsPolicies: ResourceValidationPolicy[] = [logGroupEncrypted];
