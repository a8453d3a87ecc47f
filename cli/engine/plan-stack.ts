import * as path from "path";
import { fleetFromStackFile, FleetSpec, projectFolderOf, readRolloutState, StackConfig } from "../../fleet";
import { sortViolations, Violation } from "../../policies/violation";
import { planDocument, PlanDocument } from "../plan-document";
import { infraViolations, policyConfigOf, withMockIds } from "../policy-run";
import { estimateCost } from "../../cost/estimate";
import { Engine, evaluateProgram } from "./evaluate";

export interface StackPlan {
  readonly spec: FleetSpec;
  readonly config: StackConfig;
  readonly document: PlanDocument;
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
 * into one of them fails the plan (`RegionUnavailableError`, exit 2).
 */
export async function planFleet(spec: FleetSpec, config: StackConfig, violations: readonly Violation[] = [], engine: Engine = "fast", unavailable: readonly string[] = []): Promise<StackPlan> {
  const { resources } = await evaluateProgram(config, spec.accountId, engine, unavailable);
  // Where each wave stands: the stack's own tree (what the program reads too, index.ts).
  const state = readRolloutState(path.resolve(projectFolderOf(config.file), spec.gitops.path));
  const planned = planDocument(config.stack, spec, resources, [], state);
  // Ids join records to checks and node groups to launch templates, for the rules and the cost alike.
  const withIds = withMockIds(planned.resources);
  // The same rules the CrossGuard pack serves, over the same resources plan.json lists.
  const found = await infraViolations(withIds, policyConfigOf(config, spec));
  const cost = estimateCost(withIds, spec.clusters.map((c) => c.name));
  return { spec, config, document: { ...planned, cost, violations: sortViolations([...violations, ...found]) } };
}
