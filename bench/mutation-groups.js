"use strict";
/**
 * What `npm run mutation` mutates, in groups: each group's source files and the tests that
 * assert on what that code produces, both as exact paths (a test a commit does not have is
 * left out, so an older commit runs the same group with its own tests). Stryker runs every
 * test of a run against a "static" mutant, one the tests reach while loading or in a
 * `beforeAll` (the program evaluated once for a whole file, the diff's tables): most mutants
 * here are static, so a group's run costs its mutants times its tests' time. The end-to-end
 * outage scenarios (tests/scenarios/, a minute per run) stay out for that reason.
 */
module.exports = {
  dns: {
    mutate: ["components/dns-routing.ts", "components/global-accelerator.ts"],
    tests: [
      "tests/components/dns-health-checks.test.ts",
      "tests/components/ha.test.ts",
      "tests/components/load-balancing.test.ts",
      "tests/cli/dns-switch.test.ts",
    ],
  },
  failover: {
    mutate: ["cli/failover.ts", "cli/failover/play.ts", "cli/failover/promote.ts", "cli/failover/report.ts", "cli/failover/stack-file.ts"],
    tests: ["tests/cli/failover.test.ts", "tests/cli/runbook.test.ts", "tests/safety/failover-files.test.ts", "tests/cli/next-steps.test.ts"],
  },
  diff: {
    mutate: [
      "cli/diff/across-clusters.ts", "cli/diff/cascade.ts", "cli/diff/compare-plans.ts", "cli/diff/compare-trees.ts",
      "cli/diff/cost.ts", "cli/diff/deletion.ts", "cli/diff/dependents.ts", "cli/diff/dns-switch.ts", "cli/diff/grants.ts",
      "cli/diff/markdown.ts", "cli/diff/node-risks.ts", "cli/diff/replacement-risks.ts", "cli/diff/replacement.ts",
      "cli/diff/risks.ts", "cli/diff/sections.ts", "cli/diff/topology.ts", "cli/diff/tree-risks.ts",
      "cli/diff/update-times.ts", "cli/diff/values.ts",
    ],
    tests: [
      "tests/cli/diff-markdown.test.ts", "tests/cli/diff-risks.test.ts", "tests/cli/diff-cost.test.ts",
      "tests/cli/diff-dependents.test.ts", "tests/cli/diff-tree-risks.test.ts", "tests/cli/replacement.test.ts",
      "tests/cli/replacement-forcenew.test.ts", "tests/cli/dns-switch.test.ts",
    ],
  },
};
