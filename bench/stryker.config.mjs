// npm run mutation (bench/mutation.ts) runs Stryker once per group of bench/mutation-groups.js,
// named by MUTATION_GROUP; bench/jest.mutation.config.js picks the same group's tests.
import { createRequire } from "module";

const groups = createRequire(import.meta.url)("./mutation-groups.js");
const group = process.env.MUTATION_GROUP;
if (!groups[group]) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(", ")}`);

export default {
  testRunner: "jest",
  jest: { configFile: "bench/jest.mutation.config.js", enableFindRelatedTests: false },
  coverageAnalysis: "perTest",
  mutate: groups[group].mutate,
  ignorePatterns: ["out", "reports", ".git"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  concurrency: 2,
  // Generous: a mutant that only slows a test down on a loaded machine must not count as killed.
  timeoutMS: 60000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${group}.html` },
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
};
