import * as path from "path";
import { Worker } from "worker_threads";
import type { StagedTree } from "../charts/write-tree";
import type { FleetSpec } from "../fleet";
import { FleetConfigError, type Problem } from "../fleet/errors";
import type { Violation } from "../policies/violation";

/** The GitOps tree of a fleet, staged beside its folder, and what the manifest rules found in it. */
export interface CheckedTree {
  readonly staged: StagedTree;
  readonly violations: Violation[];
}

/**
 * One render: the fleet the main thread read from the stack file (a plain object, cloned to
 * the worker), the tree's path as Flux will see it (`root`), and the folder to stage it for
 * (`dir`, whose lock the caller holds).
 */
export interface TreeRequest {
  readonly id: number;
  readonly spec: FleetSpec;
  readonly root: string;
  readonly dir: string;
  /** The stack's own tree, whose unpromoted waves keep their files (charts/kept-waves.ts). */
  readonly keptDir?: string;
  /**
   * Render, check and stage only these clusters' folders (`plan --only-stack`: the part of the
   * tree the stack's agents apply, deploy/tree-part.ts), as the stack's CrossGuard run judges
   * them (policies/gitops-tree.ts); none of the fleet's own files (`rollout.json`, the override
   * record), which are the whole tree's. @default the whole tree
   */
  readonly clusters?: readonly string[];
}

/** An error that crossed from the worker: its message, stack and, for a file-system error, code and path. */
export interface WorkerError {
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly path?: string;
}

export type TreeReply = { readonly id: number } & ({ tree: CheckedTree } | { problems: Problem[] } | { error: WorkerError });

interface Pending {
  /** The worker the request went to: only its failure fails the request. */
  readonly thread: Worker;
  resolve(tree: CheckedTree): void;
  reject(err: unknown): void;
}

/** A worker kept this long after its last reply serves the next plan of the process (tests, several stacks) without loading again. */
const IDLE_MS = 2_000;
let idleAfterReplyMs = IDLE_MS;

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;
let idle: NodeJS.Timeout | undefined;

/**
 * Renders the tree, runs the manifest rules and stages the tree on a worker thread, so
 * `npm run plan` does it while the main thread evaluates the program: the two share only the
 * fleet, and the worker loads cdk8s while the main thread loads the Pulumi SDK. Same functions,
 * same result as in-process (tests/cli/fidelity.test.ts); bad input found while rendering is
 * the same `FleetConfigError` as in-process. The caller swaps the staged tree in
 * (`swapInTree`), or lets the promise settle before cleaning up after a failure. The worker's
 * side is cli/tree-worker.ts.
 */
export function renderTreeInWorker(spec: FleetSpec, root: string, dir: string, keptDir?: string, clusters?: readonly string[]): Promise<CheckedTree> {
  const id = nextId++;
  const thread = startTreeWorker();
  const result = new Promise<CheckedTree>((resolve, reject) => pending.set(id, { thread, resolve, reject }));
  clearTimeout(idle);
  thread.ref(); // a request in flight keeps the process alive until its reply
  thread.postMessage({ id, spec, root, dir, keptDir, clusters } satisfies TreeRequest);
  return result;
}

/**
 * The worker, started now if it is not running, so it loads its modules while the caller
 * reads the stack file; without a request it stops after `IDLE_MS` and never holds the process.
 */
export function startTreeWorker(): Worker {
  const thread = treeWorker();
  if (pending.size === 0) idleFrom(thread, IDLE_MS);
  return thread;
}

/**
 * For a process that plans once (`npm run plan`): the worker stops as soon as it has replied,
 * so it winds down while the main thread writes the plan instead of when the process exits.
 */
export function stopTreeWorkerAfterReply(): void {
  idleAfterReplyMs = 0;
}

/** Stops the worker now unless a request is in flight: for a caller that turns out to have nothing to render. */
export async function stopTreeWorker(): Promise<void> {
  if (pending.size === 0) await stop();
}

function idleFrom(thread: Worker, ms: number): void {
  thread.unref();
  clearTimeout(idle);
  idle = setTimeout(() => void stop(), ms).unref();
}

function treeWorker(): Worker {
  if (worker) return worker;
  // The worker starts without the main thread's loader: it registers the same one (cli/register.js).
  const bootstrap = `require(${JSON.stringify(path.join(__dirname, "register.js"))}); require(${JSON.stringify(path.join(__dirname, "tree-worker.ts"))});`;
  const started = new Worker(bootstrap, { eval: true });
  started.on("message", (reply: TreeReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ("tree" in reply) waiting?.resolve(reply.tree);
    else if ("problems" in reply) waiting?.reject(new FleetConfigError(reply.problems));
    else waiting?.reject(Object.assign(new Error(reply.error.message), reply.error));
    if (pending.size === 0) idleFrom(started, idleAfterReplyMs);
  });
  // A worker stopped while idle exits too: requests already sent to its successor are not its to fail.
  const fail = (err: unknown) => {
    if (worker === started) worker = undefined;
    for (const [id, waiting] of pending) {
      if (waiting.thread !== started) continue;
      pending.delete(id);
      waiting.reject(err);
    }
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`the tree worker exited (${code}) without a result`)));
  worker = started;
  return started;
}

async function stop(): Promise<void> {
  const stopping = worker;
  worker = undefined;
  clearTimeout(idle);
  await stopping?.terminate();
}
