import { k8s } from "cdk8s-plus-30";
import { FleetSpec, names } from "../../fleet";
import { Replication, replicate } from "../replicate";
import { DEFAULT_QUOTA, NamespaceBaseline, NAMESPACE_NAME_LABEL } from "./namespace-baseline";

/** Where the user's ingress gateway runs; the fleet renders the namespace and its Service. */
export const INGRESS_NAMESPACE = names.GATEWAY_NAMESPACE;
/** The Service's selector: label the gateway pods with it (any gateway: Envoy, NGINX, Istio, …). */
export const GATEWAY_SELECTOR = { "app.kubernetes.io/name": "ingress-gateway" } as const;
/** Container ports the gateway listens on (named so the Service survives a port change). */
export const GATEWAY_PORTS = { http: 8080, https: 8443 } as const;

/**
 * The ingress namespace and its public Service: an internet-facing NLB (AWS Load Balancer
 * Controller, IP targets) whose DNS name ExternalDNS publishes as `<cluster>.<record>`,
 * the hostname each cluster's Route 53 health check and failover/latency record point at.
 */
export function ingressReplication(fleet: FleetSpec): Replication {
  return replicate("ingress", (scope, { cluster }) => {
    const gatewayPods = { matchLabels: { ...GATEWAY_SELECTOR } };
    new NamespaceBaseline(scope, "baseline", {
      name: INGRESS_NAMESPACE,
      quota: { ...DEFAULT_QUOTA, "services.loadbalancers": "1" },
      // The gateway needs no privilege: it listens on unprivileged ports (GATEWAY_PORTS).
      podSecurity: { level: "restricted", version: fleet.kubernetesVersion },
      allow: [
        {
          // The NLB forwards client traffic straight to the pod IPs: any source, listener ports only.
          name: "allow-gateway-from-anywhere",
          spec: {
            podSelector: gatewayPods,
            policyTypes: ["Ingress"],
            ingress: [{ ports: Object.values(GATEWAY_PORTS).map((port) => ({ protocol: "TCP", port: k8s.IntOrString.fromNumber(port) })) }],
          },
        },
        {
          name: "allow-gateway-to-fleet-namespaces",
          spec: {
            podSelector: gatewayPods,
            policyTypes: ["Egress"],
            egress:
              fleet.namespaces.length === 0
                ? []
                : [
                    {
                      to: [
                        {
                          namespaceSelector: {
                            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: fleet.namespaces.map((ns) => ns.name) }],
                          },
                        },
                      ],
                    },
                  ],
          },
        },
      ],
    });
    new k8s.KubeService(scope, "gateway", {
      metadata: {
        name: "ingress-gateway",
        namespace: INGRESS_NAMESPACE,
        annotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
          "external-dns.alpha.kubernetes.io/hostname": cluster.hostname,
        },
      },
      spec: {
        type: "LoadBalancer",
        selector: { ...GATEWAY_SELECTOR },
        ports: Object.entries(GATEWAY_PORTS).map(([name, port]) => ({
          name,
          protocol: "TCP",
          port: name === "http" ? 80 : 443,
          targetPort: k8s.IntOrString.fromString(name),
        })),
      },
    });
  });
}
