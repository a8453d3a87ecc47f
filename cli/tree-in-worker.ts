import * as path from "path";
import { Worker } from "worker_threads";
import type { RenderedFile } from "../charts/render";
import { FleetConfigError, Problem } from "../fleet";
import type { Violation } from "../policies/violation";

/** The GitOps tree of a fleet and what the manifest rules found in it. */
export interface CheckedTree {
  readonly files: RenderedFile[];
  readonly violations: Violation[];
}

export interface TreeInWorker {
  readonly result: Promise<CheckedTree>;
  /** Stops the worker when its result is no longer wanted (the evaluation failed); `result` then rejects, unobserved. */
  cancel(): void;
}

export interface TreeRequest {
  /** The stack file, read again by the worker (same file, same spec), and the tree's path as Flux will see it. */
  readonly eksFleetTree: { readonly configFile: string; readonly root: string };
}

export type TreeReply = { tree: CheckedTree } | { problems: Problem[] } | { error: string };

/**
 * Renders the tree and runs the manifest rules on a worker thread, so `npm run plan` does it
 * while the main thread evaluates the program: the two share nothing but the stack file, and
 * the worker starts before the main thread has loaded the Pulumi SDK. Same functions, same
 * result as in-process (tests/cli/fidelity.test.ts); bad input is the same `FleetConfigError`
 * (the main thread reports its own first). The worker's side is cli/tree-worker.ts.
 */
export function renderTreeInWorker(configFile: string, root: string): TreeInWorker {
  const request: TreeRequest = { eksFleetTree: { configFile, root } };
  // The worker starts without the main thread's loader: it registers the same one (cli/register.js).
  const bootstrap = `require(${JSON.stringify(path.join(__dirname, "register.js"))}); require(${JSON.stringify(path.join(__dirname, "tree-worker.ts"))});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: request });
  const result = new Promise<CheckedTree>((resolve, reject) => {
    worker.once("message", (reply: TreeReply) => {
      if ("tree" in reply) resolve(reply.tree);
      else if ("problems" in reply) reject(new FleetConfigError(reply.problems));
      else reject(new Error(reply.error));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the tree worker exited (${code}) without a result`)));
  });
  return {
    result,
    cancel: () => {
      result.catch(() => undefined);
      void worker.terminate();
    },
  };
}
