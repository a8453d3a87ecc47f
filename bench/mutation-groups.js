"use strict";
/**
 * What `npm run mutation` mutates, in groups, each with the tests that exercise it. Stryker
 * runs every test of its run against a mutant the tests reach while loading or in a
 * `beforeAll` (a "static" mutant: the program evaluated once for a whole file, the diff's
 * tables); a group's own tests keep those runs to what can kill them.
 */
module.exports = {
  diff: {
    mutate: ["cli/diff/**/*.ts"],
    tests: ["tests/cli/diff-markdown.test.ts", "tests/cli/diff-risks.test.ts", "tests/cli/diff-cost.test.ts", "tests/cli/replacement*.test.ts"],
  },
  dns: {
    mutate: ["components/dns-routing.ts", "components/global-accelerator.ts"],
    tests: [
      "tests/components/dns-*.test.ts", "tests/components/ha.test.ts", "tests/components/load-balancing.test.ts",
      "tests/scenarios/*.test.ts", "tests/cli/failover.test.ts", "tests/cli/runbook.test.ts", "tests/policies/secrets-route53-regions.test.ts",
    ],
  },
  failover: {
    mutate: ["cli/failover.ts", "cli/failover/**/*.ts"],
    tests: ["tests/cli/failover.test.ts", "tests/scenarios/*.test.ts", "tests/cli/runbook.test.ts", "tests/safety/failover-files.test.ts", "tests/cli/next-steps.test.ts"],
  },
};
