import { closedWorld, defaultDenyNetworkPolicy, fleetConsistentRbac, ManifestPolicy, ManifestTree, noSecrets, quotaAndLimits } from "./manifests";
import { networkPolicies } from "./network";
import { karpenterAmiPinned } from "./node-images";
import { podSecurityPolicies } from "./pod-security";
import { rbacPolicies } from "./rbac";
import { Violation } from "./violation";

/** Every rule over the rendered tree (what the agents apply, read by policies/tree.ts). */
export const manifestPolicies: ManifestPolicy[] = [
  closedWorld,
  noSecrets,
  defaultDenyNetworkPolicy,
  quotaAndLimits,
  fleetConsistentRbac,
  karpenterAmiPinned,
  ...rbacPolicies,
  ...podSecurityPolicies,
  ...networkPolicies,
];

/** Runs every manifest rule over a rendered tree. */
export function evaluateTree(tree: ManifestTree, policies: readonly ManifestPolicy[] = manifestPolicies): Violation[] {
  const violations: Violation[] = [];
  for (const policy of policies) {
    policy.validateTree(tree, (message, file) => violations.push({ policy: policy.name, enforcement: policy.enforcementLevel, urn: null, file, message }));
  }
  return violations;
}
