import { admissionPolicies } from "./admission";
import { closedWorld, defaultDenyNetworkPolicy, fleetConsistentRbac, ManifestPolicy, ManifestTree, noSecrets, quotaAndLimits } from "./manifests";
import { networkPolicies } from "./network";
import { karpenterAmiPinned } from "./node-images";
import { podSecurityPolicies } from "./pod-security";
import { rbacPolicies } from "./rbac";
import { Violation } from "./violation";
import { workloadPolicies } from "./workloads";

/** Every rule over the rendered tree (what the agents apply, read by policies/tree.ts). */
export const manifestPolicies: ManifestPolicy[] = [
  closedWorld,
  ...admissionPolicies,
  noSecrets,
  defaultDenyNetworkPolicy,
  quotaAndLimits,
  fleetConsistentRbac,
  karpenterAmiPinned,
  ...rbacPolicies,
  ...podSecurityPolicies,
  ...networkPolicies,
  ...workloadPolicies,
];

/** Runs every manifest rule over a rendered tree. */
export function evaluateTree(tree: ManifestTree, policies: readonly ManifestPolicy[] = manifestPolicies): Violation[] {
  const violations: Violation[] = [];
  for (const policy of policies) {
    policy.validateTree(tree, (message, file) => violations.push({ policy: policy.name, enforcement: policy.enforcementLevel, urn: null, file, message }));
  }
  return violations;
}
