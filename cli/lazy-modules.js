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

/**
 * `const grpc = __importStar(require("@grpc/grpc-js"));` (or a plain or tslib-wrapped require)
 * → a namespace that loads the module at the first read of any of its properties, for the
 * requests `defer` accepts. For modules the file only reads properties of (calls,
 * `new grpc.Server`, `grpc.status.X`), never passes along.
 */
function deferBindings(defer) {
  return (source) => {
    let deferred = false;
    const rewritten = source.replace(/const (\w+) = ((?:__importStar|tslib_1\.__importDefault)\(require\("([^"]+)"\)\)|require\("([^"]+)"\));/g, (whole, name, load, starred, plain) => {
      if (!defer(starred ?? plain)) return whole;
      deferred = true;
      return `const ${name} = __deferredNamespace(() => ${load});`;
    });
    return deferred ? `${rewritten}\n${DEFERRED_NAMESPACE}` : source;
  };
}
// A hoisted declaration, so the bindings above can use it wherever they sit in the file.
const DEFERRED_NAMESPACE = `function __deferredNamespace(load) {
  let loaded;
  const target = () => (loaded ??= load());
  return new Proxy({}, {
    get: (_, key) => target()[key],
    has: (_, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}`;

/** `exports.x = __importStar(require("<request>"));` → a getter; not configurable, so zod's export sealing leaves it a getter. */
function deferExport(name, request) {
  const statement = `exports.${name} = __importStar(require("${request}"));`;
  return (source) => source.replace(statement, `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: false, get: () => __importStar(require("${request}")) });`);
}

const RULES = [
  // @pulumi/pulumi's Automation API drives the Pulumi CLI; a program never does.
  { file: /\/node_modules\/@pulumi\/pulumi\/index\.js$/, rewrite: deferNamespaces((request) => request === "./automation") },
  // Closure serialization loads TypeScript (~9 MB of JS) and code paths load npm's arborist;
  // both serve only functions shipped as Lambda code (serializeFunction, computeCodePaths).
  { file: /\/node_modules\/@pulumi\/pulumi\/runtime\/index\.js$/, rewrite: deferClosure },
  // gRPC (with http2 and tls: ~65 files), its generated clients and OpenTelemetry (~45) serve only
  // a connection to the Pulumi engine or a plugin's server; under the mock monitor none is opened.
  {
    file: /\/node_modules\/@pulumi\/(pulumi\/(errors|runtime\/(callbacks|invoke|resource|settings)|provider\/server)|policy\/server)\.js$/,
    rewrite: deferBindings((request) => request === "@grpc/grpc-js" || request === "@opentelemetry/api" || /_grpc_pb$/.test(request)),
  },
  // A PolicyPack serves the Pulumi CLI over gRPC (server.js, with the analyzer protocol: ~250 kB);
  // the commands run the rules themselves and never construct one.
  { file: /\/node_modules\/@pulumi\/policy\/policy\.js$/, rewrite: deferBindings((request) => request === "./server") },
  // semver (its index loads ~45 files) only chooses between versions of a resource package registered
  // twice or looked up for a resource reference; a plan does neither.
  { file: /\/node_modules\/@pulumi\/pulumi\/runtime\/rpc\.js$/, rewrite: deferBindings((request) => request === "semver") },
  // ~240 AWS service namespaces and ~30 Kubernetes API groups load eagerly; a fleet uses a dozen.
  // A namespace registers its resource modules when loaded, before any of its resources exists.
  { file: /\/node_modules\/@pulumi\/aws\/index\.js$/, rewrite: deferNamespaces((request) => !["./utilities", "./provider"].includes(request)) },
  { file: /\/node_modules\/@pulumi\/kubernetes\/index\.js$/, rewrite: deferNamespaces((request) => request !== "./utilities") },
  // glob (with minimatch, path-scurry: ~20 files) expands ConfigGroup file patterns; the program passes none.
  // The 26 API groups (~75 files) build the objects of a ConfigGroup or helm.v3.Chart; helm/v3
  // loads this file for Chart, and the program only uses helm.v3.Release.
  { file: /\/node_modules\/@pulumi\/kubernetes\/yaml\/yaml\.js$/, rewrite: deferBindings((request) => request === "glob" || /^\.\.\/[a-z]+$/.test(request)) },
  // cdk8s bundles its own copy of yaml (~70 files) for Yaml.load/stringify; the charts render with the project's.
  { file: /\/node_modules\/cdk8s\/lib\/yaml\.js$/, rewrite: deferBindings((request) => request === "yaml") },
  // zod's ~60 locales: its schemas load the English one themselves; z.locales loads the rest when read.
  { file: /\/node_modules\/zod\/v4\/(classic\/external|core\/index)\.cjs$/, rewrite: deferExport("locales", "../locales/index.cjs") },
  // One index per group/version requires every kind (core/v1: ~200 files); charts/validate.ts needs a few.
  { file: /\/node_modules\/(kubernetes-models|@kubernetes-models\/[a-z0-9-]+)\/([a-z0-9.-]+\/)?v[0-9a-z]+\/index\.js$/, rewrite: perKind },
  // ajv-i18n's 24 languages translate validation errors; a valid object has none.
  { file: /\/node_modules\/@kubernetes-models\/validate\/dist\/validate\.js$/, rewrite: deferBindings((request) => request === "ajv-i18n") },
];

/** The files RULES rewrite, as one pattern of paths below node_modules/ (jest.config.js). */
const FILES = RULES.map((rule) => rule.file.source.replace(/^\\\/node_modules\\\//, "")).join("|");

function ruleOf(filename) {
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
  FILES,
  ruleOf,
  rewrite,
  /** Jest transform API (jest.config.js). */
  process: (source, filename) => ({ code: rewrite(filename, source) }),
  getCacheKey: (source, filename) => crypto.createHash("sha256").update(`${OWN_HASH}\0${filename}\0${source}`).digest("hex"),
};
