import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { k8s } from "../k8s";
import type { FleetSpec } from "../../fleet";
import * as names from "../../fleet/names";
import { Replication, replicate } from "../replicate";
import { DEFAULT_QUOTA, NamespaceBaseline, NAMESPACE_NAME_LABEL } from "./namespace-baseline";
import { webhookUpstreams } from "./webhooks";

/** Where the gateway runs (the fleet's builtin one or yours); the fleet renders the namespace and its binding. */
export const INGRESS_NAMESPACE = names.GATEWAY_NAMESPACE;
/** The selector contract: label the gateway pods with it (any gateway: Envoy, NGINX, Istio, …). */
export const GATEWAY_SELECTOR = { "app.kubernetes.io/name": "ingress-gateway" } as const;
/**
 * The container port the gateway serves plain HTTP on, named `http`: the cluster's NLB
 * terminates TLS (ACM certificate for `*.<record>`) and forwards to it.
 */
export const GATEWAY_PORTS = { http: names.GATEWAY_PORT } as const;
/** Name of the Service and the TargetGroupBinding that put the gateway pods behind the NLB. */
export const GATEWAY_SERVICE = "ingress-gateway";
/** With Global Accelerator: the NodePort Service and the binding of the serving target group. */
export const GATEWAY_SERVING_SERVICE = "ingress-gateway-serving";

/**
 * The ingress namespace and how its gateway pods join the cluster's load balancer. The
 * program owns one NLB and target group per cluster (so Route 53, Global Accelerator and
 * the health checks point at names it knows); here a ClusterIP Service selects the pods and
 * a TargetGroupBinding asks the AWS Load Balancer Controller to register their IPs in that
 * target group, found by its deterministic name (`spec.targetGroupName`, CRD of
 * aws/eks-charts `stable/aws-load-balancer-controller/crds/crds.yaml`).
 */
export function ingressReplication(fleet: FleetSpec): Replication {
  return replicate("ingress", (scope, { cluster }) => {
    const gatewayPods = { matchLabels: { ...GATEWAY_SELECTOR } };
    const gatewayPort = { protocol: "TCP", port: k8s.IntOrString.fromNumber(GATEWAY_PORTS.http) };
    const namespaces = fleet.namespaces.map((ns) => ns.name);
    const egress: k8s.NetworkPolicyEgressRule[] = [
      ...(namespaces.length === 0 ? [] : [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: namespaces }] } }] }]),
      // The agents' webhook endpoints the gateway hands pushes to (charts/platform/webhooks.ts).
      ...webhookUpstreams(fleet, cluster).map((w) => ({
        to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: w.namespace } }, podSelector: { matchLabels: { ...w.podLabels } } }],
        ports: [{ protocol: "TCP", port: k8s.IntOrString.fromNumber(w.podPort) }],
      })),
    ];
    new NamespaceBaseline(scope, "baseline", {
      name: INGRESS_NAMESPACE,
      // No LoadBalancer Service here (quota 0): the program owns the cluster's NLB.
      quota: DEFAULT_QUOTA,
      // The gateway needs no privilege: it listens on an unprivileged port (GATEWAY_PORTS).
      podSecurity: { level: "restricted", version: cluster.kubernetesVersion },
      labels: {
        // Pods become Ready only once the NLB sees them healthy, so a rollout never empties the target group.
        "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
      },
      allow: [
        {
          // The NLB (and kubelet probes) reach the pods on the gateway port; the pods sit in
          // private subnets and the NLB's security group sends only to the VPC.
          name: "allow-gateway-from-anywhere",
          spec: { podSelector: gatewayPods, policyTypes: ["Ingress"], ingress: [{ ports: [gatewayPort] }] },
        },
        {
          name: "allow-gateway-to-fleet-namespaces",
          spec: { podSelector: gatewayPods, policyTypes: ["Egress"], egress },
        },
      ],
    });
    new k8s.KubeService(scope, "gateway", {
      metadata: { name: GATEWAY_SERVICE, namespace: INGRESS_NAMESPACE },
      spec: {
        type: "ClusterIP",
        selector: { ...GATEWAY_SELECTOR },
        ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: k8s.IntOrString.fromString("http") }],
      },
    });
    new ApiObject(scope, "binding", {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata: { name: GATEWAY_SERVICE, namespace: INGRESS_NAMESPACE },
      spec: {
        serviceRef: { name: GATEWAY_SERVICE, port: 80 },
        targetGroupName: names.gatewayTargetGroupName(fleet.name, cluster.name),
        // Set explicitly: the controller injects its pod readiness gate only for bindings
        // with targetType ip (aws-load-balancer-controller pkg/inject/pod_readiness).
        targetType: "ip",
        // No `networking`: the program already lets the NLB's security group reach the pods.
      },
    });
    if (fleet.dns.globalAccelerator) servingBinding(scope, fleet.name, cluster.name);
  });
}

/**
 * With Global Accelerator: the gateway pods also join the NLB's serving target group, as
 * instance targets through a NodePort Service (no pod readiness gate: the controller injects
 * one only for IP targets, aws-load-balancer-controller pkg/inject/pod_readiness). That group
 * health-checks the serving answer, so the accelerator sees the endpoint healthy exactly
 * while the cluster serves, and its pods stay Ready whatever the role.
 */
function servingBinding(scope: Construct, fleet: string, cluster: string): void {
  new k8s.KubeService(scope, "serving", {
    metadata: { name: GATEWAY_SERVING_SERVICE, namespace: INGRESS_NAMESPACE },
    spec: {
      type: "NodePort",
      selector: { ...GATEWAY_SELECTOR },
      ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: k8s.IntOrString.fromString("http"), nodePort: names.GATEWAY_SERVING_NODE_PORT }],
    },
  });
  new ApiObject(scope, "serving-binding", {
    apiVersion: "elbv2.k8s.aws/v1beta1",
    kind: "TargetGroupBinding",
    metadata: { name: GATEWAY_SERVING_SERVICE, namespace: INGRESS_NAMESPACE },
    spec: {
      serviceRef: { name: GATEWAY_SERVING_SERVICE, port: 80 },
      targetGroupName: names.gatewayServingTargetGroupName(fleet, cluster),
      targetType: "instance",
    },
  });
}
