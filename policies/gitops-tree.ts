import * as fs from "fs";
import * as path from "path";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { evaluateTree } from "./evaluate-tree";
import { known } from "./support";
import { loadTree, TreeError } from "./tree";

/** The repository the pack belongs to: `pulumi preview --policy-pack policies` runs it from there. */
const REPOSITORY = path.resolve(__dirname, "..");
/** A layer folder an agent applies: `gitops/clusters/use1/platform` (Flux writes `./` first). */
const LAYER_PATH = /^(?:\.\/)?(.+)\/clusters\/[^/]+\/[^/]+$/;

/**
 * The GitOps trees the stack's agents apply, relative to the repository: read from each Flux
 * Kustomization's `spec.path` and each Argo CD cluster Secret's `gitops_*_path` annotations.
 */
export function treeRootsOf(resources: readonly PolicyResource[]): string[] {
  const paths = resources.flatMap((r) => {
    if (r.type === "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization") return [known(() => r.props.spec?.path)];
    if (r.type === "kubernetes:core/v1:Secret") return Object.entries((known(() => r.props.metadata?.annotations) ?? {}) as Record<string, unknown>).filter(([k]) => /^gitops_.*_path$/.test(k)).map(([, v]) => v);
    return [];
  });
  return [...new Set(paths.filter((p): p is string => typeof p === "string").map((p) => LAYER_PATH.exec(p)?.[1]).filter((root): root is string => root !== undefined))].sort();
}

/**
 * The manifest rules under `pulumi preview --policy-pack policies`: the engine sees only the
 * resources, so this rule reads the tree the stack's agents apply from the repository and runs
 * every manifest rule (policies/evaluate-tree.ts) over it, as `npm run plan` and `npm run check`
 * do. Only the pack runs it: offline, `plan` checks the tree it has just rendered.
 */
export const gitopsTree: StackValidationPolicy = {
  name: "gitops-tree-manifest-rules",
  description: "Checks whether the GitOps tree the stack's agents apply passes every manifest rule (the allow-list, RBAC, network, Pod Security, no Secret).",
  enforcementLevel: "mandatory",
  configSchema: { properties: { repository: { type: "string", default: REPOSITORY } } },
  validateStack: (args, reportViolation) => {
    const repository = args.getConfig<{ repository?: string }>().repository ?? REPOSITORY;
    for (const root of treeRootsOf(args.resources)) {
      const dir = path.resolve(repository, root);
      if (!fs.existsSync(path.join(dir, "clusters"))) {
        reportViolation(`The agents apply ${root}/, which is not a rendered tree in ${repository}: run npm run synth and commit it before deploying.`);
        continue;
      }
      try {
        for (const v of evaluateTree(loadTree(dir)).filter((x) => x.enforcement === "mandatory")) reportViolation(`${root}/${v.file}: ${v.policy}: ${v.message}`);
      } catch (err) {
        if (!(err instanceof TreeError)) throw err;
        reportViolation(`${root}/ cannot be read as the agents read it: ${err.problems.join("; ")}`);
      }
    }
  },
};
