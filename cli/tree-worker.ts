import { parentPort } from "worker_threads";
import { renderTree } from "../charts/synth";
import { FleetConfigError, fleetFromStackFile } from "../fleet";
import { evaluateTree } from "../policies/evaluate-tree";
import { treeOfRendered } from "./rendered-tree";
import type { TreeReply, TreeRequest } from "./tree-in-worker";

/**
 * The worker of cli/tree-in-worker.ts: for each request, renders the tree of the stack file
 * it names and runs the manifest rules over it, then posts both (or the bad-input problems)
 * back. Loads cdk8s and the tree rules only: not the Pulumi SDK, nor the resource rules.
 */
parentPort!.on("message", ({ id, configFile, root }: TreeRequest) => {
  let reply: TreeReply;
  try {
    const files = renderTree(fleetFromStackFile(configFile).spec, { root });
    reply = { id, tree: { files, violations: evaluateTree(treeOfRendered(files)) } };
  } catch (err) {
    reply = err instanceof FleetConfigError ? { id, problems: [...err.problems] } : { id, error: (err as Error)?.stack ?? String(err) };
  }
  parentPort!.postMessage(reply);
});
