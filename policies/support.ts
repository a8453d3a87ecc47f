import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/**
 * Small helpers every rule file shares. Rules read resource properties as the Pulumi engine
 * hands them to a policy pack and as `plan.json` records them; the two differ in how an
 * unknown value looks (a throwing proxy under `pulumi preview`, the text "[unknown]" offline).
 */

export type Rule = ResourceValidationPolicy | StackValidationPolicy;

/** The value `plan.json` writes for an output that is not known before deploy. */
export const UNKNOWN = "[unknown]";

/**
 * Reads a property that may be unknown during preview. Returns undefined for an unknown
 * value instead of throwing, so one unknown bucket name does not abort a whole stack rule.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    const value = read();
    return (value as unknown) === UNKNOWN ? undefined : value;
  } catch (err) {
    if (err instanceof Error && "unknownTypeSentinel" in err) return undefined;
    throw err;
  }
}

/** True when a value was given at all, even if its content is not known yet. */
export function present(read: () => unknown): boolean {
  try {
    const value = read();
    return value !== undefined && value !== null && value !== "";
  } catch (err) {
    if (err instanceof Error && "unknownTypeSentinel" in err) return true;
    throw err;
  }
}

export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/**
 * Validates resources of any of `types` (the engine filters a single-type rule itself;
 * rules that read a component and its underlying AWS resource need two).
 */
export function validateResourceOfTypes(
  types: readonly string[],
  validate: (props: Record<string, any>, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
) {
  return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
    if (!types.includes(args.type)) return;
    validate(args.props, args, reportViolation);
  };
}

/** The AWS region a resource lives in: its own `region` argument, else its provider's. */
export function regionOf(resource: { props: Record<string, any>; provider?: { props: Record<string, any> } }): string | undefined {
  const own = known(() => resource.props.region);
  if (typeof own === "string" && own) return own;
  const provider = known(() => resource.provider?.props.region);
  return typeof provider === "string" && provider ? provider : undefined;
}

export function ofType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/**
 * Finds the resource a property refers to: by the engine's property dependencies (which
 * work during preview, when ids are still unknown), else by value — the referenced
 * resource's `id` or one of its name properties equals the property's value.
 */
export function referenced(
  from: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  nameProps: readonly string[] = [],
): PolicyResource | undefined {
  const deps = from.propertyDependencies?.[property] ?? [];
  const byDependency = candidates.find((c) => deps.some((d) => d.urn === c.urn));
  if (byDependency) return byDependency;
  const value = known(() => from.props[property]);
  if (typeof value !== "string" || value === "") return undefined;
  return candidates.find((c) => {
    const keys = ["id", ...nameProps];
    return keys.some((k) => known(() => c.props[k]) === value) || c.urn === value;
  });
}

/** An IAM policy document from a resource property: JSON text or an already parsed object. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function policyStatements(document: unknown): PolicyStatement[] | undefined {
  let parsed = document;
  if (typeof document === "string") {
    if (document === UNKNOWN || document === "[secret]") return undefined;
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  }
  if (!parsed || typeof parsed !== "object") return undefined;
  return asArray((parsed as { Statement?: PolicyStatement | PolicyStatement[] }).Statement);
}

/** The stack a resource belongs to, from its URN (`urn:pulumi:<stack>::<project>::…`): what the engine names, not the program. */
export function stackOfUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** The stack a rule runs in: that of its resources (a stack rule sees one stack's). */
export function stackOf(resources: readonly { readonly urn: string }[]): string | undefined {
  for (const r of resources) {
    const stack = stackOfUrn(r.urn);
    if (stack) return stack;
  }
  return undefined;
}
