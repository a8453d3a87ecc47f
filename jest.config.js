/**
 * Tests are transpiled by swc (no type check); `tsc --noEmit` type-checks the whole project once.
 * The few dependency files that load unused modules eagerly go through the same
 * rewrite as the commands (cli/lazy-modules.js): every test file that evaluates the program
 * would otherwise load TypeScript, npm's arborist and ~300 AWS namespace files again.
 */
const LAZY_INDEXES = require("./cli/lazy-modules").FILES;

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }],
    [`/node_modules/(${LAZY_INDEXES})`]: "<rootDir>/cli/lazy-modules.js",
  },
  transformIgnorePatterns: [`/node_modules/(?!(${LAZY_INDEXES}))`],
  moduleFileExtensions: ["ts", "js", "json"],
  // Both cores: jest defaults to one worker fewer than the cores, i.e. one on a 2-core runner.
  maxWorkers: "100%",
  // A plan takes ~1 s of CPU; `npm test` runs tsc beside both workers, so on a busy 2-core
  // runner a hook that plans a fleet can take far longer than jest's default 5 s.
  testTimeout: 60_000,
};
