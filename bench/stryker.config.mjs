// npm run mutation (bench/mutation.ts) runs Stryker once per group of bench/mutation-groups.js,
// named by MUTATION_GROUP (MUTATION_FILES narrows it to some of its files, comma-separated,
// MUTATION_SCOPE names the reports); bench/jest.mutation.config.js picks the group's tests.
import { createRequire } from "module";

const groups = createRequire(import.meta.url)("./mutation-groups.js");
const group = process.env.MUTATION_GROUP;
if (!groups[group]) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(", ")}`);
const scope = process.env.MUTATION_SCOPE || group;

export default {
  testRunner: "jest",
  // The group's tests are those that exercise its files already; jest's own dependency search
  // would only add its resolution time to every mutant.
  jest: { configFile: "bench/jest.mutation.config.js", enableFindRelatedTests: false },
  // A mutant runs only the tests that reached it (all of the run's for a static one).
  coverageAnalysis: "perTest",
  mutate: process.env.MUTATION_FILES ? process.env.MUTATION_FILES.split(",") : groups[group].mutate,
  // Mutants whose code and tests did not change since the last run keep their result.
  incremental: true,
  incrementalFile: `reports/mutation/${scope}.incremental.json`,
  ignorePatterns: ["out", "reports", ".git", ".stryker-tmp"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // One worker: its jest runs the tests in band, a plan keeps a core busy, and two workers on
  // a 2-core runner would slow each other's tests into timeouts.
  concurrency: 1,
  // The first, unmutated run of a group's tests on a loaded machine.
  dryRunTimeoutMinutes: 20,
  // Generous: a mutant that only slows a test down on a loaded machine must not count as killed.
  timeoutMS: 60000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
};
