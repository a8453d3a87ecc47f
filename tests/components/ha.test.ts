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
    expect(kustomization(ev, "c1-flux-platform").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/platform", prune: true, suspend: false });
    expect(kustomization(ev, "c1-flux-apps").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/apps", dependsOn: [{ name: "platform" }] });
  });

  it("suspends the apps layer on secondaries only (warm standby)", () => {
    expect((kustomization(ev, "c0-flux-apps").inputs.spec as any).suspend).toBe(false);
    expect((kustomization(ev, "c1-flux-apps").inputs.spec as any).suspend).toBe(true);
    expect((kustomization(ev, "c2-flux-platform").inputs.spec as any).suspend).toBe(false);
  });

  it("health-checks every cluster's hostname every 10 s", () => {
    const checks = ofType(ev, "aws:route53/healthCheck:HealthCheck");
    expect(checks.map((c) => [c.inputs.fqdn, c.inputs.requestInterval, c.inputs.failureThreshold, c.inputs.resourcePath])).toEqual([
      ["c0.api.example.com", 10, 3, "/healthz"],
      ["c1.api.example.com", 10, 3, "/healthz"],
      ["c2.api.example.com", 10, 3, "/healthz"],
    ]);
  });

  it("fails over from the primary to a latency set of the secondaries, with health checks", () => {
    const records = ofType(ev, "aws:route53/record:Record");
    const primary = records.find((r) => (r.inputs.failoverRoutingPolicies as any)?.[0]?.type === "PRIMARY")!;
    expect(primary.inputs).toMatchObject({ name: "api.example.com", records: ["c0.api.example.com"], setIdentifier: "c0" });
    expect(primary.inputs.healthCheckId).toBeDefined();
    const secondary = records.find((r) => (r.inputs.failoverRoutingPolicies as any)?.[0]?.type === "SECONDARY")!;
    expect(secondary.inputs.aliases).toEqual([expect.objectContaining({ name: "standby.api.example.com", evaluateTargetHealth: true })]);
    const standby = records.filter((r) => r.inputs.name === "standby.api.example.com");
    expect(standby.map((r) => r.inputs.setIdentifier)).toEqual(["c1", "c2"]);
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

  it("installs Argo CD on the hub only and no Flux anywhere", () => {
    const charts = ofType(ev, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
    expect(charts.filter((c) => c === "argo-cd")).toHaveLength(1);
    expect(charts).not.toContain("flux2");
    expect(ev.resources.filter((r) => r.type.includes("fluxcd"))).toEqual([]);
  });

  it("registers every cluster on the hub with IAM auth and no bearer token", () => {
    const secrets = ofType(ev, "kubernetes:core/v1:Secret");
    expect(secrets.map((s) => (s.inputs.metadata as any).name)).toEqual(["c0", "c1", "c2"]);
    for (const s of secrets) {
      expect((s.inputs.metadata as any).labels).toMatchObject({ "argocd.argoproj.io/secret-type": "cluster" });
      expect(JSON.stringify(s.inputs)).not.toMatch(/bearerToken/);
    }
    expect((secrets[1].inputs.metadata as any).labels).toMatchObject({ fleet_role: "secondary", fleet_serves: "false" });
  });

  it("lets each spoke role be assumed by the hub role only", () => {
    const spoke = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === "prod-c2-argocd-spoke")!;
    expect(JSON.parse(String(spoke.inputs.assumeRolePolicy)).Statement).toEqual([
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/prod-c0-argocd" }, Action: "sts:AssumeRole" },
    ]);
    expect(ofType(ev, "aws:eks/accessEntry:AccessEntry").filter((e) => e.name.includes("argocd-spoke")).map((e) => e.inputs.clusterName)).toEqual(["prod-c0", "prod-c1", "prod-c2"]);
  });

  it("lets the ApplicationSets reach a cluster only after the releases its tree needs, and Argo CD after the hub's webhook", () => {
    const graph = new DependencyGraph(ev.resources);
    const release = (cluster: string, chart: string) => ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name.startsWith(`${cluster}-`) && String(r.inputs.chart).endsWith(chart))!;
    const argocd = release("c0", "argo-cd");
    expect(graph.dependsOn(argocd.urn, release("c0", "aws-load-balancer-controller").urn)).toBe(true);
    // The registration Secret is what makes the ApplicationSets generate a cluster's Applications.
    for (const secret of ofType(ev, "kubernetes:core/v1:Secret")) {
      const cluster = (secret.inputs.metadata as any).name;
      for (const chart of ["external-secrets", "velero", "karpenter", "aws-load-balancer-controller"]) {
        expect([cluster, chart, graph.dependsOn(secret.urn, release(cluster, chart).urn)]).toEqual([cluster, chart, true]);
      }
    }
    for (const set of ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet")) expect(graph.dependsOn(set.urn, argocd.urn)).toBe(true);
  });

  it("syncs passive clusters' apps only on promotion", () => {
    const sets = ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    const standby = sets.find((s) => (s.inputs.metadata as any).name === "fleet-apps-standby")!;
    expect((standby.inputs.spec as any).template.spec.syncPolicy).toEqual({});
    const active = sets.find((s) => (s.inputs.metadata as any).name === "fleet-apps")!;
    expect((active.inputs.spec as any).template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });
});

describe("active-active", () => {
  it("routes by latency with health checks and has no failover records", async () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
    const records = ofType(ev, "aws:route53/record:Record");
    expect(records.map((r) => [r.inputs.setIdentifier, (r.inputs.latencyRoutingPolicies as any)[0].region])).toEqual([
      ["c0", "us-east-1"],
      ["c1", "us-west-2"],
      ["c2", "eu-west-1"],
    ]);
    expect(records.filter((r) => r.inputs.failoverRoutingPolicies)).toEqual([]);
    for (const r of records) expect(r.inputs.healthCheckId).toBeDefined();
    expect(ev.resources.filter((r) => r.type.endsWith(":Kustomization")).map((r) => (r.inputs.spec as any).suspend)).not.toContain(true);
  });
});
