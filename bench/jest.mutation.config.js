/**
 * The tests `npm run mutation` runs against each mutant: those that exercise the failover,
 * DNS and diff code (bench/stryker.config.json mutates only that code). The rest of the
 * suite cannot kill those mutants and would only slow every run.
 */
const base = require("../jest.config");

module.exports = {
  ...base,
  rootDir: "..",
  testMatch: [
    // Not diff-command.test.ts: it builds a git repository and spawns whole plans per run.
    "<rootDir>/tests/cli/diff-markdown.test.ts",
    "<rootDir>/tests/cli/diff-risks.test.ts",
    "<rootDir>/tests/cli/diff-cost.test.ts",
    "<rootDir>/tests/cli/failover.test.ts",
    "<rootDir>/tests/cli/replacement*.test.ts",
    "<rootDir>/tests/cli/runbook.test.ts",
    "<rootDir>/tests/scenarios/*.test.ts",
    "<rootDir>/tests/components/ha.test.ts",
    "<rootDir>/tests/components/load-balancing.test.ts",
    "<rootDir>/tests/components/dns-*.test.ts",
    "<rootDir>/tests/safety/failover-files.test.ts",
    "<rootDir>/tests/policies/secrets-route53-regions.test.ts",
  ],
};
