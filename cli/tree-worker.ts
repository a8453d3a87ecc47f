import { parentPort } from "worker_threads";
import { readKeptTree } from "../charts/kept-waves";
import type { RenderedFile } from "../charts/render";
import { renderTree } from "../charts/synth";
import { stageTree } from "../charts/write-tree";
import { FleetConfigError } from "../fleet/errors";
import { evaluateTree } from "../policies/evaluate-tree";
import { treeOfRendered } from "./rendered-tree";
import type { TreeReply, TreeRequest } from "./tree-in-worker";

/** The cluster folders of a part of the tree: its override record entries were for the rules only (the fleet's record is the whole render's). */
const folders = (files: readonly RenderedFile[]) => files.filter((f) => f.path.startsWith("clusters/"));

/**
 * The worker of cli/tree-in-worker.ts: for each request, renders the tree of the fleet it
 * carries (or the part of it one stack's agents apply), runs the manifest rules over it and
 * stages it beside its folder, then posts the violations and the staged tree (or the bad-input
 * problems) back. Loads cdk8s and the tree rules only: not the Pulumi SDK, the resource rules
 * or the fleet's schema.
 */
parentPort!.on("message", ({ id, spec, root, dir, keptDir, clusters }: TreeRequest) => {
  let reply: TreeReply;
  try {
    const files = renderTree(spec, { root, kept: keptDir ? readKeptTree(keptDir) : undefined, clusters });
    const violations = evaluateTree(treeOfRendered(files));
    reply = { id, tree: { staged: stageTree(dir, clusters ? folders(files) : files, root), violations } };
  } catch (err) {
    // A file-system error keeps its code and path across the thread: it is bad input naming the path (exit 2).
    const { message, stack, code, path } = (err ?? {}) as NodeJS.ErrnoException;
    reply = err instanceof FleetConfigError ? { id, problems: [...err.problems] } : { id, error: { message: message ?? String(err), stack, code, path } };
  }
  parentPort!.postMessage(reply);
});
