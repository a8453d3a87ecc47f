import { parentPort } from "worker_threads";
import { readKeptTree } from "../charts/kept-waves";
import type { RenderedFile } from "../charts/render";
import { renderTree } from "../charts/synth";
import { stageTree } from "../charts/write-tree";
import { FleetConfigError } from "../fleet/errors";
import { evaluateTree } from "../policies/evaluate-tree";
import { treeOfRendered } from "./rendered-tree";
import type { TreeReply, TreeRequest } from "./tree-in-worker";

/** The files of `clusters`' folders (`clusters/<name>/…`) and every file outside `clusters/`. */
function ofClusters(files: readonly RenderedFile[], clusters: readonly string[]): RenderedFile[] {
  const kept = new Set(clusters);
  return files.filter((f) => {
    const [top, cluster] = f.path.split("/");
    return top !== "clusters" || kept.has(cluster);
  });
}

/**
 * The worker of cli/tree-in-worker.ts: for each request, renders the tree of the fleet it
 * carries, runs the manifest rules over it and stages it beside its folder, then posts the
 * violations and the staged tree (or the bad-input problems) back. Loads cdk8s and the tree
 * rules only: not the Pulumi SDK, the resource rules or the fleet's schema.
 */
parentPort!.on("message", ({ id, spec, root, dir, keptDir, writeClusters }: TreeRequest) => {
  let reply: TreeReply;
  try {
    const files = renderTree(spec, { root, kept: keptDir ? readKeptTree(keptDir) : undefined });
    const violations = evaluateTree(treeOfRendered(files));
    reply = { id, tree: { staged: stageTree(dir, writeClusters ? ofClusters(files, writeClusters) : files, root), violations } };
  } catch (err) {
    // A file-system error keeps its code and path across the thread: it is bad input naming the path (exit 2).
    const { message, stack, code, path } = (err ?? {}) as NodeJS.ErrnoException;
    reply = err instanceof FleetConfigError ? { id, problems: [...err.problems] } : { id, error: { message: message ?? String(err), stack, code, path } };
  }
  parentPort!.postMessage(reply);
});
