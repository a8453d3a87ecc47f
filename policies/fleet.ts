import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { SECRET } from "./secretsmanager";
import { asArray, known } from "./support";

export const AWS_PROVIDER = "pulumi:providers:aws";

export interface RegionsConfig {
  /** Regions the fleet may place infrastructure and data in. @default [] (no restriction) */
  readonly allowedRegions?: string[];
}

/** Where a resource puts things: its provider's region, its own `region`, its secret replicas. */
function regionsUsed(resource: PolicyResource): { region: string; what: string }[] {
  const used: { region: string; what: string }[] = [];
  const add = (region: unknown, what: string) => typeof region === "string" && region && used.push({ region, what });
  if (resource.type === AWS_PROVIDER) add(known(() => resource.props.region), "provider region");
  else if (resource.type.startsWith("aws:")) add(known(() => resource.props.region), "region");
  if (resource.type === SECRET) for (const r of asArray(known(() => resource.props.replicas)) as any[]) add(known(() => r.region), "replica region");
  return used;
}

/**
 * Data residency. Every resource without its own `region` uses its provider's, so checking
 * providers, explicit regions and secret replicas covers the stack without one report per
 * resource of a wrong region.
 */
export const regionsAllowed: StackValidationPolicy = {
  name: "regions-allowed",
  description: "Checks whether every AWS provider, resource region and secret replica is in the allowed regions (data residency).",
  enforcementLevel: "mandatory",
  configSchema: { properties: { allowedRegions: { type: "array", items: { type: "string" }, default: [] } } },
  validateStack: (args, reportViolation) => {
    const allowed = args.getConfig<RegionsConfig>().allowedRegions ?? [];
    if (allowed.length === 0) return;
    for (const resource of args.resources) {
      for (const { region, what } of regionsUsed(resource)) {
        if (allowed.includes(region)) continue;
        reportViolation(
          `'${resource.name}' uses ${what} ${region}, outside the allowed regions (${allowed.join(", ")}). Move it to an allowed region, or add ${region} to policy.allowedRegions in the fleet config (and the pack's --policy-pack-config).`,
          resource.urn,
        );
      }
    }
  },
};

export const fleetPolicies: StackValidationPolicy[] = [regionsAllowed];
