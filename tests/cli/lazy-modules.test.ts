import * as path from "path";
import { z } from "zod";

/**
 * The rewrites of cli/lazy-modules.js keep what a program sees: a deferred module loads at its
 * first use and gives the same values; a file whose text no longer matches runs unchanged.
 * (Which modules a plan really loads: tests/cli/fidelity.test.ts.)
 */
const lazyModules: { rewrite(filename: string, source: string): string } = require("../../cli/lazy-modules");

/** Runs `source` as the CommonJS module `filename`, with `require` answered from `modules`, recording each load. */
function run(filename: string, source: string, modules: Record<string, unknown>) {
  const loads: string[] = [];
  const module = { exports: {} as Record<string, any> };
  const requireStub = (request: string) => {
    loads.push(request);
    return modules[request];
  };
  const importStar = (mod: unknown) => mod;
  new Function("exports", "require", "module", "__importStar", lazyModules.rewrite(filename, source))(module.exports, requireStub, module, importStar);
  return { exports: module.exports, loads };
}

const SETTINGS = path.join("/x", "node_modules", "@pulumi", "pulumi", "runtime", "settings.js");
const grpc = { status: { UNAVAILABLE: 14 }, Server: class Server {} };
const SOURCE = `const grpc = __importStar(require("@grpc/grpc-js"));
const other = __importStar(require("./other"));
exports.unavailable = (code) => code === grpc.status.UNAVAILABLE;
exports.server = () => new grpc.Server();
exports.has = () => "status" in grpc;`;

describe("deferred bindings (gRPC inside @pulumi/pulumi)", () => {
  it("load the module at its first use, not at load, and give the same values", () => {
    const { exports, loads } = run(SETTINGS, SOURCE, { "@grpc/grpc-js": grpc, "./other": {} });
    expect(loads).toEqual(["./other"]);
    expect(exports.unavailable(14)).toBe(true);
    expect(exports.unavailable(1)).toBe(false);
    expect(exports.server()).toBeInstanceOf(grpc.Server);
    expect(exports.has()).toBe(true);
    expect(loads).toEqual(["./other", "@grpc/grpc-js"]);
  });

  it("leave other files and other requests as they are", () => {
    expect(lazyModules.rewrite(path.join("/x", "node_modules", "other", "settings.js"), SOURCE)).toBe(SOURCE);
    const untouched = `const other = __importStar(require("./other"));`;
    expect(lazyModules.rewrite(SETTINGS, untouched)).toBe(untouched);
  });

  it("a file whose text no longer matches loads eagerly, as written", () => {
    const changed = `const grpc = __importStar(require('@grpc/grpc-js'));\nexports.status = grpc.status;`;
    expect(lazyModules.rewrite(SETTINGS, changed)).toBe(changed);
    expect(run(SETTINGS, changed, { "@grpc/grpc-js": grpc }).loads).toEqual(["@grpc/grpc-js"]);
  });
});

describe("zod with its locales deferred", () => {
  it("still reports in English and still offers every locale", () => {
    const result = z.string().safeParse(1);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(/expected string/i);
    expect(typeof z.locales.de).toBe("function");
    expect(z.core.locales).toBe(z.locales);
    expect(Object.isFrozen(z)).toBe(true);
  });
});
