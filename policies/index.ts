import { PolicyPack } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "./evaluate";

/**
 * The CrossGuard pack: `pulumi preview --policy-pack policies`. Constructing a PolicyPack
 * starts the analyzer's gRPC server for the engine, so it happens only when Pulumi's
 * policy runner loaded this file; tests and the offline commands import the rule arrays.
 */
const loadedByPulumi = /[\\/]run-policy-pack[\\/]/.test(require.main?.filename ?? "");

if (loadedByPulumi) {
  new PolicyPack("eks-fleet", {
    description: "Security baseline and HA rules of an eks-fleet stack (manifest rules run in npm run plan/check).",
    enforcementLevel: "mandatory",
    policies: [...resourcePolicies, ...stackPolicies],
  });
}
