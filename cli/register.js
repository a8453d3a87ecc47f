"use strict";
/**
 * How the commands load (`node -r ./cli/register.js cli/plan.ts`): a plan spends as long
 * loading modules as evaluating the program, so this hook
 *
 * 1. compiles the project's TypeScript with swc into `node_modules/.cache/eks-fleet-js/`,
 *    one file per source keyed by the hash of its content and the compiler options: the
 *    first run after a clone or an edit compiles what changed, later runs only read JS.
 *    Nothing is type-checked here (`npm test` runs tsc), as with tsx or ts-node's
 *    transpile-only mode, and the emitted code is what the tests run (swc via @swc/jest).
 * 2. defers modules a plan never uses until something touches them (see LAZY below). The
 *    deferral is exact: a deferred module is the real module, loaded at its first use.
 *
 * Under `pulumi up` none of this runs: the Pulumi CLI loads index.ts its own way.
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "eks-fleet-js");
const SWC_OPTIONS = {
  jsc: { target: "es2022", parser: { syntax: "typescript" } },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};

let swc;
let optionsKey;
function compile(source, filename) {
  swc ??= require("@swc/core");
  return swc.transformSync(source, { ...SWC_OPTIONS, filename }).code;
}

function compiled(filename) {
  const source = fs.readFileSync(filename, "utf8");
  optionsKey ??= `${require("@swc/core/package.json").version}\0${JSON.stringify(SWC_OPTIONS)}`;
  const key = crypto.createHash("sha256").update(`${optionsKey}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const code = compile(source, filename);
    // Write then rename, so a concurrent run never reads half a file.
    fs.mkdirSync(CACHE, { recursive: true });
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
    return code;
  }
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  if (filename.endsWith(".d.ts") || filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`${filename}: not a project source`);
  }
  module._compile(compiled(filename), filename);
};

/**
 * Requests answered by a stand-in that loads the real module on first use. Each entry names
 * the requiring file and the request, so nothing else is affected; if a dependency update
 * moves them, the entry stops matching and the module simply loads eagerly again
 * (tests/cli/fast-plan.test.ts checks they stay deferred).
 */
const LAZY = [
  // @pulumi/pulumi's closure serialization (it loads TypeScript, ~9 MB of JS) and code-path
  // computation (it loads npm's arborist) serve only `pulumi.runtime.serializeFunction` and
  // `computeCodePaths`, for functions shipped as Lambda code; the program ships none.
  // runtime/index.js copies these functions at load, so the stand-in answers with forwarders.
  { parent: "@pulumi/pulumi/runtime/index.js", request: /^\.\/closure\/serializeClosure$/, functions: ["serializeFunction", "serializeFunctionAsync"] },
  { parent: "@pulumi/pulumi/runtime/index.js", request: /^\.\/closure\/codePaths$/, functions: ["computeCodePaths"] },
  // The Automation API (sdk/nodejs/automation) drives the Pulumi CLI; the program never does.
  { parent: "@pulumi/pulumi/index.js", request: /^\.\/automation$/ },
  // @pulumi/aws requires its ~240 service namespaces eagerly; a fleet uses about a dozen.
  // A namespace registers its resource modules when loaded, i.e. before any of its resources exists.
  { parent: "@pulumi/aws/index.js", request: /^\.\/[a-z0-9]+$/, except: ["./utilities", "./provider"] },
  // The same for @pulumi/kubernetes' ~30 API groups; a fleet uses helm and core.
  { parent: "@pulumi/kubernetes/index.js", request: /^\.\/[a-z0-9]+$/, except: ["./utilities"] },
];

function lazyEntry(request, parent) {
  const from = parent?.filename?.split(path.sep).join("/");
  if (!from) return undefined;
  return LAZY.find((l) => from.endsWith(`/node_modules/${l.parent}`) && l.request.test(request) && !(l.except ?? []).includes(request));
}

/** A module object that loads the real one at the first touch and forwards everything to it. */
function deferred(load, functions = []) {
  let real;
  const target = () => (real ??= load());
  const forwarders = Object.fromEntries(functions.map((name) => [name, (...args) => target()[name](...args)]));
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : key in forwarders ? forwarders[key] : Reflect.get(target(), key)),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
    },
  );
}

/**
 * kubernetes-models and @kubernetes-models/* publish one index per group/version that requires
 * every kind of it (core/v1 alone is ~200 files); charts/validate.ts needs a handful of kinds.
 * The stand-in exposes the same names, each loading only its own `./<Kind>.js`.
 */
const MODEL_INDEX = /^(kubernetes-models|@kubernetes-models\/[a-z0-9-]+)\/([a-z0-9.-]+\/)?v[0-9a-z]+$/;
const modelIndexes = new Map();

function perKindModels(filename) {
  if (modelIndexes.has(filename)) return modelIndexes.get(filename);
  const source = fs.readFileSync(filename, "utf8");
  const kinds = [...source.matchAll(/require\("\.\/([A-Za-z0-9]+)\.js"\)/g)].map((m) => m[1]);
  const stripped = source.replace(/require\("\.\/[A-Za-z0-9]+\.js"\)/g, "").replace(/require\("@swc\/helpers\/_\/_export_star"\)/g, "");
  // Only an index that is nothing but re-exports of ./<Kind>.js files is split.
  if (kinds.length === 0 || /require\(/.test(stripped)) return undefined;
  const dir = path.dirname(filename);
  let whole;
  const exports = { __esModule: true };
  for (const kind of kinds) {
    Object.defineProperty(exports, kind, {
      enumerable: true,
      get() {
        const own = require(path.join(dir, `${kind}.js`));
        if (kind in own) return own[kind];
        whole ??= require(filename);
        return whole[kind];
      },
    });
  }
  modelIndexes.set(filename, exports);
  return exports;
}

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const lazy = lazyEntry(request, parent);
  if (lazy) return deferred(() => originalLoad.call(Module, request, parent, isMain), lazy.functions);
  if (MODEL_INDEX.test(request)) {
    const models = perKindModels(Module._resolveFilename(request, parent, isMain));
    if (models) return models;
  }
  return originalLoad.call(this, request, parent, isMain);
};
