import { names } from "../../fleet";
import { find, fleetOf, objectsOf, render } from "./render-helpers";

const fleet = fleetOf(3, {
  namespaces: [
    { name: "payments", admins: ["payments-admins", "sre"] },
    { name: "search", admins: [] },
  ],
  secrets: [
    { name: "payments/db-credentials", namespace: "payments" },
    { name: "payments/api-key", namespace: "payments" },
  ],
});
const tree = render(fleet);
const c1 = objectsOf(tree, "c1");

describe("namespaces", () => {
  it.each(["payments", "search", "ingress"])("%s has a Namespace, default-deny both ways, DNS and same-namespace allowances, quota and limits", (ns) => {
    find(c1, "Namespace", ns);
    expect(find(c1, "NetworkPolicy", "default-deny", ns).spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = find(c1, "NetworkPolicy", "allow-dns", ns).spec;
    expect(dns.policyTypes).toEqual(["Egress"]);
    expect(dns.egress[0].to[0]).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    });
    expect(dns.egress[0].ports).toEqual([{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
    const same = find(c1, "NetworkPolicy", "allow-same-namespace", ns).spec;
    expect(same.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(same.egress).toEqual([{ to: [{ podSelector: {} }] }]);
    expect(find(c1, "ResourceQuota", "quota", ns).spec.hard["requests.cpu"]).toBe("8");
    expect(find(c1, "LimitRange", "limits", ns).spec.limits[0].type).toBe("Container");
  });

  it("lets only the ingress namespace in from outside a fleet namespace", () => {
    expect(find(c1, "NetworkPolicy", "allow-from-ingress", "payments").spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } }] },
    ]);
  });
});

describe("RBAC", () => {
  it("binds each namespace's admin groups to the built-in admin ClusterRole there, and skips namespaces without admins", () => {
    const binding = find(c1, "RoleBinding", "namespace-admins", "payments");
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" });
    expect(binding.subjects.map((s: any) => `${s.kind}/${s.name}`)).toEqual(["Group/payments-admins", "Group/sre"]);
    expect(c1.filter((o) => o.kind === "RoleBinding" && o.metadata.name === "namespace-admins" && o.metadata.namespace === "search")).toEqual([]);
  });

  it("gives fleet-viewers read-only access that never includes Secrets", () => {
    const role = find(c1, "ClusterRole", "fleet-viewer");
    for (const rule of role.rules) {
      expect(rule.verbs).toEqual(["get", "list", "watch"]);
      expect(rule.resources).not.toContain("secrets");
      expect(rule.resources).not.toContain("*");
    }
    expect(find(c1, "ClusterRoleBinding", "fleet-viewer").subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "fleet-viewers" }]);
  });
});

describe("secrets", () => {
  it("gives each namespace with secrets its own store, in the cluster's region, as that namespace's secrets reader", () => {
    for (const cluster of fleet.clusters) {
      const objects = objectsOf(tree, cluster.name);
      const store = find(objects, "SecretStore", names.NAMESPACE_SECRET_STORE, "payments");
      expect(store.apiVersion).toBe("external-secrets.io/v1");
      // `auth` is always set: without it External Secrets would use the controller's own credentials.
      expect(store.spec.provider.aws).toEqual({ service: "SecretsManager", region: cluster.region, auth: { jwt: { serviceAccountRef: { name: names.SECRETS_READER_SERVICE_ACCOUNT } } } });
      const reader = find(objects, "ServiceAccount", names.SECRETS_READER_SERVICE_ACCOUNT, "payments");
      expect(reader.metadata.annotations["eks.amazonaws.com/role-arn"]).toBe(names.roleArn(fleet.accountId, names.namespaceSecretsRoleName(fleet.name, cluster.name, "payments")));
      expect(reader.automountServiceAccountToken).toBe(false);
      // The namespace without secrets gets none of it.
      expect(objects.filter((o) => o.metadata.namespace === "search" && ["SecretStore", "ServiceAccount", "Role"].includes(o.kind))).toEqual([]);
      expect(objects.filter((o) => o.kind === "ClusterSecretStore")).toEqual([]);
    }
  });

  it("lets External Secrets mint tokens for the secrets reader only", () => {
    expect(find(c1, "Role", names.SECRETS_TOKEN_ROLE, "payments").rules).toEqual([{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [names.SECRETS_READER_SERVICE_ACCOUNT], verbs: ["create"] }]);
    expect(find(c1, "RoleBinding", names.SECRETS_TOKEN_ROLE, "payments").subjects).toEqual([{ kind: "ServiceAccount", name: names.AGENTS.externalSecrets.serviceAccount, namespace: names.AGENTS.externalSecrets.namespace }]);
  });

  it("renders one ExternalSecret per fleet.secrets entry, extracting the whole secret", () => {
    const secrets = c1.filter((o) => o.kind === "ExternalSecret");
    expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(["payments/payments-api-key", "payments/payments-db-credentials"]);
    expect(find(c1, "ExternalSecret", "payments-db-credentials", "payments").spec).toEqual({
      refreshInterval: "1h",
      secretStoreRef: { kind: "SecretStore", name: names.NAMESPACE_SECRET_STORE },
      target: { name: "payments-db-credentials", creationPolicy: "Owner" },
      dataFrom: [{ extract: { key: "payments/db-credentials" } }],
    });
  });

  it("renders no store at all when no namespace has secrets", () => {
    const objects = objectsOf(render(fleetOf(2, { secrets: [] })), "c0");
    expect(objects.filter((o) => ["SecretStore", "ExternalSecret", "ServiceAccount"].includes(o.kind) && o.metadata.namespace !== "ingress")).toEqual([]);
  });

  it("never puts a Secret in the tree", () => {
    expect([...tree.values()].filter((o) => o.kind === "Secret")).toEqual([]);
  });
});

describe("per-cluster values", () => {
  it("fleet-info tells each cluster its name, region, role and the fleet mode", () => {
    for (const cluster of fleet.clusters) {
      const info = find(objectsOf(tree, cluster.name), "ConfigMap", "fleet-info", "kube-public");
      expect(info.data).toMatchObject({ fleet: "prod", cluster: cluster.name, region: cluster.region, role: cluster.role, mode: "active-passive" });
    }
    expect(find(objectsOf(tree, "c0"), "ConfigMap", "fleet-info").data.role).toBe("primary");
    expect(find(c1, "ConfigMap", "fleet-info").data.role).toBe("secondary");
  });

  it("binds the gateway pods to the cluster's program-owned target group, without a LoadBalancer or ExternalDNS", () => {
    const service = find(c1, "Service", "ingress-gateway", "ingress");
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.selector).toEqual({ "app.kubernetes.io/name": "ingress-gateway" });
    expect(service.metadata.annotations).toBeUndefined();
    const binding = find(c1, "TargetGroupBinding", "ingress-gateway", "ingress");
    expect(binding.apiVersion).toBe("elbv2.k8s.aws/v1beta1");
    expect(binding.spec).toMatchObject({ serviceRef: { name: "ingress-gateway", port: 80 }, targetGroupName: "prod-c1-gw", targetType: "ip" });
    // The program opens the pods' security group to the NLB; the controller needs no right to.
    expect(binding.spec.networking).toBeUndefined();
    expect(find(c1, "ResourceQuota", "quota", "ingress").spec.hard["services.loadbalancers"]).toBe("0");
  });

  it("schedules Velero backups of the fleet namespaces into the cluster's own location, volumes by file system, no Secrets", () => {
    const schedule = find(c1, "Schedule", names.backupScheduleName("c1"), "velero");
    expect(schedule.apiVersion).toBe("velero.io/v1");
    expect(schedule.spec.schedule).toBe(fleet.backup.schedule);
    expect(schedule.spec.template).toEqual({
      ttl: fleet.backup.retention,
      storageLocation: names.OWN_BACKUP_LOCATION,
      includedNamespaces: ["payments", "search", "ingress"],
      excludedResources: ["secrets"],
      defaultVolumesToFsBackup: true,
    });
  });
});

describe("replicated/ and the layers", () => {
  it("replicates the example CRD to every cluster, identical", () => {
    const file = "platform/customresourcedefinition-maintenancewindows.platform.eks-fleet.io.yaml";
    const copies = fleet.clusters.map((c) => tree.get(`clusters/${c.name}/${file}`));
    expect(copies[0]?.kind).toBe("CustomResourceDefinition");
    for (const copy of copies) expect(copy).toEqual(copies[0]);
  });

  it("lists every file of a layer in its kustomization.yaml, so even an empty apps layer is a folder the agent can apply", () => {
    const platform = tree.get("clusters/c1/platform/kustomization.yaml")!;
    const files = [...tree.keys()].filter((p) => p.startsWith("clusters/c1/platform/") && !p.endsWith("kustomization.yaml")).map((p) => p.split("/").pop());
    expect(platform.resources).toEqual(files.sort());
    expect(tree.get("clusters/c1/apps/kustomization.yaml")).toEqual({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [] });
  });

  it("renders RBAC, CRDs and NetworkPolicies byte-for-byte identical on every cluster", () => {
    const shared = (cluster: string) =>
      Object.fromEntries(
        [...tree.entries()]
          .filter(([p, o]) => p.startsWith(`clusters/${cluster}/`) && /^(ClusterRole|ClusterRoleBinding|RoleBinding|CustomResourceDefinition|NetworkPolicy)$/.test(o.kind))
          .map(([p, o]) => [p.replace(`clusters/${cluster}/`, ""), o]),
      );
    expect(Object.keys(shared("c0")).length).toBeGreaterThan(5);
    expect(shared("c1")).toEqual(shared("c0"));
    expect(shared("c2")).toEqual(shared("c0"));
  });
});

describe("file layout", () => {
  it("names each file <kind>-<namespace>-<name>.yaml, lowercase, one object per file", () => {
    expect([...tree.keys()]).toContain("clusters/c1/platform/networkpolicy-payments-default-deny.yaml");
    expect([...tree.keys()]).toContain("clusters/c1/platform/clusterrole-fleet-viewer.yaml");
    for (const [file, object] of tree) {
      if (file.endsWith("kustomization.yaml") || !file.startsWith("clusters/")) continue;
      const expected = [object.kind, object.metadata.namespace, object.metadata.name].filter(Boolean).join("-").toLowerCase();
      expect(file.split("/").pop()).toBe(`${expected}.yaml`);
    }
  });
});
