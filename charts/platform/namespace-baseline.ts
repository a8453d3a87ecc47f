import { Construct } from "constructs";
import { k8s } from "../k8s";

/** The label every namespace carries (set by the API server): what NetworkPolicies select on. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface NamespaceBaselineProps {
  /** The namespace to create. */
  readonly name: string;
  /** Groups bound to the built-in `admin` ClusterRole in this namespace. @default [] (no RoleBinding) */
  readonly admins?: readonly string[];
  /** Hard limits of the namespace's ResourceQuota. @default DEFAULT_QUOTA */
  readonly quota?: Readonly<Record<string, string>>;
  /** Extra NetworkPolicies beyond default-deny, DNS and same-namespace traffic. @default [] */
  readonly allow?: readonly { readonly name: string; readonly spec: k8s.NetworkPolicySpec }[];
  /** Extra labels on the Namespace. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Pod Security Admission: the level enforced and the Kubernetes version of its checks. */
  readonly podSecurity: PodSecurity;
}

export interface PodSecurity {
  /** The Pod Security Standard enforced; audit and warn always report against restricted. */
  readonly level: "restricted" | "baseline";
  /** Kubernetes minor version of the checks, as the fleet runs it (`1.33`), pinned so an upgrade never tightens them silently. */
  readonly version: string;
}

/**
 * Pod Security Admission labels (kubernetes.io/docs/concepts/security/pod-security-admission):
 * enforce the namespace's level; audit and warn at restricted, so a baseline namespace still
 * shows what keeps it from restricted.
 */
export function podSecurityLabels({ level, version }: PodSecurity): Record<string, string> {
  const pinned = `v${version}`;
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": pinned,
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": pinned,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": pinned,
  };
}

/** Enough for a few services; raise it per namespace with an override. */
export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  "requests.cpu": "8",
  "requests.memory": "16Gi",
  "limits.cpu": "16",
  "limits.memory": "32Gi",
  pods: "100",
  persistentvolumeclaims: "20",
  // Load balancers cost money and bypass the ingress gateway: none unless a namespace opts in.
  "services.loadbalancers": "0",
};

/** With a quota on requests and limits every container must declare them; these fill in the gaps. */
const CONTAINER_DEFAULTS: k8s.LimitRangeItem = {
  type: "Container",
  defaultRequest: { cpu: k8s.Quantity.fromString("100m"), memory: k8s.Quantity.fromString("128Mi") },
  default: { cpu: k8s.Quantity.fromString("500m"), memory: k8s.Quantity.fromString("512Mi") },
};

/**
 * A namespace that is safe by default and still works: deny all traffic, then allow DNS
 * and traffic inside the namespace; bound resources with a quota and default limits; give
 * its admin groups `admin` there and nothing more.
 */
export class NamespaceBaseline extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceBaselineProps) {
    super(scope, id);
    const namespace = props.name;
    const metadata = (name: string) => ({ name, namespace });

    new k8s.KubeNamespace(this, "namespace", {
      metadata: { name: namespace, labels: { ...props.labels, ...podSecurityLabels(props.podSecurity) } },
    });

    new k8s.KubeNetworkPolicy(this, "default-deny", {
      metadata: metadata("default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    new k8s.KubeNetworkPolicy(this, "allow-dns", {
      metadata: metadata("allow-dns"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: k8s.IntOrString.fromNumber(53) },
              { protocol: "TCP", port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
    new k8s.KubeNetworkPolicy(this, "allow-same-namespace", {
      metadata: metadata("allow-same-namespace"),
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    });
    for (const extra of props.allow ?? []) {
      new k8s.KubeNetworkPolicy(this, extra.name, { metadata: metadata(extra.name), spec: extra.spec });
    }

    const hard = props.quota ?? DEFAULT_QUOTA;
    new k8s.KubeResourceQuota(this, "quota", {
      metadata: metadata("quota"),
      spec: { hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, k8s.Quantity.fromString(v)])) },
    });
    new k8s.KubeLimitRange(this, "limits", { metadata: metadata("limits"), spec: { limits: [CONTAINER_DEFAULTS] } });

    const admins = props.admins ?? [];
    if (admins.length > 0) {
      new k8s.KubeRoleBinding(this, "admins", {
        metadata: metadata("namespace-admins"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [...admins].sort().map((group) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group })),
      });
    }
  }
}
