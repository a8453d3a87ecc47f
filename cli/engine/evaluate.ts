import * as pulumi from "@pulumi/pulumi";
import { FleetConfigError, PROJECT, projectFolderOf, StackConfig } from "../../fleet";
import { FastMonitor } from "./fast-monitor";
import { withoutBookkeeping } from "./without-bookkeeping";
import { RecordedResource, RecordingMonitor } from "./recording-monitor";

/** What one offline run of the program produced. */
export interface Evaluation {
  readonly resources: RecordedResource[];
  /** The stack outputs the program returned, resolved. */
  readonly outputs: Record<string, unknown>;
}

/**
 * `fast` (every command) or `reference`: the SDK's own MockMonitor with the SDK's promise
 * bookkeeping, which the fidelity test holds the fast engine to.
 */
export type Engine = "fast" | "reference";

/**
 * Runs the real program (`index.ts`) against the Pulumi SDK's mock engine, with the
 * stack's config set exactly as the CLI would set it, and returns every resource it
 * registered. No CLI, no credentials, no network. With `unavailable` regions, the first call
 * the program makes into one of them fails the evaluation (`RegionUnavailableError`).
 */
export function evaluateProgram(
  config: StackConfig,
  accountId: string,
  engine: Engine = "fast",
  unavailable: readonly string[] = [],
  /** What StackReferences to these stacks read: outputs of stacks evaluated before (a per-cluster fleet). */
  stackOutputs: ReadonlyMap<string, Record<string, unknown>> = new Map(),
): Promise<Evaluation> {
  // The SDK's runtime state is global and the program yields between clusters, so two
  // evaluations in one process (diff's two sides, a test) must take turns.
  const run = evaluating.then(() => evaluateOnce(config, accountId, engine, new Set(unavailable), stackOutputs));
  evaluating = run.catch(() => undefined);
  return run;
}

let evaluating: Promise<unknown> = Promise.resolve();
/**
 * The rejection listener of the last evaluation that failed. After the first failure ends an
 * evaluation, the rest of the program goes on and fails the same way (every cluster after
 * the first, each output that waited on it): those rejections belong to the failure already
 * reported, so its listener takes them until the next evaluation starts.
 */
let failedListener: ((reason: unknown) => void) | undefined;

async function evaluateOnce(config: StackConfig, accountId: string, engine: Engine, unavailable: ReadonlySet<string>, stackOutputs: ReadonlyMap<string, Record<string, unknown>>): Promise<Evaluation> {
  const homeRegion = String(config.values["aws:region"]);
  const monitor = engine === "fast" ? new FastMonitor(homeRegion, accountId, unavailable, stackOutputs) : new RecordingMonitor(homeRegion, accountId, unavailable, stackOutputs);
  // The organization a self-managed backend gives every stack (the program names its own stack with it).
  pulumi.runtime.setMockOptions(monitor, PROJECT, config.stack, false, "organization");
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
  );

  // The program reads the stack's rendered tree (its rollout state) from the stack file's project.
  const projectDir = process.env.EKS_FLEET_PROJECT_DIR;
  process.env.EKS_FLEET_PROJECT_DIR = projectFolderOf(config.file);
  const failures: unknown[] = [];
  // A resource whose inputs fail to resolve never registers, so outputs that wait for it
  // would never resolve either: the first failure ends the evaluation.
  let fail: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const onRejection = (reason: unknown) => {
    failures.push(reason);
    fail(configProblem(reason) ?? reason);
  };
  process.on("unhandledRejection", onRejection);
  if (failedListener) process.off("unhandledRejection", failedListener);
  failedListener = undefined;
  // The SDK captures a stack trace for every promise and resource; under mocks nobody reads
  // them, and with source maps on they cost more than the whole evaluation.
  const { stackTraceLimit } = Error;
  const sourceMaps = process.sourceMapsEnabled;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  const restore = engine === "fast" ? withoutBookkeeping() : () => undefined;
  let running: Promise<unknown> = Promise.resolve();
  try {
    // Loaded lazily: the program reads its config at load time of each run, not at import.
    const program: () => Promise<Record<string, unknown>> = require("../../index");
    const run = program();
    running = run;
    const outputs = await Promise.race([run.then(resolve), failed]);
    await pulumi.runtime.disconnect();
    if (monitor.outageHit) throw monitor.outageHit;
    if (failures.length > 0) throw configProblem(failures[0]) ?? failures[0];
    return { resources: [...monitor.recorded.values()], outputs };
  } catch (err) {
    failedListener = onRejection;
    await runOut(running, () => failures.length);
    // A call into an unavailable region fails whatever waited on it: the call is the cause.
    throw monitor.outageHit ?? configProblem(err) ?? err;
  } finally {
    if (failedListener !== onRejection) process.off("unhandledRejection", onRejection);
    Error.stackTraceLimit = stackTraceLimit;
    process.setSourceMapsEnabled(sourceMaps);
    if (projectDir === undefined) delete process.env.EKS_FLEET_PROJECT_DIR;
    else process.env.EKS_FLEET_PROJECT_DIR = projectDir;
    restore();
  }
}

/**
 * After its first failure the program goes on constructing the fleet, and what it registers
 * then fails the same way. It is let run out, until its last component is constructed and no
 * rejection came for a moment, so none of it lands in the next evaluation of this process
 * (diff's other side, a test).
 */
async function runOut(running: Promise<unknown>, rejections: () => number): Promise<void> {
  await running.catch(() => undefined);
  for (let seen = -1; seen !== rejections(); ) {
    seen = rejections();
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function resolve(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((done) => pulumi.output(outputs).apply((value) => done(value as Record<string, unknown>)));
}

/**
 * A `pulumi.RunError` the program raises about the config at deploy time (e.g. a cluster
 * admin that is the deploying identity) reaches us wrapped by the SDK's serializer; its
 * message starts with the config path, so it is bad input like any parse error.
 */
function configProblem(reason: unknown): FleetConfigError | undefined {
  const match = /(fleet(?:\.\w+|\[\d+\])+): (.+)$/s.exec(String((reason as Error)?.message ?? ""));
  return match ? new FleetConfigError([{ path: match[1], message: match[2] }]) : undefined;
}
