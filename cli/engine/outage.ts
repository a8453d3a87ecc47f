/**
 * A regional outage, offline: the calls a real `pulumi up` would send into the unavailable
 * regions, found as the program registers resources and calls data sources, so
 * `npm run plan -- --unavailable REGION` fails exactly where a deploy during the outage would.
 *
 * What calls a region (and what does not), per the pinned providers and engine:
 * - a data source (invoke) calls its provider's region;
 * - configuring an AWS provider calls STS in its own region unless `skipCredentialsValidation`
 *   (pulumi/pulumi-aws provider/resources.go `preConfigureCallback`; hashicorp/aws-sdk-go-base
 *   `GetAwsAccountIDAndPartition`), and IAM (served from us-east-1) then STS unless
 *   `skipRequestingAccountId` (aws-sdk-go-base `getAccountIDAndPartition`); region validation is
 *   a static list;
 * - a remote component (a component a provider plugin builds, such as @pulumi/eks's
 *   `eks:index:Cluster`) runs its own code, lookups included, on every run, targeted or not
 *   (pulumi/pulumi pkg/resource/deploy/source_eval.go constructs it outside the step generator);
 *   the Kubernetes provider's own (`kubernetes:yaml/v2:ConfigFile`, `helm.sh/v4:Chart`, …)
 *   refuse to build while their cluster is unreachable (provider_construct.go `Construct`);
 * - reading a resource (`.get`) calls its provider's region, AWS or Kubernetes;
 * - a Kubernetes provider of a cluster in the region configures without error: the provider
 *   marks the cluster unreachable (pulumi/pulumi-kubernetes provider/pkg/provider/provider.go,
 *   `clusterUnreachable`), checks and diffs objects and Helm releases locally (a server-side
 *   dry run happens only in a preview of a create or update), and fails only a create, update,
 *   delete or refresh. An object that does not change needs none of those. So those providers
 *   may be registered (a promotion changes no resource at all: cli/failover/play.ts);
 * - `pulumi up --target` still runs the whole program, every data source and every provider's
 *   configuration (providers are always included: pulumi/pulumi
 *   pkg/resource/deploy/step_generator.go, "implicitly targeted"), but gives an untargeted
 *   resource its old inputs without calling the provider's Check and copies its old state
 *   (a SameStep): only targeted resources reach their providers.
 * Registering a custom resource calls nothing by itself: unchanged, the engine diffs it locally.
 */

import { SUPPORTED_REGIONS } from "../../fleet/regions";
import { UsageError } from "../errors";

/** The global IAM endpoint is served from us-east-1. */
export const IAM_REGION = "us-east-1";

const isSet = (value: unknown) => value === true || value === "true";

/** The unavailable region configuring an AWS provider of `region` with `inputs` would call, and why; or undefined. */
export function awsProviderCall(inputs: Record<string, unknown>, region: string, unavailable: ReadonlySet<string>): { region: string; why: string } | undefined {
  if (!isSet(inputs.skipCredentialsValidation)) {
    // The account ID then comes from that same STS answer.
    return unavailable.has(region) ? { region, why: `validates its credentials with STS in ${region} when configured (skipCredentialsValidation is not set)` } : undefined;
  }
  if (!isSet(inputs.skipRequestingAccountId)) {
    if (unavailable.has(IAM_REGION)) return { region: IAM_REGION, why: `looks up the account with IAM, served from ${IAM_REGION}, when configured (skipRequestingAccountId is not set)` };
    if (unavailable.has(region)) return { region, why: `looks up the account with STS in ${region} when configured (skipRequestingAccountId is not set)` };
  }
  return undefined;
}

/** `urn:pulumi:…::aws-us-east-1::us-east-1` → `aws-us-east-1`: what a user calls a provider. */
export function providerName(ref: string): string {
  const urn = ref.slice(0, ref.lastIndexOf("::"));
  return urn.slice(urn.lastIndexOf("::") + 2) || ref;
}

/** The first call into an unavailable region, as one line naming what made it (bad input: exit 2). */
export class RegionUnavailableError extends UsageError {
  constructor(readonly region: string, detail: string) {
    super(`--unavailable ${region}: ${detail}`);
    this.name = "RegionUnavailableError";
  }
}

/** `--unavailable REGION`, repeatable, as `plan` and `failover` take it. */
export const UNAVAILABLE_OPTION = { unavailable: { type: "string", multiple: true } } as const;

/** The regions `--unavailable` names, each one the fleet could use; an unknown one is bad input. */
export function unavailableRegions(values: readonly string[] | undefined): string[] {
  const regions = [...new Set(values ?? [])];
  const unknown = regions.find((region) => !SUPPORTED_REGIONS.includes(region));
  if (unknown !== undefined) throw new UsageError(`--unavailable: '${unknown}' is not an AWS region the fleet supports`);
  return regions;
}
