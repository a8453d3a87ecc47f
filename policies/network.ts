import { kindOf, ManifestPolicy, nameOf, namespaceOf, replicatedNamespaces } from "./manifests";

/**
 * NetworkPolicies add up (Kubernetes "Network Policies": policies are additive), so one
 * policy that allows everything cancels the namespace's default-deny.
 */

interface Peer {
  readonly ipBlock?: { cidr?: string };
  readonly podSelector?: Record<string, unknown>;
  readonly namespaceSelector?: Record<string, unknown>;
}

interface NetworkRule {
  readonly from?: Peer[];
  readonly to?: Peer[];
  readonly ports?: { port?: unknown }[];
}

const emptySelector = (s: Record<string, any> | undefined) =>
  s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

/** A peer that matches every address (`/0`) or every pod of every namespace (`namespaceSelector: {}`). */
const everyone = (peer: Peer) =>
  ["0.0.0.0/0", "::/0"].includes(String(peer.ipBlock?.cidr ?? "")) || (emptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || emptySelector(peer.podSelector)));

/** Allows any source or destination on any port: no peers (or an everyone peer) and no port restriction. */
function allowsAll(rule: NetworkRule, peers: Peer[] | undefined): boolean {
  const anyPeer = peers === undefined || peers.length === 0 || peers.some(everyone);
  // A port entry without a port number allows every port of its protocol.
  const anyPort = rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((p) => p.port === undefined);
  return anyPeer && anyPort;
}

export const noAllowAll: ManifestPolicy = {
  name: "network-no-allow-all",
  description: "Checks whether no NetworkPolicy in a namespace the fleet creates allows all ingress or all egress (any peer on any port), which cancels its default-deny.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const fleetNamespaces = new Set(replicatedNamespaces(tree).map((ns) => `${ns.cluster}/${nameOf(ns)}`));
    for (const o of tree.objects.filter((x) => kindOf(x) === "NetworkPolicy" && fleetNamespaces.has(`${x.cluster}/${namespaceOf(x) ?? "default"}`))) {
      const spec = o.object.spec ?? {};
      for (const [direction, rules, peersOf] of [
        ["ingress", spec.ingress, (r: NetworkRule) => r.from],
        ["egress", spec.egress, (r: NetworkRule) => r.to],
      ] as const) {
        ((rules ?? []) as NetworkRule[]).forEach((rule, i) => {
          if (!allowsAll(rule ?? {}, peersOf(rule ?? {}))) return;
          reportViolation(
            `NetworkPolicy '${namespaceOf(o)}/${nameOf(o)}' in cluster ${o.cluster} allows all ${direction} (rule ${i + 1}: any peer, any port), which cancels default-deny. Name the peers (pod or namespace selectors, CIDRs) or the ports it needs.`,
            o.file,
          );
        });
      }
    }
  },
};

export const networkPolicies: ManifestPolicy[] = [noAllowAll];
