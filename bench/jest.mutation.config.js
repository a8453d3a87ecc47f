/**
 * The tests `npm run mutation` runs against the mutants of one group (MUTATION_GROUP, see
 * bench/mutation-groups.js): those that exercise its code. Not tests/cli/diff-command.test.ts:
 * it builds a git repository and spawns whole plans per run.
 */
const base = require("../jest.config");
const groups = require("./mutation-groups");

const group = groups[process.env.MUTATION_GROUP];
if (!group) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(", ")}`);

module.exports = {
  ...base,
  rootDir: "..",
  testMatch: group.tests.map((pattern) => `<rootDir>/${pattern}`),
};
