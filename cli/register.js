"use strict";
/**
 * How the commands load (`node -r ./cli/register.js cli/plan.ts`): a plan spends as long
 * loading modules as evaluating the program, so this hook
 *
 * 1. compiles the project's TypeScript with swc into `node_modules/.cache/eks-fleet-js/`,
 *    one file per source keyed by the hash of its content and the compiler options: the
 *    first run after a clone or an edit compiles what changed, later runs only read JS
 *    (no source maps: the commands never print a stack trace).
 *    Nothing is type-checked here (`npm test` runs tsc), as with tsx or ts-node's
 *    transpile-only mode, and the emitted code is what the tests run (swc via @swc/jest).
 * 2. defers modules a plan never uses until something reads them (cli/lazy-modules.js).
 *
 * Under `pulumi up` none of this runs: the Pulumi CLI loads index.ts its own way.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { threadId } = require("worker_threads");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "eks-fleet-js");
const SWC_OPTIONS = {
  jsc: { target: "es2022", parser: { syntax: "typescript" } },
  module: { type: "commonjs" },
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
  // Content only, not the path: a scratch worktree (`npm run diff`) reuses what is compiled.
  const key = crypto.createHash("sha256").update(`${optionsKey}\0${source}`).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const code = compile(source, filename);
    // Write then rename, so a concurrent run never reads half a file. The name is the thread's
    // own: the plan's tree worker compiles the same sources as its main thread, in the same
    // process. Created exclusively (never through a link); the cache is only a cache, so a
    // write that fails (a full disk, a read-only tree) costs a compile next time, nothing more.
    const temporary = `${cached}.${process.pid}-${threadId}.tmp`;
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      fs.writeFileSync(temporary, code, { flag: "wx" });
      fs.renameSync(temporary, cached);
    } catch (err) {
      // A write that failed after the create leaves our file; EEXIST means it is not ours.
      if (err.code !== "EEXIST") fs.rmSync(temporary, { force: true });
    }
    return code;
  }
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  if (filename.endsWith(".d.ts") || filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`${filename}: not a project source`);
  }
  module._compile(compiled(filename), filename);
};

// Modules a plan never uses load at their first use instead of at start-up (lazy-modules.js).
const lazyModules = require("./lazy-modules");
const loadJavaScript = require.extensions[".js"];
require.extensions[".js"] = function loadDeferring(module, filename) {
  if (!lazyModules.ruleOf(filename)) return loadJavaScript(module, filename);
  module._compile(lazyModules.rewrite(filename, fs.readFileSync(filename, "utf8")), filename);
};
