import type { FleetSpec } from "../fleet/spec";
import { deployStages, fleetStacks, MAX_DEPLOY_STAGES } from "./stacks";

/** One matrix job: a stack, and the fleet stack whose file it reads (`Pulumi.<fleet>.yaml` names the roles CI assumes). */
export interface MatrixEntry {
  readonly stack: string;
  readonly fleet: string;
}

/**
 * What the workflows' matrices run, one job per stack (pulumi/actions):
 * - `stacks`: every stack, in no order (pull-request previews, drift checks);
 * - `stages`: the deploy workflow's stage jobs, one after the other, each stack in the stage
 *   deployStages gives it (deploy/stacks.ts: the rule `npm run deploy` follows too, a stack
 *   that holds nothing yet included), stage i of every fleet in job i. Always
 *   MAX_DEPLOY_STAGES long: the workflow's jobs are fixed, and a stage no fleet has is empty
 *   (its job is skipped).
 * `only`: the stacks a change touches (`npm run diff -- --touched-stacks`); the rest are left out.
 */
export interface DeployMatrix {
  readonly stacks: MatrixEntry[];
  readonly stages: MatrixEntry[][];
}

export function deployMatrix(
  fleets: readonly { readonly fleetStack: string; readonly spec: FleetSpec }[],
  only?: ReadonlySet<string>,
  /** Stacks that hold no resources yet (`pulumi stack ls`): deployStages' `isNew`. @default none */
  isNew: (stack: string) => boolean = () => false,
): DeployMatrix {
  const kept = (stack: string) => !only || only.has(stack);
  const stages: MatrixEntry[][] = Array.from({ length: MAX_DEPLOY_STAGES }, () => []);
  const stacks: MatrixEntry[] = [];
  for (const { fleetStack, spec } of fleets) {
    for (const stack of fleetStacks(spec, fleetStack)) if (kept(stack.name)) stacks.push({ stack: stack.name, fleet: fleetStack });
    const ordered = deployStages(spec, fleetStack, isNew);
    // fleet/waves.ts caps the waves: more stages than the workflow's jobs is a bug here, never a silent merge of stages.
    if (ordered.length > MAX_DEPLOY_STAGES) throw new Error(`${fleetStack} deploys in ${ordered.length} stages; the deploy workflow runs ${MAX_DEPLOY_STAGES}`);
    ordered.forEach((stage, i) => stages[i].push(...stage.filter(kept).map((stack) => ({ stack, fleet: fleetStack }))));
  }
  return { stacks, stages };
}

/** The matrices as `name=<JSON>` lines for `$GITHUB_OUTPUT`: `stacks`, then `stage1` … `stage<MAX_DEPLOY_STAGES>`. */
export function matrixOutputs(matrix: DeployMatrix): string[] {
  return [`stacks=${JSON.stringify(matrix.stacks)}`, ...matrix.stages.map((entries, i) => `${stageOutput(i + 1)}=${JSON.stringify(entries)}`)];
}

/** The output of the deploy workflow's stage `n` (1-based). */
export const stageOutput = (n: number) => `stage${n}`;
/** The deploy workflow's job of stage `n` (1-based), which runs the stacks of that output. */
export const stageJob = (n: number) => `stage-${n}`;

/** The deploy workflow's job that runs each stack of `stages` (deployStages of one fleet): the job of its stage. */
export function stageJobOf(stages: readonly (readonly string[])[]): (stack: string) => string {
  const job = new Map(stages.flatMap((stage, i) => stage.map((stack) => [stack, stageJob(i + 1)] as const)));
  return (stack) => job.get(stack) ?? stageJob(1);
}
