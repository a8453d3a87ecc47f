import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deployStages } from "../deploy/stacks";
import { automationRunner, stacksHoldingResources } from "../deploy/automation-runner";
import { formatReport, OrchestrationReport, orchestrate } from "../deploy/orchestrator";
import { fleetFromStackFile, FleetConfigError, stackNameOf } from "../fleet";
import { parseFlags, STACK_OPTIONS, stackArgs } from "./args";
import { EXIT, runCommand, UsageError } from "./errors";
import { planFleet } from "./engine/plan-stack";
import { policyConfigFile } from "./plan-files";
import { stableJson } from "./write";

const USAGE = "npm run deploy [-- --stack NAME | --config FILE] [--preview] [--parallel N] [--stack-parallel N] [--only STACK,...] [--org ORG]";

/** Stacks run at once within a stage unless told otherwise: a CI runner's worth of Pulumi CLIs. */
const DEFAULT_STACK_PARALLEL = 4;

/**
 * `npm run deploy`: `pulumi up` (or `--preview`) of every stack of the fleet a stack file
 * describes, through the Pulumi Automation API (the Pulumi CLI and credentials needed): the
 * fleet stack (with Argo CD, the hubs' addresses stacks beside it), then each rollout wave's cluster stacks (a cluster stack that holds nothing yet
 * with the first wave: deploy/stacks.ts `deployStages`), then the links stacks, at most
 * `--stack-parallel` stacks at once, `--parallel` operations within each, nothing started
 * after the first failure; each stack with the policy pack and its own pack config, from an
 * offline plan of the fleet first (cli/policy-run.ts, stackPolicyConfigs). `--only` runs just the stacks a change touches (`npm run matrix --
 * --base`). Exit 0 when every stack run succeeded, 1 when one failed, 2 on bad input.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    ...STACK_OPTIONS,
    preview: { type: "boolean" },
    parallel: { type: "string" },
    "stack-parallel": { type: "string" },
    only: { type: "string" },
    org: { type: "string" },
  }, USAGE);
  const { configFile } = stackArgs(flags);
  const fleetStack = stackNameOf(configFile);
  if (!fleetStack) throw new UsageError(`${configFile}: a fleet deploys from its Pulumi.<stack>.yaml; the file name names the fleet stack`);
  const { spec, config } = fleetFromStackFile(configFile);
  const workDir = path.dirname(configFile);
  const parallel = positive(flags.parallel, "--parallel");
  const stackParallel = positive(flags["stack-parallel"], "--stack-parallel") ?? DEFAULT_STACK_PARALLEL;
  const holding = spec.stacks === "single" ? new Set<string>() : await stacksHoldingResources(workDir, flags.org);
  const stages = deployStages(spec, fleetStack, (stack) => !holding.has(stack));
  const only = flags.only === undefined ? undefined : new Set(flags.only.split(",").map((s) => s.trim()).filter(Boolean));
  const unknown = [...(only ?? [])].filter((s) => !stages.flat().includes(s));
  if (unknown.length > 0) throw new FleetConfigError(unknown.map((s) => ({ path: "--only", message: `'${s}' is not a stack of this fleet; its stacks: ${stages.flat().join(", ")}` })));
  // Each stack's pack config, from an offline plan of this very fleet (what `npm run plan` writes):
  // the rules that join stacks read it, so no stack runs without its own.
  const { policyConfigs } = await planFleet(spec, config);
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-policy-config-"));
  let report: OrchestrationReport;
  try {
    for (const [stack, stackConfig] of policyConfigs) fs.writeFileSync(path.join(configDir, policyConfigFile(stack)), stableJson(stackConfig));
    const runner = automationRunner({
      workDir,
      organization: flags.org,
      parallel,
      policyPackConfig: (stack) => path.join(configDir, policyConfigFile(stack)),
      onOutput: (stack, line) => process.stdout.write(line.split("\n").filter(Boolean).map((l) => `[${stack}] ${l}\n`).join("")),
    });
    report = await orchestrate(stages, runner, {
      operation: flags.preview ? "preview" : "up",
      parallel: stackParallel,
      only,
      onEvent: ({ stack, phase, result }) => console.error(phase === "start" ? `→ ${stack}` : `← ${stack}: ${result!.status}`),
    });
  } finally {
    fs.rmSync(configDir, { recursive: true, force: true });
  }
  console.log(formatReport(report));
  return report.ok ? EXIT.ok : EXIT.violations;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: '${value}' must be a positive whole number\nusage: ${USAGE}`);
  return n;
}

if (require.main === module) runCommand(main);
