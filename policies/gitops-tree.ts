import * as fs from "fs";
import * as path from "path";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { evaluateTree } from "./evaluate-tree";
import * as names from "../fleet/names";
import { known } from "./support";
import { loadTree, TreeError } from "./tree";

/** The repository the pack belongs to: `pulumi preview --policy-pack policies` runs it from there. */
const REPOSITORY = path.resolve(__dirname, "..");
/** A layer folder an agent applies: `gitops/clusters/use1/platform` (Flux writes `./` first): the tree's root and the cluster. */
const LAYER_PATH = /^(?:\.\/)?(.+)\/clusters\/([^/]+)\/([^/]+)$/;

/** A folder as a layer folder of a tree, `<root>/clusters/<cluster>/<layer>` with no `.` or `..` step; undefined when it is none. */
function layerFolder(folder: string): { readonly root: string; readonly cluster: string } | undefined {
  const match = LAYER_PATH.exec(folder);
  const steps = folder.replace(/^\.\//, "").split("/");
  if (!match || steps.some((step) => step === "" || step === "." || step === "..") || !(names.TREE_LAYERS as readonly string[]).includes(match[3])) return undefined;
  return { root: match[1], cluster: match[2] };
}

/** The folders the stack's agents apply: each Flux Kustomization's `spec.path`, each Argo CD cluster Secret's `gitops_*_path` annotations (those the engine knows). */
function appliedFolders(resources: readonly PolicyResource[]): string[] {
  const folders = resources.flatMap((r) => {
    if (r.type === "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization") return [known(() => r.props.spec?.path)];
    if (r.type === "kubernetes:core/v1:Secret") return Object.entries((known(() => r.props.metadata?.annotations) ?? {}) as Record<string, unknown>).filter(([k]) => /^gitops_.*_path$/.test(k)).map(([, v]) => v);
    return [];
  });
  return folders.filter((f): f is string => typeof f === "string");
}

/**
 * The GitOps trees the stack's agents apply, relative to the repository, each with the clusters
 * whose folders they apply: read from each Flux Kustomization's `spec.path` and each Argo CD
 * cluster Secret's `gitops_*_path` annotations.
 */
export function treePartsOf(resources: readonly PolicyResource[]): Map<string, string[]> {
  const parts = new Map<string, Set<string>>();
  for (const layer of appliedFolders(resources).map(layerFolder)) {
    if (layer) parts.set(layer.root, (parts.get(layer.root) ?? new Set()).add(layer.cluster));
  }
  return new Map([...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([root, clusters]) => [root, [...clusters].sort()]));
}

/** The trees the stack's agents apply (`treePartsOf`'s roots). */
export function treeRootsOf(resources: readonly PolicyResource[]): string[] {
  return [...treePartsOf(resources).keys()];
}

/**
 * The manifest rules under `pulumi preview --policy-pack policies`: the engine sees only the
 * resources, so this rule reads the tree the stack's agents apply from the repository and runs
 * every manifest rule (policies/evaluate-tree.ts) over it, as `npm run plan` and `npm run check`
 * do. Only the pack runs it: offline, `plan` checks the tree it has just rendered.
 *
 * A stack judges the part of the tree its agents apply: the folders of those clusters, as a tree
 * of their own (with the override record), so a violation in another cluster's folder is that
 * cluster's stack's to report, and `plan --only-stack` can check the same part without rendering
 * the fleet (deploy/tree-part.ts). Agents that apply every cluster's folders (a single stack)
 * judge the whole tree, its own files included. The rule that compares clusters
 * (`manifests-fleet-consistent`) thus compares the clusters of the part: across the fleet it is
 * judged with the whole tree, by `npm run plan`, `diff` and `check`.
 */
export const gitopsTree: StackValidationPolicy = {
  name: "gitops-tree-manifest-rules",
  description: "Checks whether the stack's agents apply layer folders of the GitOps tree only, and the part of the tree they apply passes every manifest rule (the allow-list, RBAC, network, Pod Security, no Secret).",
  enforcementLevel: "mandatory",
  configSchema: { properties: { repository: { type: "string", default: REPOSITORY } } },
  validateStack: (args, reportViolation) => {
    const repository = args.getConfig<{ repository?: string }>().repository ?? REPOSITORY;
    // An allow-list: what an agent applies from anywhere but a layer folder, no rule would judge.
    for (const folder of appliedFolders(args.resources).filter((f) => !layerFolder(f))) {
      reportViolation(`An agent applies ${folder}, which is no layer folder of a rendered tree (<tree>/clusters/<cluster>/${names.TREE_LAYERS.join("|")}): no manifest rule would judge what it applies.`);
    }
    for (const [root, clusters] of treePartsOf(args.resources)) {
      const dir = path.resolve(repository, root);
      if (!fs.existsSync(path.join(dir, "clusters"))) {
        reportViolation(`The agents apply ${root}/, which is not a rendered tree in ${repository}: run npm run synth and commit it before deploying.`);
        continue;
      }
      try {
        for (const v of evaluateTree(loadTree(dir, partOrWhole(dir, clusters))).filter((x) => x.enforcement === "mandatory")) reportViolation(`${root}/${v.file}: ${v.policy}: ${v.message}`);
      } catch (err) {
        if (!(err instanceof TreeError)) throw err;
        reportViolation(`${root}/ cannot be read as the agents read it: ${err.problems.join("; ")}`);
      }
    }
  },
};

/** `clusters`, or the whole tree (undefined) when they are every cluster folder it holds. */
function partOrWhole(dir: string, clusters: readonly string[]): readonly string[] | undefined {
  const folders = fs.readdirSync(path.join(dir, "clusters"), { withFileTypes: true }).filter((d) => d.isDirectory() || d.isSymbolicLink());
  return folders.every((d) => clusters.includes(d.name)) ? undefined : clusters;
}
