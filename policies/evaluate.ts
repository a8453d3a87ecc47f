import { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { costPolicies } from "./cost";
import { eksPolicies } from "./eks";
import { elbPolicies } from "./elb";
import { fleetPolicies } from "./fleet";
import { gitopsAgentPolicies } from "./gitops-agents";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { logsPolicies } from "./logs";
import { route53Policies } from "./route53";
import { s3Policies, s3ResourcePolicies } from "./s3";
import { secretsPolicies } from "./secretsmanager";
import { versionPolicies } from "./versions";
import { workloadIdentityPolicies } from "./workload-identity";
import { EnforcementLevel, Violation } from "./violation";

// The tree rules live apart, so what checks only a tree loads no resource rules (cli/tree-in-worker.ts).
export { evaluateTree, manifestPolicies } from "./evaluate-tree";
export { sortViolations } from "./violation";

/**
 * The offline runner: calls the very rule objects the CrossGuard pack serves, with
 * arguments built from `plan.json` resources the way the engine builds them (the
 * pulumi-policy-aws `createResourceValidationArgs` pattern), and collects what they report.
 * It never constructs a `PolicyPack`, which would start a gRPC server.
 */

export const resourcePolicies: ResourceValidationPolicy[] = [...eksPolicies, ...versionPolicies(), ...kmsPolicies, ...iamPolicies, ...elbPolicies, ...logsPolicies, ...s3ResourcePolicies, ...gitopsAgentPolicies, ...workloadIdentityPolicies];
export const stackPolicies: StackValidationPolicy[] = [...s3Policies, ...secretsPolicies, ...route53Policies, ...fleetPolicies, ...costPolicies];

/** A resource as `plan.json` records it; `id` helps joins by value (the mock engine's id). */
export interface PlanResourceLike {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string | null;
  readonly region?: string | null;
  readonly inputs: Record<string, unknown>;
  readonly id?: string;
}

/** Per-policy config, the same JSON `pulumi preview --policy-pack-config FILE` takes. */
export type PolicyConfig = Record<string, Record<string, unknown> | string | undefined>;

class NotApplicable extends Error {}

function settings(policy: ResourceValidationPolicy | StackValidationPolicy, config: PolicyConfig) {
  const entry = config[policy.name];
  const own = typeof entry === "object" ? entry : {};
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
      .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
  );
  const level = (typeof entry === "string" ? entry : (own.enforcementLevel as string | undefined)) ?? policy.enforcementLevel ?? "advisory";
  return { values: { ...defaults, ...own }, level };
}

const enforcement = (level: string): EnforcementLevel => (level === "advisory" ? "advisory" : "mandatory");
const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** The provider as the engine would show it: enough for rules that read its region. */
function providerOf(r: PlanResourceLike) {
  if (!r.region || r.type.startsWith("pulumi:providers:")) return undefined;
  return { type: "pulumi:providers:aws", props: { region: r.region }, urn: "", name: `aws-${r.region}` };
}

const OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

export function resourceArgs(r: PlanResourceLike, config: Record<string, unknown> = {}): ResourceValidationArgs {
  const provider = providerOf(r);
  return {
    type: r.type,
    props: r.inputs,
    urn: r.urn,
    name: r.name,
    opts: { ...OPTIONS, parent: r.parent ?? undefined },
    ...(provider ? { provider } : {}),
    stackTags: new Map(),
    isType: (resourceClass) => typeOf(resourceClass) === r.type,
    asType: (resourceClass) => (typeOf(resourceClass) === r.type ? (r.inputs as any) : undefined),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export function stackArgs(resources: readonly PlanResourceLike[], config: Record<string, unknown> = {}): StackValidationArgs {
  return stackArgsOf(policyResourcesOf(resources), config);
}

function stackArgsOf(resources: PolicyResource[], config: Record<string, unknown>): StackValidationArgs {
  return { resources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable };
}

/** The resources as a stack rule sees them, parents linked. */
function policyResourcesOf(resources: readonly PlanResourceLike[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((r) => {
    const provider = providerOf(r);
    const resource: PolicyResource = {
      type: r.type,
      props: r.id === undefined ? r.inputs : { ...r.inputs, id: r.id },
      urn: r.urn,
      name: r.name,
      opts: { ...OPTIONS, parent: r.parent ?? undefined },
      ...(provider ? { provider } : {}),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => typeOf(resourceClass) === r.type,
      asType: () => undefined,
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  for (const [i, r] of resources.entries()) if (r.parent && byUrn.has(r.parent)) policyResources[i].parent = byUrn.get(r.parent);
  return policyResources;
}

/** Runs every resource rule over each resource and every stack rule over all of them, as one stack. */
export async function evaluateResources(resources: readonly PlanResourceLike[], config: PolicyConfig = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  // Built once per resource; each rule gets them with its own config.
  const argsOf = resources.map((r) => resourceArgs(r));
  for (const policy of resourcePolicies) {
    const { values, level } = settings(policy, config);
    if (level === "disabled") continue;
    const getConfig = <T extends object>() => values as T;
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const [i, r] of resources.entries()) {
      for (const validate of validations) {
        const only = typeOf(validate);
        if (only && only !== r.type) continue;
        const pending = guarded(() =>
          validate({ ...argsOf[i], getConfig }, (message) =>
            violations.push({ policy: policy.name, enforcement: enforcement(level), urn: r.urn, file: null, message }),
          ),
        );
        if (pending) await pending;
      }
    }
  }
  violations.push(...(await evaluateStackPolicies(resources, stackPolicies, config)));
  return violations;
}

/** Runs `policies` over `resources` as one stack. */
export async function evaluateStackPolicies(resources: readonly PlanResourceLike[], policies: readonly StackValidationPolicy[], config: PolicyConfig = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  const policyResources = policyResourcesOf(resources);
  for (const policy of policies) {
    const { values, level } = settings(policy, config);
    if (level === "disabled") continue;
    const pending = guarded(() =>
      policy.validateStack(stackArgsOf(policyResources, values), (message, urn) =>
        violations.push({ policy: policy.name, enforcement: enforcement(level), urn: urn ?? null, file: null, message }),
      ),
    );
    if (pending) await pending;
  }
  return violations;
}

/** Runs a rule; a rule that answers `notApplicable` reported nothing. Awaited only when the rule is async. */
function guarded(run: () => unknown): Promise<void> | undefined {
  try {
    const result = run();
    return result instanceof Promise ? result.then(() => undefined, unlessNotApplicable) : undefined;
  } catch (err) {
    return unlessNotApplicable(err);
  }
}

function unlessNotApplicable(err: unknown): undefined {
  if (!(err instanceof NotApplicable)) throw err;
  return undefined;
}
