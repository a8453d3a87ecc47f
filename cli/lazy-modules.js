"use strict";
/**
 * Modules a plan (or a test) never uses, deferred until first use by rewriting the few
 * dependency index files that load them eagerly. Each rewrite turns `exports.x = <loaded
 * module>` into a getter that loads the same module at its first read, so a program sees the
 * same values; a file whose text no longer matches (a dependency update) is left as it is and
 * simply loads eagerly (tests/cli/fidelity.test.ts checks the deferral still happens).
 * Used by cli/register.js for the commands and as a jest transform for the tests.
 */
const crypto = require("crypto");
const fs = require("fs");

/** `const s3 = __importStar(require("./s3")); exports.s3 = s3;` → a getter, for the requests `defer` accepts. */
function deferNamespaces(defer) {
  return (source) =>
    source.replace(/const (\w+) = __importStar\(require\("(\.\/\w+)"\)\);\s*exports\.\1 = \1;/g, (whole, name, request) =>
      !defer(request) ? whole : `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: () => __importStar(require("${request}")) });`,
    );
}

/** `var x_1 = require("./closure/x"); exports.f = x_1.f;` → getters (runtime/index.js copies these at load). */
function deferClosure(source) {
  const modules = new Map();
  return source
    .replace(/var (\w+_1) = require\("(\.\/closure\/\w+)"\);/g, (_, variable, request) => {
      modules.set(variable, request);
      return "";
    })
    .replace(/exports\.(\w+) = (\w+_1)\.\1;/g, (whole, name, variable) =>
      modules.has(variable) ? `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: () => require("${modules.get(variable)}").${name} });` : whole,
    );
}

/** kubernetes-models' `_export_star._(require("./Pod.js"), exports)` per kind → a getter per kind. */
function perKind(source) {
  return source.replace(/(?:_export_star|require\("@swc\/helpers\/_\/_export_star"\))\._\(require\("\.\/(\w+)\.js"\),exports\)/g, (_, kind) => `Object.defineProperty(exports,"${kind}",{enumerable:!0,configurable:!0,get:()=>require("./${kind}.js").${kind}})`);
}

const RULES = [
  // @pulumi/pulumi's Automation API drives the Pulumi CLI; a program never does.
  { file: /\/node_modules\/@pulumi\/pulumi\/index\.js$/, rewrite: deferNamespaces((request) => request === "./automation") },
  // Closure serialization loads TypeScript (~9 MB of JS) and code paths load npm's arborist;
  // both serve only functions shipped as Lambda code (serializeFunction, computeCodePaths).
  { file: /\/node_modules\/@pulumi\/pulumi\/runtime\/index\.js$/, rewrite: deferClosure },
  // ~240 AWS service namespaces and ~30 Kubernetes API groups load eagerly; a fleet uses a dozen.
  // A namespace registers its resource modules when loaded, before any of its resources exists.
  { file: /\/node_modules\/@pulumi\/aws\/index\.js$/, rewrite: deferNamespaces((request) => !["./utilities", "./provider"].includes(request)) },
  { file: /\/node_modules\/@pulumi\/kubernetes\/index\.js$/, rewrite: deferNamespaces((request) => request !== "./utilities") },
  // One index per group/version requires every kind (core/v1: ~200 files); charts/validate.ts needs a few.
  { file: /\/node_modules\/(kubernetes-models|@kubernetes-models\/[a-z0-9-]+)\/([a-z0-9.-]+\/)?v[0-9a-z]+\/index\.js$/, rewrite: perKind },
];

function ruleOf(filename) {
  if (!filename.endsWith("index.js")) return undefined;
  const normalized = filename.split("\\").join("/");
  return RULES.find((rule) => rule.file.test(normalized));
}

/** The source to run for `filename`: rewritten when a rule applies, else as it is. */
function rewrite(filename, source) {
  const rule = ruleOf(filename);
  return rule ? rule.rewrite(source) : source;
}

const OWN_HASH = crypto.createHash("sha256").update(fs.readFileSync(__filename)).digest("hex");

module.exports = {
  ruleOf,
  rewrite,
  /** Jest transform API (jest.config.js). */
  process: (source, filename) => ({ code: rewrite(filename, source) }),
  getCacheKey: (source, filename) => crypto.createHash("sha256").update(`${OWN_HASH}\0${filename}\0${source}`).digest("hex"),
};
