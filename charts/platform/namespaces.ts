import { k8s } from "../k8s";
import type { FleetSpec } from "../../fleet";
import { Replication, replicate } from "../replicate";
import { NamespaceBaseline, NAMESPACE_NAME_LABEL } from "./namespace-baseline";
import { INGRESS_NAMESPACE } from "./ingress";

/** Fleet namespaces accept traffic from the ingress gateway's namespace, and from nothing else outside. */
const fromIngress: k8s.NetworkPolicySpec = {
  podSelector: {},
  policyTypes: ["Ingress"],
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: INGRESS_NAMESPACE } } }] }],
};

/** One replication per namespace of `fleet.namespaces`, so an override can target one namespace by name. */
export function namespaceReplications(fleet: FleetSpec): Replication[] {
  return fleet.namespaces.map((ns) =>
    replicate(`namespace-${ns.name}`, (scope, { cluster }) => {
      new NamespaceBaseline(scope, "baseline", {
        name: ns.name,
        admins: ns.admins,
        allow: [{ name: "allow-from-ingress", spec: fromIngress }],
        // The cluster's own version: a wave still on the previous one keeps its label.
        podSecurity: { level: ns.podSecurity, version: cluster.kubernetesVersion },
      });
    }),
  );
}
