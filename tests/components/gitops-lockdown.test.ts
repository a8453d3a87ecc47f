import { renderTree } from "../../charts";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { names, parseFleet } from "../../fleet";
import { appProjectName, LOCKED_DEFAULT_PROJECT } from "../../components/argocd-projects";
import { LAYER_KINDS } from "../../policies/allow-list";
import { evaluateResources } from "../../policies/evaluate";
import { HEALTH_ANSWERS } from "../../fleet/traffic";
import { fleetConfig, stackConfig } from "../fixtures/fleets";
import * as YAML from "yaml";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }
/** Kubernetes RBAC's rule matching (`rbac/v1` PolicyRule): group, resource, verb, and the name when a rule lists names. */
const allows = (rules: Rule[], group: string, resource: string, verb: string, name?: string) =>
  rules.some((r) =>
    (r.apiGroups.includes(group) || r.apiGroups.includes("*")) &&
    (r.resources.includes(resource) || r.resources.includes("*")) &&
    (r.verbs.includes(verb) || r.verbs.includes("*")) &&
    (r.resourceNames === undefined || r.resourceNames.length === 0 || (name !== undefined && r.resourceNames.includes(name))));

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
/** A Flux fleet whose namespaces have admin roles (one of them in two namespaces). */
const FLUX_FLEET = fleetConfig(2, {
  clusterAdmins: [role("platform-admins")],
  namespaces: [
    { name: "payments", admins: ["payments-admins"], adminRoles: [role("payments-team"), role("oncall")] },
    { name: "search", admins: ["search-admins", "search-oncall"], adminRoles: [role("oncall")] },
    { name: "reports", admins: ["reports-admins"] },
  ],
});

/** Evaluated once for the describes that read it (the mock engine runs one program at a time). */
let fluxEvaluation: Promise<Evaluation> | undefined;
const evaluateFlux = () => (fluxEvaluation ??= evaluateProgram(stackConfig(FLUX_FLEET), ACCOUNT));
/** The RoleBindings of that fleet's first cluster's platform layer, rendered once. */
let fluxBindings: any[] | undefined;
const platformBindings = () => (fluxBindings ??= renderTree(parseFleet(FLUX_FLEET, "us-east-1")).filter((f) => f.path.startsWith("clusters/c0/platform/rolebinding-")).map((f) => YAML.parse(f.content)));

describe("Flux, locked down", () => {
  let ev: Evaluation;
  let graph: DependencyGraph;
  const roleOf = (layer: string) => ofType(ev, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").find((r) => r.name === `c0-flux-layer-access-${layer}-role`)!.inputs.rules as Rule[];

  beforeAll(async () => {
    ev = await evaluateFlux();
    graph = new DependencyGraph(ev.resources);
  });

  it("installs flux2 with the multi-tenancy lockdown: no cross-namespace refs, a powerless default account, no remote bases, no cluster-admin, no aggregation into admin/edit", () => {
    const releases = ofType(ev, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "flux2");
    expect(releases).toHaveLength(2);
    for (const release of releases) {
      expect(release.inputs.values).toMatchObject({
        multitenancy: { enabled: true, defaultServiceAccount: "default", privileged: false },
        rbac: { createAggregation: false },
        kustomizeController: { container: { additionalArgs: expect.arrayContaining(["--no-remote-bases=true"]) } },
      });
    }
  });

  it("applies each layer as its own account, created before the Kustomization", () => {
    const kustomizations = ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization");
    expect(kustomizations).toHaveLength(2 * names.TREE_LAYERS.length);
    for (const k of kustomizations) {
      const cluster = k.name.split("-")[0];
      const layer = (k.inputs.metadata as { name: string }).name;
      const account = names.fluxLayerServiceAccount(layer);
      expect((k.inputs.spec as { serviceAccountName: string }).serviceAccountName).toBe(account);
      const sa = ofType(ev, "kubernetes:core/v1:ServiceAccount").find((r) => r.name === `${cluster}-flux-layer-access-${layer}`) as RecordedResource;
      expect(sa.inputs.metadata).toMatchObject({ name: account, namespace: names.AGENTS.flux.namespace });
      expect(graph.waitsFor(k.urn, sa.urn)).toBe(true);
    }
  });

  it("lets the platform account apply the platform's kinds and the kinds replicated/ declares, and nothing that takes a cluster over", () => {
    const rules = roleOf("platform");
    for (const kind of LAYER_KINDS.platform) expect([kind.kind, allows(rules, kind.group, kind.resource, "patch")]).toEqual([kind.kind, true]);
    expect(allows(rules, "platform.eks-fleet.io", "maintenancewindows", "create")).toBe(true);
    for (const [group, resource, verb] of [
      ["", "secrets", "get"], ["", "pods/exec", "create"], ["", "nodes/proxy", "get"], ["", "serviceaccounts/token", "create"], ["", "persistentvolumes", "create"],
      ["admissionregistration.k8s.io", "mutatingwebhookconfigurations", "create"], ["apiregistration.k8s.io", "apiservices", "create"],
      ["source.toolkit.fluxcd.io", "gitrepositories", "patch"], ["kustomize.toolkit.fluxcd.io", "kustomizations", "patch"], ["argoproj.io", "applications", "create"],
      ["", "users", "impersonate"], ["external-secrets.io", "clustersecretstores", "create"],
    ]) {
      expect([group, resource, verb, allows(rules, group, resource, verb)]).toEqual([group, resource, verb, false]);
    }
  });

  it("lets the platform account grant by name only what the fleet renders: admin in a namespace, the viewer role, the other layers' roles, the token Role", () => {
    const rules = roleOf("platform");
    for (const role of ["admin", names.FLEET_VIEWER_ROLE, names.layerRoleName("apps"), names.layerRoleName("traffic")]) expect(allows(rules, "rbac.authorization.k8s.io", "clusterroles", "bind", role)).toBe(true);
    for (const role of ["cluster-admin", "edit", "system:controller:clusterrole-aggregation-controller"]) expect(allows(rules, "rbac.authorization.k8s.io", "clusterroles", "bind", role)).toBe(false);
    expect(allows(rules, "rbac.authorization.k8s.io", "clusterroles", "escalate", "attacker-role")).toBe(false);
    expect(allows(rules, "rbac.authorization.k8s.io", "roles", "escalate", names.SECRETS_TOKEN_ROLE)).toBe(true);
  });

  it("binds the platform role across the cluster, and the apps role only in the fleet's namespaces, from the platform layer", () => {
    const bindings = ofType(ev, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").filter((b) => b.name.startsWith("c0-flux-layer-access"));
    expect(bindings.map((b) => (b.inputs.roleRef as { name: string }).name)).toEqual([names.layerRoleName("platform")]);
    const appsRules = roleOf("apps");
    expect(allows(appsRules, "apps", "deployments", "patch")).toBe(true);
    expect(allows(appsRules, "", "namespaces", "patch")).toBe(false);
    expect(allows(appsRules, "rbac.authorization.k8s.io", "clusterrolebindings", "create")).toBe(false);
    const appsBindings = platformBindings().filter((b) => b.roleRef.name === names.layerRoleName("apps"));
    expect(appsBindings.map((b) => b.metadata.namespace).sort()).toEqual(["ingress", "payments", "reports", "search"]);
    expect(appsBindings[0].subjects).toEqual([{ kind: "ServiceAccount", name: names.fluxLayerServiceAccount("apps"), namespace: names.AGENTS.flux.namespace }]);
  });

  it("lets the traffic account write the health-answers ConfigMap, by name, in the gateway's namespace alone", () => {
    const rules = roleOf("traffic");
    // Every verb Flux uses on one object: read, dry-run and apply (an apply that creates is authorized as create), prune.
    for (const verb of ["get", "patch", "create", "delete"]) expect([verb, allows(rules, "", "configmaps", verb, HEALTH_ANSWERS.name)]).toEqual([verb, true]);
    for (const [group, resource, verb, name] of [
      ["", "configmaps", "patch", "ingress-gateway"], ["", "configmaps", "create", undefined], ["", "configmaps", "list", undefined], ["", "configmaps", "update", HEALTH_ANSWERS.name],
      ["", "services", "patch", HEALTH_ANSWERS.name], ["apps", "deployments", "patch", HEALTH_ANSWERS.name], ["rbac.authorization.k8s.io", "rolebindings", "create", HEALTH_ANSWERS.name],
      ["platform.eks-fleet.io", "maintenancewindows", "create", HEALTH_ANSWERS.name],
    ] as const) {
      expect([group, resource, verb, name, allows(rules, group, resource, verb, name)]).toEqual([group, resource, verb, name, false]);
    }
    const bindings = platformBindings().filter((b) => b.roleRef.name === names.layerRoleName("traffic"));
    expect(bindings.map((b) => [b.metadata.namespace, b.subjects])).toEqual([
      [HEALTH_ANSWERS.namespace, [{ kind: "ServiceAccount", name: names.fluxLayerServiceAccount("traffic"), namespace: names.AGENTS.flux.namespace }]],
    ]);
  });

  it("never makes a layer whose rights go by name wait for health (health checks list each kind)", () => {
    const traffic = ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization").filter((k) => (k.inputs.metadata as { name: string }).name === names.FLUX_OBJECTS.traffic);
    expect(traffic).toHaveLength(2);
    expect(roleOf("traffic").every((rule) => (rule.resourceNames ?? []).length > 0)).toBe(true);
    for (const k of traffic) {
      expect(k.inputs.spec).not.toHaveProperty("wait");
      expect(k.inputs.spec).not.toHaveProperty("healthChecks");
    }
  });

  it("passes the agents' rules with every layer's Kustomization and the push Receiver", async () => {
    const checked = ev.resources.filter((r) => /Kustomization|Receiver|helm.sh/.test(r.type));
    expect(checked.map((r) => r.type)).toContain("kubernetes:notification.toolkit.fluxcd.io/v1:Receiver");
    expect(await evaluateResources(checked)).toEqual([]);
    // The rule reads each layer's Kustomization: one applying the traffic folder as the platform's account is caught.
    const swapped = checked.map((r) => (r.name === "c0-flux-traffic" ? { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as object), serviceAccountName: names.fluxLayerServiceAccount("platform") } } } : r));
    expect((await evaluateResources(swapped)).map((v) => [v.policy, v.urn])).toEqual([["flux-layer-service-account", checked.find((r) => r.name === "c0-flux-traffic")!.urn]]);
  });

  it("lets External Secrets mint tokens for Velero's account only, before Velero's store exists", () => {
    const role = ofType(ev, "kubernetes:rbac.authorization.k8s.io/v1:Role").find((r) => r.name === "c0-velero-token-grant-role")!;
    expect(role.inputs).toMatchObject({
      metadata: { name: names.SECRETS_TOKEN_ROLE, namespace: names.AGENTS.velero.namespace },
      rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [names.AGENTS.velero.serviceAccount], verbs: ["create"] }],
    });
    const binding = ofType(ev, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").find((r) => r.name === "c0-velero-token-grant-binding")!;
    expect(binding.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: names.AGENTS.externalSecrets.serviceAccount, namespace: names.AGENTS.externalSecrets.namespace }]);
    const store = ofType(ev, "kubernetes:external-secrets.io/v1:SecretStore").find((r) => r.name === "c0-velero-secret-store")!;
    expect([graph.waitsFor(store.urn, role.urn), graph.waitsFor(store.urn, binding.urn)]).toEqual([true, true]);
  });
});

describe("Argo CD, locked down", () => {
  let ev: Evaluation;
  let graph: DependencyGraph;
  // Three regions, so three hubs (each region's first cluster), each its own Argo CD.
  const argocd = fleetConfig(3, { gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git" } });
  const hubs = parseFleet(argocd, "us-east-1").hubs.map((h) => h.name);
  const project = (hub: string, layer: string) => ofType(ev, "kubernetes:argoproj.io/v1alpha1:AppProject").find((p) => p.name === `${hub}-argocd-projects-${layer}`)!;
  const kindsOf = (list: { group: string; kind: string }[]) => list.map((k) => `${k.group}/${k.kind}`);

  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(argocd), ACCOUNT);
    graph = new DependencyGraph(ev.resources);
  });

  it("generates every layer's Applications in that layer's project, never default, on every hub", () => {
    const sets = ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    expect(hubs.length).toBe(3);
    expect(sets.length).toBe(hubs.length * names.TREE_LAYERS.length);
    for (const set of sets) {
      const layer = (set.inputs.metadata as { name: string }).name.replace(/^fleet-/, "");
      expect((set.inputs.spec as any).template.spec.project).toBe(appProjectName(layer));
      const hub = set.name.split("-")[0];
      expect(graph.waitsFor(set.urn, project(hub, layer).urn)).toBe(true);
    }
  });

  it("whitelists exactly the allow-list's kinds per layer, from the fleet's repository, in the fleet's namespaces", () => {
    for (const layer of ["platform", "apps"] as const) {
      const spec = project("c0", layer).inputs.spec as any;
      expect(spec.sourceRepos).toEqual([argocd.gitops.repoUrl]);
      const listed = [...kindsOf(spec.clusterResourceWhitelist), ...kindsOf(spec.namespaceResourceWhitelist)];
      // The allow-list, plus the kind replicated/'s CRD declares (namespaced: both layers).
      expect(listed.sort()).toEqual([...LAYER_KINDS[layer].map((k) => `${k.group}/${k.kind}`), "platform.eks-fleet.io/MaintenanceWindow"].sort());
      const namespaces = spec.destinations.map((d: { namespace: string }) => d.namespace);
      expect(namespaces).toEqual(expect.arrayContaining(["payments", "ingress"]));
      for (const agent of ["argocd", "flux-system", "kube-system", "external-secrets", "default"]) expect(namespaces).not.toContain(agent);
    }
    // Only the platform holds cluster-scoped kinds; Applications, webhooks and the like nowhere.
    expect((project("c0", "apps").inputs.spec as any).clusterResourceWhitelist).toEqual([]);
    const platform = project("c0", "platform").inputs.spec as any;
    expect(kindsOf([...platform.clusterResourceWhitelist, ...platform.namespaceResourceWhitelist]).filter((k) => /argoproj|admissionregistration|apiregistration|fluxcd/.test(k))).toEqual([]);
  });

  it("gives the traffic layer, on every hub, a project of the gateway's namespace and ConfigMaps alone", () => {
    for (const hub of hubs) {
      const spec = project(hub, "traffic").inputs.spec as any;
      expect((project(hub, "traffic").inputs.metadata as { name: string }).name).toBe(names.argocdLayerProject("traffic"));
      expect(spec.sourceRepos).toEqual([argocd.gitops.repoUrl]);
      expect(spec.clusterResourceWhitelist).toEqual([]);
      // No kind replicated/'s CRDs declare: the traffic layer holds the switch and nothing else.
      expect(kindsOf(spec.namespaceResourceWhitelist)).toEqual(["/ConfigMap"]);
      // The empty namespace matches the generated Applications' own destination, which names none.
      expect(spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(["", HEALTH_ANSWERS.namespace]);
    }
  });

  it("passes the agents' rules with every hub's ApplicationSets, fleet-traffic included", async () => {
    const sets = ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    expect(sets.map((s) => (s.inputs.metadata as { name: string }).name)).toContain("fleet-traffic");
    expect(await evaluateResources(sets)).toEqual([]);
  });

  it("empties the default project on each hub", () => {
    const patches = ofType(ev, "kubernetes:argoproj.io/v1alpha1:AppProjectPatch");
    expect(patches.map((p) => p.name).sort()).toEqual(hubs.map((hub) => `${hub}-argocd-projects-default`).sort());
    for (const patch of patches) {
      expect(patch.inputs.metadata).toMatchObject({ name: "default", namespace: "argocd" });
      expect(patch.inputs.spec).toEqual(LOCKED_DEFAULT_PROJECT);
    }
  });
});

describe("namespace admins, through EKS access entries", () => {
  let ev: Evaluation;

  beforeAll(async () => {
    ev = await evaluateFlux();
  });

  it("gives each admin role one entry per cluster carrying the groups of every namespace it administers, and no access policy", () => {
    const entries = ofType(ev, "aws:eks/accessEntry:AccessEntry").filter((e) => String(e.inputs.principalArn).match(/payments-team|oncall/));
    expect(entries.map((e) => [e.name.split("-")[0], e.inputs.principalArn, e.inputs.type, e.inputs.kubernetesGroups]).sort()).toEqual([
      ["c0", role("oncall"), "STANDARD", ["payments-admins", "search-admins", "search-oncall"]],
      ["c0", role("payments-team"), "STANDARD", ["payments-admins"]],
      ["c1", role("oncall"), "STANDARD", ["payments-admins", "search-admins", "search-oncall"]],
      ["c1", role("payments-team"), "STANDARD", ["payments-admins"]],
    ]);
    const associations = ofType(ev, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => a.inputs.principalArn);
    expect(associations.filter((p) => String(p).match(/payments-team|oncall/))).toEqual([]);
  });

  it("binds those groups to the built-in admin in their namespace only", () => {
    const spec = parseFleet(fleetConfig(2, { namespaces: [{ name: "payments", admins: ["payments-admins"], adminRoles: [role("payments-team")] }] }), "us-east-1");
    const bindings = renderTree(spec).filter((f) => f.path.startsWith("clusters/c0/") && f.path.includes("rolebinding-")).map((f) => YAML.parse(f.content));
    const admins = bindings.filter((b) => b.subjects.some((s: { name: string }) => s.name === "payments-admins"));
    expect(admins.map((b) => [b.kind, b.metadata.namespace, b.roleRef.name])).toEqual([["RoleBinding", "payments", "admin"]]);
  });
});
