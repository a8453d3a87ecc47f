/**
 * AWS commercial regions a fleet may use. Each cluster spreads its subnets over three
 * availability zones, so regions that offer fewer than three are refused up front.
 */
export const SUPPORTED_REGIONS: readonly string[] = [
  "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
  "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1",
  "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
  "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
  "sa-east-1", "us-east-1", "us-east-2", "us-west-2",
];

/** Regions that exist but cannot host a three-AZ cluster. */
export const TOO_FEW_ZONES: readonly string[] = ["us-west-1"];

/** Returns why `region` cannot be used, or undefined when it can. */
export function regionProblem(region: string): string | undefined {
  if (SUPPORTED_REGIONS.includes(region)) return undefined;
  if (TOO_FEW_ZONES.includes(region)) return `${region} offers fewer than three availability zones`;
  return `unknown AWS region '${region}'`;
}
