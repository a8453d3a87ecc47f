import * as fs from "fs";
import * as path from "path";
import { renderTree, treeDifferences } from "../charts";
import { FLEET_KEY, fleetFromStackFile, StackConfig } from "../fleet";
import { evaluateResources, evaluateTree, PlanResourceLike, PolicyConfig } from "../policies/evaluate";
import { loadTree } from "../policies/tree";
import { Violation } from "../policies/violation";
import { mockState } from "./engine/mock-state";

/**
 * Gives each plan resource the id the mock engine gave it, so rules can join a record to
 * its health check or a bucket setting to its bucket by value, as they would by id under
 * the real engine. An `id` already in the plan wins. The account ID only shapes ARN-style
 * ids, which no join uses.
 */
export function withMockIds(resources: readonly PlanResourceLike[]): PlanResourceLike[] {
  return resources.map((r) =>
    r.id !== undefined || !r.region
      ? r
      : { ...r, id: mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region, accountId: "000000000000" }).id },
  );
}

/** Every resource and stack rule over a plan's resources. */
export function infraViolations(resources: readonly PlanResourceLike[], config: PolicyConfig = {}): Promise<Violation[]> {
  return evaluateResources(withMockIds(resources), config);
}

/** Every manifest rule over the tree at `dir`, or none when no tree was rendered there. */
export function treeViolationsIfPresent(dir: string): Violation[] {
  return fs.existsSync(dir) ? evaluateTree(loadTree(dir)) : [];
}

/** The pack config a stack's fleet key implies (`policy.allowedRegions`). */
export function policyConfigOf(config: StackConfig): PolicyConfig {
  const fleet = config.values[FLEET_KEY] as { policy?: { allowedRegions?: string[] } } | undefined;
  const allowedRegions = fleet?.policy?.allowedRegions ?? [];
  return allowedRegions.length > 0 ? { "regions-allowed": { allowedRegions } } : {};
}

/**
 * Every file of the tree at `dir` that differs from a fresh render of the fleet model: with
 * the model at hand, nothing hand-edited passes, not even a forged override record.
 */
export function renderDrift(dir: string, configFile: string): Violation[] {
  const { spec } = fleetFromStackFile(configFile);
  return treeDifferences(dir, renderTree(spec)).map((file) => ({
    policy: "manifests-fresh-render",
    enforcement: "mandatory",
    urn: null,
    file,
    message: `${file} differs from a fresh render of ${path.basename(configFile)}: the tree must be exactly what the renderer writes from the fleet model. Change the model or charts/, then run npm run synth.`,
  }));
}
