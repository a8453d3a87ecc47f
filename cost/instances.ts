import { LARGE_HOURLY_US_EAST_1, READ_REGIONS, regionalPrices } from "./prices";

/**
 * EC2 size → normalization factor (the units Reserved Instance size flexibility counts in,
 * PAGES.ec2SizeFlexibility). On-demand prices within a family follow it: an xlarge costs
 * twice a large.
 */
const NAMED_SIZES: Readonly<Record<string, number>> = { nano: 0.25, micro: 0.5, small: 1, medium: 2, large: 4, xlarge: 8 };

function normalizationFactor(size: string): number | undefined {
  if (size in NAMED_SIZES) return NAMED_SIZES[size];
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? Number(multiple[1]) * NAMED_SIZES.xlarge : undefined;
}

export type InstancePrice = { hourlyUsd: number; basis: string } | { unpriced: string };

/**
 * On-demand Linux hourly price of `instanceType` in `region`: the family's large in
 * us-east-1, scaled by size, then by the region's m6i.large against us-east-1's.
 */
export function instanceHourly(instanceType: string, region: string): InstancePrice {
  const [family, size = ""] = instanceType.split(".");
  const large = LARGE_HOURLY_US_EAST_1[family];
  const factor = normalizationFactor(size);
  if (large === undefined || factor === undefined) {
    return { unpriced: `no price for ${instanceType} (cost/prices.ts lists families ${Object.keys(LARGE_HOURLY_US_EAST_1).join(", ")}; sizes nano…Nxlarge, not metal)` };
  }
  const regional = regionalPrices(region).prices.m6iLargeHour / READ_REGIONS["us-east-1"].m6iLargeHour;
  const hourlyUsd = large * (factor / NAMED_SIZES.large) * regional;
  const scaled = [factor !== NAMED_SIZES.large ? `${family}.large × ${factor / NAMED_SIZES.large}` : "", regional !== 1 ? `× ${region}/us-east-1 ${regional.toFixed(3)}` : ""].filter(Boolean).join(" ");
  return { hourlyUsd, basis: scaled ? `$${round4(hourlyUsd)}/h (${scaled})` : `$${round4(hourlyUsd)}/h` };
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
