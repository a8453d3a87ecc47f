/**
 * Run as its own process (`node -r ./cli/register.js tests/support/outage-probe.ts`): evaluates
 * the 2-cluster fixture (c0 in us-east-1, c1 in us-west-2) with us-east-1 unavailable, once
 * per scenario and engine, each scenario a change someone could make to the program (a
 * lookup, a provider setting, a remote component, a read), and prints
 * `{ "<scenario> <engine>": "<outcome>" }` as JSON. A process of its own: a failed evaluation
 * leaves the rest of the program failing for a moment (cli/engine/evaluate.ts), and a jest
 * worker counts every unhandled rejection against the test that is running.
 */
import * as path from "path";
import { fleetConfig, stackConfig } from "../fixtures/fleets";
import { ROOT, SCENARIOS } from "./program-changes";

async function main(): Promise<void> {
  const outcomes: Record<string, string> = {};
  for (const [scenario, { engines, apply, unavailable = ["us-east-1"] }] of Object.entries(SCENARIOS)) {
    for (const engine of engines) {
      // A fresh copy of the project's modules (dependencies stay loaded), then the scenario's change.
      for (const file of Object.keys(require.cache)) if (file.startsWith(ROOT) && !file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
      apply();
      const { evaluateProgram }: typeof import("../../cli/engine/evaluate") = require(path.join(ROOT, "cli/engine/evaluate"));
      try {
        await evaluateProgram(stackConfig(fleetConfig(2)), "123456789012", engine, unavailable);
        outcomes[`${scenario} ${engine}`] = "ok";
      } catch (err) {
        outcomes[`${scenario} ${engine}`] = `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
    }
  }
  process.stdout.write(JSON.stringify(outcomes));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(70);
  },
);
