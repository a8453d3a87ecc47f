/**
 * The tests `npm run mutation` runs against the mutants of one group (MUTATION_GROUP, see
 * bench/mutation-groups.js): those of the group's test files this commit has. Not
 * tests/cli/diff-command.test.ts: it builds a git repository and spawns whole plans per run.
 */
const fs = require("fs");
const path = require("path");
const base = require("../jest.config");
const groups = require("./mutation-groups");

const group = groups[process.env.MUTATION_GROUP];
if (!group) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(", ")}`);
const root = path.join(__dirname, "..");

module.exports = {
  ...base,
  rootDir: "..",
  testMatch: group.tests.filter((file) => fs.existsSync(path.join(root, file))).map((file) => `<rootDir>/${file}`),
};
