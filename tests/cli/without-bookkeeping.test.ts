import * as pulumi from "@pulumi/pulumi";
import { withoutBookkeeping } from "../../cli/engine/without-bookkeeping";

const rpc: { transferProperties: (onto: object, label: string, props: Record<string, unknown>) => Record<string, Function> } = require("@pulumi/pulumi/runtime/rpc");

/** What a program can observe of an output: its value, whether it is known or secret, the resources it depends on. */
async function observe(output: pulumi.Output<unknown>): Promise<unknown> {
  const internal = output as unknown as { promise(): Promise<unknown>; isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources(): Promise<Set<unknown>> };
  const settled = async <T>(p: Promise<T>) => p.then((value) => ({ value }), (err: Error) => ({ rejected: err.message }));
  return {
    value: await settled(internal.promise()),
    isKnown: await settled(internal.isKnown),
    isSecret: await settled(internal.isSecret),
    resources: await settled(internal.allResources().then((set) => set.size)),
  };
}

type Scenario = (transfer: typeof rpc.transferProperties) => Promise<unknown>;

/** The same steps against the SDK's transferProperties and against the fast engine's. */
async function bothWays(scenario: Scenario): Promise<[unknown, unknown]> {
  const sdk = await scenario(rpc.transferProperties);
  const restore = withoutBookkeeping();
  try {
    expect(rpc.transferProperties).not.toBe(sdk);
    return [sdk, await scenario(rpc.transferProperties)];
  } finally {
    restore();
  }
}

const dependency = { urn: "urn:dep" };

describe("outputs made on first read", () => {
  it("resolves an output read before the engine answered with what it answered", async () => {
    const [sdk, fast] = await bothWays(async (transfer) => {
      const onto: Record<string, any> = {};
      const resolvers = transfer(onto, "res", { arn: undefined });
      const output = onto.arn;
      resolvers.arn("arn:aws:iam::1:role/x", true, true, [dependency]);
      return observe(output);
    });
    expect(fast).toEqual(sdk);
    expect(fast).toMatchObject({ value: { value: "arn:aws:iam::1:role/x" }, isSecret: { value: true } });
  });

  // `resources` counts the resource itself and its dependency.
  it("resolves an output first read after the engine answered with the same answer", async () => {
    const [sdk, fast] = await bothWays(async (transfer) => {
      const onto: Record<string, any> = {};
      const resolvers = transfer(onto, "res", { name: undefined, tags: undefined });
      resolvers.name("use1", true, false, [dependency]);
      resolvers.tags({ team: "platform" }, true, false);
      return [await observe(onto.name), await observe(onto.tags), onto.name === onto.name];
    });
    expect(fast).toEqual(sdk);
    expect(fast).toEqual([expect.objectContaining({ value: { value: "use1" }, resources: { value: 2 } }), expect.objectContaining({ value: { value: { team: "platform" } } }), true]);
  });

  it("rejects every part of an output when the registration failed", async () => {
    const [sdk, fast] = await bothWays(async (transfer) => {
      const onto: Record<string, any> = {};
      const resolvers = transfer(onto, "res", { arn: undefined });
      resolvers.arn(undefined, true, false, [], new Error("registration failed"));
      return observe(onto.arn);
    });
    expect(fast).toEqual(sdk);
    expect(fast).toMatchObject({ value: { rejected: "registration failed" } });
  });

  it("keeps the properties enumerable, writable and guarded against a second transfer", async () => {
    const [sdk, fast] = await bothWays(async (transfer) => {
      const onto: Record<string, any> = {};
      transfer(onto, "res", { arn: undefined, id: undefined, urn: undefined });
      const keys = Object.keys(onto);
      onto.arn = "replaced";
      let again = "";
      try {
        transfer(onto, "res", { arn: undefined });
      } catch (err) {
        again = (err as Error).message;
      }
      return { keys, arn: onto.arn, again };
    });
    expect(fast).toEqual(sdk);
    expect(fast).toEqual({ keys: ["arn"], arn: "replaced", again: "Property 'arn' is already initialized on target 'res" });
  });

  it("puts the SDK's functions back when the evaluation ends", () => {
    const sdk = rpc.transferProperties;
    const callsites = (pulumi.Resource as unknown as { callsites: unknown }).callsites;
    withoutBookkeeping()();
    expect(rpc.transferProperties).toBe(sdk);
    expect((pulumi.Resource as unknown as { callsites: unknown }).callsites).toBe(callsites);
  });
});
