import { PolicyPack } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "./evaluate";
import { gitopsTree } from "./gitops-tree";

/**
 * The CrossGuard pack: `pulumi preview --policy-pack policies`. Constructing a PolicyPack
 * starts the analyzer's gRPC server for the engine, so it happens only when Pulumi's
 * policy runner loaded this file; tests and the offline commands import the rule arrays.
 */
const loadedByPulumi = /[\\/]run-policy-pack[\\/]/.test(require.main?.filename ?? "");

if (loadedByPulumi) {
  new PolicyPack("eks-fleet", {
    description: "Security baseline and HA rules of an eks-fleet stack, and the manifest rules over the GitOps tree its agents apply.",
    enforcementLevel: "mandatory",
    // The tree rule reads the committed tree: offline, plan checks the tree it renders instead.
    policies: [...resourcePolicies, ...stackPolicies, gitopsTree],
  });
}
