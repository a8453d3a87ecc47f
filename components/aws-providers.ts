import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";

/**
 * Provider settings under which configuring a provider calls nothing, so a deploy that
 * changes nothing in a region never needs that region (or us-east-1, where IAM is served):
 * - `skipCredentialsValidation`: no STS GetCallerIdentity, which the provider otherwise sends
 *   to its own region's STS endpoint before anything else (pulumi/pulumi-aws provider/resources.go
 *   `preConfigureCallback`; hashicorp/aws-sdk-go-base `GetAwsAccountIDAndPartition`);
 * - `skipRequestingAccountId`: no account lookup (IAM GetUser on the global IAM endpoint, then
 *   STS, then IAM ListRoles: aws-sdk-go-base `getAccountIDAndPartition`). ARNs the provider
 *   would build from it are built by the program from `fleet.accountId` instead;
 * - `skipMetadataApiCheck`: the EC2 instance metadata service stays out of the credential chain
 *   (deploys run with CI or workstation credentials, never an instance profile);
 * - `skipRegionValidation`: a static name check, no call; the fleet validates regions itself.
 * The cost: a wrong credential shows at the first API call instead of at configure time.
 * `allowedAccountIds` cannot guard the account here: it compares with the account ID those
 * lookups return and refuses an empty one (terraform-provider-aws internal/conns/config.go,
 * `VerifyAccountIDAllowed`). The account is guarded where it costs no call: the deploy role
 * must be a role of `fleet.accountId` (fleet/rules.ts), and CI assumes exactly that role.
 */
export const NO_CALL_AT_CONFIGURE = {
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: true,
  skipRegionValidation: true,
} as const;

/** The provider of one region of the fleet: clusters in that region and fleet-wide resources homed there use it. */
export function regionalProvider(spec: FleetSpec, region: string, opts: pulumi.CustomResourceOptions): aws.Provider {
  return new aws.Provider(`aws-${region}`, {
    region: region as aws.Region,
    ...NO_CALL_AT_CONFIGURE,
    defaultTags: { tags: { "eks-fleet/fleet": spec.name, "eks-fleet/managed-by": "pulumi" } },
  }, opts);
}
