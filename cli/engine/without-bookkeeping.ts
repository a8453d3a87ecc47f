import * as pulumi from "@pulumi/pulumi";

/**
 * The fast engine's three departures from the SDK, each bookkeeping that only a `pulumi up`
 * reads: the leak report's promise wrappers, source positions for diagnostics, and a
 * promise chain for every output of every resource, read or not. Each replaces one exported
 * SDK function for the length of an evaluation (the returned function puts all three back);
 * the SDK's own code calls them through their modules, so it picks the replacements up.
 * Under `pulumi up` none of this runs. tests/cli/fidelity.test.ts holds the result byte for
 * byte to the SDK as it ships.
 */
export function withoutBookkeeping(): () => void {
  const undo = [plainPromises(), noSourcePositions(), outputsOnFirstRead()];
  return () => undo.forEach((restore) => restore());
}

/**
 * The SDK wraps each of its promises in `debuggablePromise` (sdk/nodejs/runtime/debuggable.ts):
 * a leak-candidate set, a captured stack and two more promises, read only by the leak report a
 * `pulumi up` prints at exit. The plan waits for every resource itself (`disconnect`), so it
 * evaluates with the promises as they are.
 */
function plainPromises(): () => void {
  const debuggable: { debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> } = require("@pulumi/pulumi/runtime/debuggable");
  const original = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (p) => p;
  return () => {
    debuggable.debuggablePromise = original;
  };
}

/**
 * Every resource constructor captures an unlimited stack trace, parses it into frames, turns
 * each into a file URL and attaches them to its registration request (sdk/nodejs/resource.ts,
 * `Resource.callsites`), for the engine to show source positions in diagnostics. The offline
 * plan shows none and every request is alive until the first one registers, so without them
 * the plan is faster and smaller; plan.json never contained them.
 */
function noSourcePositions(): () => void {
  // Private in the typings, a static method in the JS: Resource.stackTrace calls it through the class.
  const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const original = resource.callsites;
  resource.callsites = () => [];
  return () => {
    resource.callsites = original;
  };
}

/** What the engine answered for one output property: the arguments of its resolver. */
type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: readonly unknown[], err?: Error) => void;
type TransferProperties = (onto: object, label: string, props: Record<string, unknown>) => Record<string, Resolver>;

/**
 * `transferProperties` (sdk/nodejs/runtime/rpc.ts) gives a new resource one `Output` per
 * property of its type, each made of four pending promises and the eight more an `Output`
 * chains on them: 15,600 outputs at 10 clusters, of which the program reads about 500 (ARNs,
 * names, ids); the rest cost 180,000 `then` calls. Here each property is a getter that builds
 * the same `Output` from the same four promises on first read, settled with what the engine
 * answered if that came first, and then stays a plain property as in the SDK. Resolvers keep
 * the SDK's contract: a gRPC shutdown error is dropped, any other error rejects all four.
 */
function outputsOnFirstRead(): () => void {
  const rpc: { transferProperties: TransferProperties } = require("@pulumi/pulumi/runtime/rpc");
  const { isGrpcError }: { isGrpcError: (err: unknown) => boolean } = require("@pulumi/pulumi/errors");
  const original = rpc.transferProperties;
  rpc.transferProperties = (onto, label, props) => {
    const resolvers: Record<string, Resolver> = {};
    for (const key of Object.keys(props)) {
      if (key === "id" || key === "urn") continue; // the SDK resolves those itself
      if (Object.prototype.hasOwnProperty.call(onto, key)) throw new Error(`Property '${key}' is already initialized on target '${label}`);
      const property = new LazyOutput(onto, key);
      resolvers[key] = (value, isKnown, isSecret, deps = [], err) => {
        if (!(err && isGrpcError(err))) property.settle(value, isKnown, isSecret, deps, err);
      };
    }
    return resolvers;
  };
  return () => {
    rpc.transferProperties = original;
  };
}

/**
 * `onto[key]` as an `Output` made on first read. Most are never read, and every resource holds
 * them until the plan ends, so each keeps the engine's answer in its own fields: no closures
 * or objects beyond its accessors until it is read.
 */
class LazyOutput {
  private answered = false;
  private value: unknown;
  private isKnown = false;
  private isSecret = false;
  private deps: readonly unknown[] = [];
  private err: Error | undefined;
  private parts: ReturnType<typeof pending>[] | undefined;

  constructor(
    private readonly onto: object,
    private readonly key: string,
  ) {
    const property = this;
    Object.defineProperty(onto, key, {
      enumerable: true,
      configurable: true,
      get: () => property.output(),
      set: (value: unknown) => property.become(value), // as writable as the SDK's plain property
    });
  }

  settle(value: unknown, isKnown: boolean, isSecret: boolean, deps: readonly unknown[], err: Error | undefined): void {
    if (this.parts) return this.resolve(this.parts, [value, isKnown, isSecret, deps], err);
    this.answered = true;
    this.value = value;
    this.isKnown = isKnown;
    this.isSecret = isSecret;
    this.deps = deps;
    this.err = err;
  }

  private output(): unknown {
    const parts = (this.parts = [0, 1, 2, 3].map(pending));
    if (this.answered) this.resolve(parts, [this.value, this.isKnown, this.isSecret, this.deps], this.err);
    // Output's constructor takes (resources, value, isKnown, isSecret, allResources), as in transferProperties.
    const output = new (pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<unknown>)(this.onto, ...parts.map((part) => part.promise));
    this.become(output);
    return output;
  }

  private resolve(parts: ReturnType<typeof pending>[], values: unknown[], err: Error | undefined): void {
    parts.forEach((part, i) => (err ? part.reject(err) : part.resolve(values[i])));
  }

  private become(value: unknown): void {
    Object.defineProperty(this.onto, this.key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** `Promise.withResolvers`, which Node 20 does not have. */
function pending(): { promise: Promise<unknown>; resolve(value: unknown): void; reject(reason: unknown): void } {
  let resolve!: (value: unknown) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<unknown>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}
