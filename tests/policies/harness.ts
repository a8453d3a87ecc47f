import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PlanResourceLike, resourceArgs, stackArgs } from "../../policies/evaluate";

/** A plan resource with defaults: the pulumi-policy-aws args-factory pattern, over plan.json shapes. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResourceLike> = {}): PlanResourceLike {
  return { urn: `urn:pulumi:prod::eks-fleet::${type}::${name}`, type, name, parent: null, region: "us-east-1", inputs, ...extra };
}

/** The messages one resource rule reports for one resource. */
export async function resourceMessages(policy: ResourceValidationPolicy, r: PlanResourceLike, config: Record<string, unknown> = {}): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validate of validations) {
    try {
      await validate(resourceArgs(r, config), (message) => messages.push(message));
    } catch (err) {
      if (!(err instanceof Error && err.constructor.name === "NotApplicable")) throw err;
    }
  }
  return messages;
}

/** What one stack rule reports over a set of resources, as `urn: message`. */
export async function stackMessages(policy: StackValidationPolicy, resources: PlanResourceLike[], config: Record<string, unknown> = {}): Promise<{ urn?: string; message: string }[]> {
  const found: { urn?: string; message: string }[] = [];
  await policy.validateStack(stackArgs(resources, config), (message, urn) => found.push({ urn, message }));
  return found;
}

/** Deep copy with one change, so each test states only the field it breaks. */
export function changed<T>(value: T, change: (copy: any) => void): T {
  const copy = JSON.parse(JSON.stringify(value));
  change(copy);
  return copy;
}
