import * as path from "path";
import { LocalWorkspace, OpMap, Stack, StackSummary } from "@pulumi/pulumi/automation";
import { PROJECT } from "../fleet/load";
import { Operation, StackOutcome, StackRunner } from "./orchestrator";

export interface AutomationRunnerOptions {
  /** The Pulumi project folder (Pulumi.yaml). */
  readonly workDir: string;
  /** Pulumi Cloud organization: stacks are `<org>/<project>/<stack>` (none: the backend's default). */
  readonly organization?: string;
  /** Resource operations in flight within one stack (`pulumi up --parallel`). @default the CLI's own */
  readonly parallel?: number;
  /** The policy pack folder every run enforces. @default <workDir>/policies */
  readonly policyPack?: string;
  /**
   * Each stack's pack config file (`--policy-pack-config`, `npm run plan`'s
   * `policy-config.<stack>.json`): the rules that join stacks read it. @default none
   */
  readonly policyPackConfig?: (stack: string) => string;
  /** Each line the CLI prints, with its stack. */
  readonly onOutput?: (stack: string, line: string) => void;
}

/**
 * The orchestrator's runner on the Pulumi Automation API (@pulumi/pulumi/automation): the
 * project's program and the Pulumi CLI, stack by stack. A stack is created on its first run
 * (a cluster added to the fleet), with no config of its own: the program reads the fleet
 * stack's file (fleet/pulumi-config.ts).
 */
export function automationRunner(options: AutomationRunnerOptions): StackRunner {
  const policyPacks = [options.policyPack ?? path.join(options.workDir, "policies")];
  const common = (stack: string) => ({
    color: "never" as const,
    parallel: options.parallel,
    policyPacks,
    ...(options.policyPackConfig ? { policyPackConfigs: [options.policyPackConfig(stack)] } : {}),
    onOutput: (out: string) => options.onOutput?.(stack, out),
  });
  return {
    async run(stackName: string, operation: Operation): Promise<StackOutcome> {
      const qualified = options.organization ? `${options.organization}/${PROJECT}/${stackName}` : stackName;
      const stack: Stack = await LocalWorkspace.createOrSelectStack({ stackName: qualified, workDir: options.workDir });
      if (operation === "preview") {
        const result = await stack.preview(common(stackName));
        return { changes: counts(result.changeSummary) };
      }
      const result = await stack.up(common(stackName));
      return { changes: counts(result.summary.resourceChanges ?? {}) };
    },
  };
}

function counts(map: OpMap): Record<string, number> {
  return Object.fromEntries(Object.entries(map).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
}

/**
 * The stacks of this project in the backend that hold resources (`pulumi stack ls --json
 * --all`, through LocalWorkspace.listStacks): the others have nothing running, so their
 * first deploy waits for no wave (deploy/stacks.ts `deployStages`). By bare stack name.
 */
export async function stacksHoldingResources(workDir: string, organization?: string): Promise<Set<string>> {
  const workspace = await LocalWorkspace.create({ workDir });
  return holdingResources(await workspace.listStacks({ all: true }), organization);
}

/**
 * Of `pulumi stack ls` summaries, the stacks of this project (and `organization`, when given)
 * that hold resources. A name is `<org>/<project>/<stack>` with `--all`, the bare stack
 * otherwise; a stack whose resource count the backend does not report is taken as holding
 * some, so it keeps its wave.
 */
export function holdingResources(stacks: readonly StackSummary[], organization?: string): Set<string> {
  const held = new Set<string>();
  for (const { name, resourceCount } of stacks) {
    const parts = name.split("/");
    const stack = parts.at(-1)!;
    if (parts.length === 3 && (parts[1] !== PROJECT || (organization !== undefined && parts[0] !== organization))) continue;
    if (resourceCount === undefined || resourceCount > 0) held.add(stack);
  }
  return held;
}
