import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const kustomization = (ev: Evaluation, name: string) => ev.resources.find((r) => r.type === "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization" && r.name === name)!;

/** Every IAM statement of every role's inline policies, parsed. */
function statements(ev: Evaluation): { role: string; Action: string | string[]; Resource: string | string[] }[] {
  return ofType(ev, "aws:iam/role:Role").flatMap((role) =>
    ((role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? []).flatMap((p) => JSON.parse(p.policy).Statement.map((s: any) => ({ ...s, role: String(role.inputs.name) }))),
  );
}

describe("flux, active-passive", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(3)), ACCOUNT);
  });

  it("installs flux in every cluster and points each at its own folders", () => {
    expect(ofType(ev, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "flux2")).toHaveLength(3);
    expect(kustomization(ev, "c1-flux-platform").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/platform", prune: true });
    expect(kustomization(ev, "c1-flux-apps").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/apps", prune: true, dependsOn: [{ name: "platform" }] });
  });

  it("orphans what a layer applied when its Kustomization is deleted (an engine switch deletes nothing)", () => {
    const layers = ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization");
    expect(layers).toHaveLength(6);
    for (const k of layers) expect((k.inputs.spec as any).deletionPolicy).toBe("Orphan");
  });

  it("never suspends a layer: suspending leaves applied apps running, so the standby's state is in the tree", () => {
    for (const k of ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization")) expect((k.inputs.spec as any).suspend).toBeUndefined();
    // The primary's and a secondary's apps Kustomizations differ only in their folder.
    expect({ ...(kustomization(ev, "c1-flux-apps").inputs.spec as any), path: "./gitops/clusters/c0/apps" }).toEqual(kustomization(ev, "c0-flux-apps").inputs.spec);
  });

  it("makes the platform layer wait for health and retry a failed apply within a minute", () => {
    // retryInterval defaults to interval (fluxcd/kustomize-controller API), 5 min here.
    expect(kustomization(ev, "c2-flux-platform").inputs.spec).toMatchObject({ wait: true, retryInterval: "1m", interval: "5m" });
    expect(kustomization(ev, "c2-flux-apps").inputs.spec).toMatchObject({ retryInterval: "1m" });
  });

  it("health-checks every cluster's hostname every 10 s", () => {
    const checks = ofType(ev, "aws:route53/healthCheck:HealthCheck");
    expect(checks.map((c) => [c.inputs.fqdn, c.inputs.requestInterval, c.inputs.failureThreshold, c.inputs.resourcePath])).toEqual([
      ["c0.api.example.com", 10, 3, "/healthz"],
      ["c1.api.example.com", 10, 3, "/healthz"],
      ["c2.api.example.com", 10, 3, "/healthz"],
    ]);
  });

  it("health-checks over HTTPS on the port where each cluster's NLB terminates TLS", () => {
    const checks = ofType(ev, "aws:route53/healthCheck:HealthCheck");
    const listeners = ofType(ev, "aws:lb/listener:Listener");
    expect(listeners).toHaveLength(3);
    for (const check of checks) {
      const cluster = String(check.inputs.fqdn).split(".")[0];
      const listener = listeners.find((l) => l.name === `${cluster}-lb-https`)!;
      expect([check.inputs.type, check.inputs.port]).toEqual(["HTTPS", listener.inputs.port]);
      expect(listener.inputs.protocol).toBe("TLS");
    }
  });

  it("fails over from the primary slot to a latency set over every cluster, with health checks", () => {
    const records = ofType(ev, "aws:route53/record:Record");
    const primary = records.find((r) => (r.inputs.failoverRoutingPolicies as any)?.[0]?.type === "PRIMARY")!;
    expect(primary.inputs).toMatchObject({ name: "api.example.com", records: ["c0.api.example.com"], setIdentifier: "primary" });
    expect(primary.inputs.healthCheckId).toBeDefined();
    const secondary = records.find((r) => (r.inputs.failoverRoutingPolicies as any)?.[0]?.type === "SECONDARY")!;
    expect(secondary.inputs.aliases).toEqual([expect.objectContaining({ name: "standby.api.example.com", evaluateTargetHealth: true })]);
    const standby = records.filter((r) => r.inputs.name === "standby.api.example.com");
    expect(standby.map((r) => r.inputs.setIdentifier)).toEqual(["c0", "c1", "c2"]);
    for (const r of standby) expect(r.inputs.healthCheckId).toBeDefined();
  });

  it("scopes ExternalDNS record changes to the fleet's zone and owns records per cluster", () => {
    const changes = statements(ev).filter((s) => [s.Action].flat().includes("route53:ChangeResourceRecordSets"));
    expect(changes.length).toBe(3);
    for (const s of changes) expect(s.Resource).toEqual([expect.stringMatching(/^arn:aws:route53:::hostedzone\/Z[0-9A-F]+$/)]);
    const dns = ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "c2-external-dns-release")!;
    expect(dns.inputs.values).toMatchObject({ txtOwnerId: "c2", domainFilters: ["example.com"], policy: "upsert-only" });
  });

  it("grants no data-plane action on '*'", () => {
    const dataPlane = /^(s3|secretsmanager|kms):|^route53:Change|^\*$/;
    for (const s of statements(ev)) {
      if ([s.Resource].flat().includes("*")) expect([s.Action].flat().filter((a) => dataPlane.test(a))).toEqual([]);
    }
  });

  it("trusts each IRSA role only from its own service account", () => {
    const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === "prod-c1-external-dns")!;
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
    expect(Object.values(trust.Condition.StringEquals)).toEqual(["system:serviceaccount:external-dns:external-dns", "sts.amazonaws.com"]);
  });
});

describe("argocd hub and spokes", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    const raw = fleetConfig(3);
    raw.gitops = { ...raw.gitops, engine: "argocd", hub: "c0" };
    ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
  });

  it("installs Argo CD on the hub and a standby in another region with its controllers at zero, and no Flux", () => {
    const argo = ofType(ev, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "argo-cd");
    expect(argo.map((r) => [r.name, (r.inputs.values as any).controller.replicas, (r.inputs.values as any).applicationSet.replicas])).toEqual([
      ["c0-argocd-argocd", 1, 1],
      ["c1-argocd-argocd", 0, 0],
    ]);
    expect(argo.map((r) => r.region)).toEqual(["us-east-1", "us-west-2"]);
    expect(ofType(ev, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).not.toContain("flux2");
    expect(ev.resources.filter((r) => r.type.includes("fluxcd"))).toEqual([]);
  });

  it("registers every cluster on both hubs with IAM auth and no bearer token", () => {
    const secrets = ofType(ev, "kubernetes:core/v1:Secret");
    expect(secrets.map((s) => [s.name, (s.inputs.metadata as any).name]).sort()).toEqual([
      ["c0-argocd-spoke-registration-c0", "c0"], ["c0-argocd-spoke-registration-c1", "c0"],
      ["c1-argocd-spoke-registration-c0", "c1"], ["c1-argocd-spoke-registration-c1", "c1"],
      ["c2-argocd-spoke-registration-c0", "c2"], ["c2-argocd-spoke-registration-c1", "c2"],
    ]);
    for (const s of secrets) {
      expect((s.inputs.metadata as any).labels).toMatchObject({ "argocd.argoproj.io/secret-type": "cluster" });
      expect(JSON.stringify(s.inputs)).not.toMatch(/bearerToken/);
    }
    expect((secrets.find((s) => s.name === "c1-argocd-spoke-registration-c0")!.inputs.metadata as any).labels).toMatchObject({ fleet_role: "secondary", fleet_serves: "false" });
  });

  it("lets each spoke role be assumed by the two hub roles only", () => {
    const spoke = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === "prod-c2-argocd-spoke")!;
    expect(JSON.parse(String(spoke.inputs.assumeRolePolicy)).Statement).toEqual([
      { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:role/prod-c0-argocd", "arn:aws:iam::123456789012:role/prod-c1-argocd"] }, Action: "sts:AssumeRole" },
    ]);
    expect(ofType(ev, "aws:eks/accessEntry:AccessEntry").filter((e) => e.name.includes("argocd-spoke")).map((e) => e.inputs.clusterName)).toEqual(["prod-c0", "prod-c1", "prod-c2"]);
  });

  it("lets the ApplicationSets reach a cluster only after the releases its tree needs, and Argo CD after the hub's webhook", () => {
    const graph = new DependencyGraph(ev.resources);
    const release = (cluster: string, chart: string) => ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name.startsWith(`${cluster}-`) && String(r.inputs.chart).endsWith(chart))!;
    const argocd = release("c0", "argo-cd");
    expect(graph.waitsFor(argocd.urn, release("c0", "aws-load-balancer-controller").urn)).toBe(true);
    // The registration Secret is what makes the ApplicationSets generate a cluster's Applications.
    for (const secret of ofType(ev, "kubernetes:core/v1:Secret")) {
      const cluster = (secret.inputs.metadata as any).name;
      for (const chart of ["external-secrets", "velero", "karpenter", "aws-load-balancer-controller"]) {
        expect([cluster, chart, graph.waitsFor(secret.urn, release(cluster, chart).urn)]).toEqual([cluster, chart, true]);
      }
    }
    // Each hub's ApplicationSets (the standby's too) wait for that hub's own Argo CD.
    for (const set of ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet")) {
      const hub = set.name.split("-")[0];
      expect([set.name, graph.waitsFor(set.urn, release(hub, "argo-cd").urn)]).toEqual([set.name, true]);
    }
    expect(ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").map((s) => s.name.split("-")[0]).sort()).toEqual(["c0", "c0", "c1", "c1"]);
  });

  it("creates each spoke role only after the hub roles it trusts exist", () => {
    const hubRoles = ofType(ev, "aws:iam/role:Role").filter((r) => ["prod-c0-argocd", "prod-c1-argocd"].includes(String(r.inputs.name))).map((r) => r.urn);
    expect(hubRoles).toHaveLength(2);
    for (const name of ["prod-c0-argocd-spoke", "prod-c1-argocd-spoke", "prod-c2-argocd-spoke"]) {
      expect(ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === name)!.dependsOn).toEqual(expect.arrayContaining(hubRoles));
    }
  });

  it("lets the hubs reach every spoke's endpoint from their NAT addresses, and only from there", () => {
    const ipsOf = (cluster: string) => ofType(ev, "aws:ec2/eip:Eip").filter((e) => e.name.startsWith(`${cluster}-`)).map((e) => e.urn);
    expect(ipsOf("c0")).toHaveLength(3);
    const eks = (name: string) => ofType(ev, "eks:index:Cluster").find((r) => r.name === name)!;
    // The standby hub (c1) is a spoke of the active one; every other spoke admits both hubs.
    for (const [spoke, hubs] of [["c1-eks", ["c0"]], ["c2-eks", ["c0", "c1"]]] as const) {
      const cidrs = eks(spoke).inputs.publicAccessCidrs as string[];
      expect(cidrs[0]).toBe("203.0.113.0/24");
      const hubIps = hubs.flatMap(ipsOf);
      expect(cidrs.slice(1)).toHaveLength(hubIps.length);
      for (const cidr of cidrs.slice(1)) expect(cidr).toMatch(/^198\.51\.100\.\d+\/32$/);
      expect(eks(spoke).dependsOn).toEqual(expect.arrayContaining(hubIps));
    }
    // The active hub talks to itself through its private endpoint.
    expect(eks("c0-eks").inputs.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });

  it("generates one Application per cluster and layer, auto-synced with retries whatever the role", () => {
    const sets = ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").filter((s) => s.name.startsWith("c0-"));
    expect(sets.map((s) => (s.inputs.metadata as any).name)).toEqual(["fleet-platform", "fleet-apps"]);
    for (const set of sets) {
      const spec = set.inputs.spec as any;
      // A second set generating the same names would fight it on a role flip.
      expect(spec.template.metadata.name).toMatch(/^\{\{\.name\}\}-(platform|apps)$/);
      expect(spec.template.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ["SkipDryRunOnMissingResource=true"],
        retry: { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
      });
      // Removing a set or a cluster Secret never deletes running workloads.
      expect(spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    }
  });
});

describe("active-active", () => {
  it("routes by latency with health checks and has no failover records", async () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
    const records = ofType(ev, "aws:route53/record:Record").filter((r) => r.inputs.name === "api.example.com");
    expect(records.map((r) => [r.inputs.setIdentifier, (r.inputs.latencyRoutingPolicies as any)[0].region])).toEqual([
      ["c0", "us-east-1"],
      ["c1", "us-west-2"],
      ["c2", "eu-west-1"],
    ]);
    expect(records.filter((r) => r.inputs.failoverRoutingPolicies)).toEqual([]);
    for (const r of records) expect(r.inputs.healthCheckId).toBeDefined();
    expect(ev.resources.filter((r) => r.type.endsWith(":Kustomization"))).toHaveLength(6);
  });
});
