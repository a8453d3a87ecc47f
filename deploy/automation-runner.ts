import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
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
