import * as path from "path";
import { fleetFromStackFile, FleetConfigError, FleetSpec, projectFolderOf, readRolloutState, StackConfig } from "../../fleet";
import { planOrder, stacksFor } from "../../deploy/plan-stacks";
import { sortViolations, Violation } from "../../policies/violation";
import { planDocument, PlanDocument } from "../plan-document";
import { infraViolations, policyConfigOf, stackPolicyConfigs, withMockIds } from "../policy-run";
import type { PolicyConfig } from "../../policies/evaluate";
import { estimateCost } from "../../cost/estimate";
import { Engine, evaluateProgram } from "./evaluate";
import { RecordedResource } from "./recording-monitor";

export interface StackPlan {
  readonly spec: FleetSpec;
  readonly config: StackConfig;
  readonly document: PlanDocument;
  /** Each planned stack's pack config, as its CrossGuard run takes it (`--policy-pack-config`). */
  readonly policyConfigs: ReadonlyMap<string, PolicyConfig>;
}

/**
 * Plans one stack offline: validates its file (bad input throws `FleetConfigError`),
 * evaluates the program under mocks, runs the infrastructure policies and assembles `plan.json`. Shared by `plan`, `diff`
 * and the benchmark, so they can never disagree.
 */
export async function planStack(configFile: string, violations: readonly Violation[] = [], engine: Engine = "fast", unavailable: readonly string[] = []): Promise<StackPlan> {
  const { spec, config } = fleetFromStackFile(configFile);
  return planFleet(spec, config, violations, engine, unavailable);
}

/**
 * `planStack` of a stack file already read and validated. With `unavailable` regions, a call
 * into one of them fails the plan (`RegionUnavailableError`, exit 2). A per-cluster fleet is
 * planned as it deploys: the program runs as each of its stacks in deploy order, each
 * StackReference reading the outputs the stacks before it returned; every resource names its
 * stack. With `onlyStack`, only that stack's resources are planned (after the stacks it reads).
 */
export async function planFleet(
  spec: FleetSpec,
  config: StackConfig,
  violations: readonly Violation[] = [],
  engine: Engine = "fast",
  unavailable: readonly string[] = [],
  onlyStack?: string,
): Promise<StackPlan> {
  const stacks = onlyStack === undefined ? planOrder(spec, config.stack) : stacksFor(spec, config.stack, onlyStack);
  if (!stacks) {
    const names = planOrder(spec, config.stack).map((s) => s.name);
    throw new FleetConfigError([{ path: "--only-stack", message: `'${onlyStack}' is not a stack of this fleet; its stacks: ${names.join(", ")}` }]);
  }
  const outputs = new Map<string, Record<string, unknown>>();
  const resources: RecordedResource[] = [];
  const stackOf = new Map<string, string>();
  for (const stack of stacks) {
    const evaluated = await evaluateProgram({ ...config, stack: stack.name }, spec.accountId, engine, unavailable, outputs);
    outputs.set(stack.name, evaluated.outputs);
    if (onlyStack !== undefined && stack.name !== onlyStack) continue;
    for (const r of evaluated.resources) {
      resources.push(r);
      stackOf.set(r.urn, stack.name);
    }
  }
  // Where each wave stands: the stack's own tree (what the program reads too, index.ts).
  const state = readRolloutState(path.resolve(projectFolderOf(config.file), spec.gitops.path));
  const planned = planDocument(config.stack, spec, resources, [], state, stackOf);
  // Ids join records to checks and node groups to launch templates, for the rules and the cost alike.
  const withIds = withMockIds(planned.resources);
  // The same rules the CrossGuard pack serves, over the same resources plan.json lists, stack by
  // stack with each stack's config as CrossGuard runs them (and the fleet-wide view over all).
  const policyConfigs = stackPolicyConfigs(config, spec, withIds, onlyStack === undefined);
  const found = await infraViolations(withIds, policyConfigOf(config, spec), policyConfigs);
  const cost = estimateCost(withIds, spec.clusters.map((c) => c.name));
  return { spec, config, document: { ...planned, cost, violations: sortViolations([...violations, ...found]) }, policyConfigs };
}
