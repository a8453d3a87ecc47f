import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { FleetSpec, names, parseFleet, WEBHOOK_SECRET } from "../../fleet";
import { fleetConfig, stackConfig, ZONE_ID } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const kustomization = (ev: Evaluation, name: string) => ev.resources.find((r) => r.type === "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization" && r.name === name)!;

/** Every IAM statement of every role's inline policies, parsed. */
function statements(ev: Evaluation): { role: string; Effect: string; Action: string | string[]; Resource: string | string[] }[] {
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
    expect(kustomization(ev, "c1-flux-traffic").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/traffic", prune: true });
    expect(kustomization(ev, "c1-flux-apps").inputs.spec).toMatchObject({ path: "./gitops/clusters/c1/apps", prune: true });
  });

  it("picks a push up in seconds: a GitHub Receiver on the fleet's source, its token in a Secret made out of band", () => {
    const receivers = ofType(ev, "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver");
    expect(receivers.map((r) => r.name)).toEqual(["c0-flux-receiver", "c1-flux-receiver", "c2-flux-receiver"]);
    expect(receivers[1].inputs).toMatchObject({
      metadata: { name: "fleet", namespace: "flux-system" },
      spec: { type: "github", events: ["ping", "push"], secretRef: { name: WEBHOOK_SECRET.name }, resources: [{ kind: "GitRepository", name: "fleet" }] },
    });
    expect(ev.resources.filter((r) => r.type === "kubernetes:core/v1:Secret")).toEqual([]);
  });

  it("orphans what a layer applied when its Kustomization is deleted (an engine switch deletes nothing)", () => {
    const layers = ofType(ev, "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization");
    expect(layers).toHaveLength(3 * names.TREE_LAYERS.length);
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

  it("health-checks every cluster's serving and takeover answers every 10 s", () => {
    const checks = ofType(ev, "aws:route53/healthCheck:HealthCheck");
    expect(checks.map((c) => [c.inputs.fqdn, c.inputs.requestInterval, c.inputs.failureThreshold, c.inputs.resourcePath])).toEqual(
      ["c0", "c1", "c2"].flatMap((c) => [
        [`prod-${c}.api.example.com`, 10, 3, "/healthz"],
        [`prod-${c}.api.example.com`, 10, 3, "/healthz/takeover"],
      ]),
    );
  });

  it("health-checks over HTTPS on the port where each cluster's NLB terminates TLS", () => {
    const checks = ofType(ev, "aws:route53/healthCheck:HealthCheck");
    const listeners = ofType(ev, "aws:lb/listener:Listener");
    expect(listeners).toHaveLength(3);
    for (const check of checks) {
      const cluster = String(check.inputs.fqdn).split(".")[0].replace(/^prod-/, "");
      const listener = listeners.find((l) => l.name === `${cluster}-lb-https`)!;
      expect([check.inputs.type, check.inputs.port]).toEqual(["HTTPS", listener.inputs.port]);
      expect(listener.inputs.protocol).toBe("TLS");
    }
  });

  it("answers PRIMARY from a set over every cluster by serving answer, SECONDARY from one by takeover answer", () => {
    const records = ofType(ev, "aws:route53/record:Record");
    const failover = (type: string) => records.find((r) => (r.inputs.failoverRoutingPolicies as any)?.[0]?.type === type)!;
    expect(failover("PRIMARY").inputs).toMatchObject({ name: "api.example.com", type: "CNAME", setIdentifier: "primary", aliases: [{ name: "_serving.api.example.com", evaluateTargetHealth: true }] });
    expect(failover("SECONDARY").inputs).toMatchObject({ name: "api.example.com", type: "CNAME", setIdentifier: "secondary", aliases: [{ name: "_takeover.api.example.com", evaluateTargetHealth: true }] });
    for (const set of ["_serving.api.example.com", "_takeover.api.example.com"]) {
      const members = records.filter((r) => r.inputs.name === set);
      expect(members.map((r) => [r.inputs.setIdentifier, r.inputs.type, r.inputs.weightedRoutingPolicies, r.inputs.records])).toEqual(
        ["c0", "c1", "c2"].map((c) => [c, "CNAME", [{ weight: 1 }], [`prod-${c}.api.example.com`]]),
      );
    }
  });

  it("wires every record to its own cluster's check, on the answer its set is about", () => {
    const checks = new Map(ofType(ev, "aws:route53/healthCheck:HealthCheck").map((c) => [c.urn, c]));
    const paths = { "_serving.api.example.com": "/healthz", "_takeover.api.example.com": "/healthz/takeover" } as Record<string, string>;
    const members = ofType(ev, "aws:route53/record:Record").filter((r) => String(r.inputs.name) in paths);
    expect(members).toHaveLength(6);
    for (const record of members) {
      // The check a record carries is the one its healthCheckId comes from.
      const used = record.dependsOn.filter((urn) => checks.has(urn)).map((urn) => checks.get(urn)!.inputs);
      expect([record.inputs.name, record.inputs.records, used]).toEqual([
        record.inputs.name,
        record.inputs.records,
        [expect.objectContaining({ fqdn: (record.inputs.records as string[])[0], resourcePath: paths[String(record.inputs.name)] })],
      ]);
    }
  });

  it("scopes ExternalDNS record changes to the fleet's zone and owns records per cluster", () => {
    // One fleet-wide ExternalDNS role (EKS Pod Identity), whatever the number of clusters.
    const changes = statements(ev).filter((s) => [s.Action].flat().includes("route53:ChangeResourceRecordSets"));
    expect(changes.length).toBe(1);
    for (const s of changes) expect(s.Resource).toEqual([`arn:aws:route53:::hostedzone/${ZONE_ID}`]);
    const dns = ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "c2-external-dns-release")!;
    expect(dns.inputs.values).toMatchObject({ txtOwnerId: "c2", domainFilters: ["example.com"], policy: "upsert-only" });
  });

  it("grants no data-plane action on '*'", () => {
    const dataPlane = /^(s3|secretsmanager|kms):|^route53:Change|^\*$/;
    // A Deny on "*" takes rights away (the Pod Identity roles' guard against other service accounts).
    for (const s of statements(ev).filter((st) => st.Effect === "Allow")) {
      if ([s.Resource].flat().includes("*")) expect([s.Action].flat().filter((a) => dataPlane.test(a))).toEqual([]);
    }
  });

  it("trusts each IRSA role only from its own service account", () => {
    const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === "prod-c1-velero")!;
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0];
    expect(Object.values(trust.Condition.StringEquals)).toEqual(["system:serviceaccount:velero:velero", "sts.amazonaws.com"]);
  });
});

describe("argocd: a hub per region", () => {
  let ev: Evaluation;
  let spec: FleetSpec;
  /** c0 and c2 share us-east-1 (hub c0, spoke c2); c1 is us-west-2's hub. */
  beforeAll(async () => {
    const raw = fleetConfig(3);
    raw.gitops = { ...raw.gitops, engine: "argocd" };
    raw.clusters[2].region = "us-east-1";
    spec = parseFleet(raw, "us-east-1");
    ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
  });
  const release = (cluster: string, chart: string) => ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name.startsWith(`${cluster}-`) && String(r.inputs.chart).endsWith(chart));
  const hubOfSecret = (name: string) => name.split("-registration-")[1];

  it("runs an active Argo CD on each region's hub, and no Flux", () => {
    const argo = ofType(ev, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "argo-cd");
    expect(argo.map((r) => [r.name, r.region, (r.inputs.values as any).controller.replicas, (r.inputs.values as any).applicationSet.replicas])).toEqual([
      ["c0-argocd-argocd", "us-east-1", 1, 1],
      ["c1-argocd-argocd", "us-west-2", 1, 1],
    ]);
    // The webhook secret is a reference to a Secret made out of band, never the token.
    for (const r of argo) expect((r.inputs.values as any).configs.secret).toEqual({ githubSecret: `$${WEBHOOK_SECRET.name}:${WEBHOOK_SECRET.key}` });
    expect(ofType(ev, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).not.toContain("flux2");
    expect(ev.resources.filter((r) => r.type.includes("fluxcd"))).toEqual([]);
  });

  it("leaves every surviving cluster an active reconciler, whichever region is lost", () => {
    for (const lost of spec.regions) {
      for (const cluster of spec.clusters.filter((c) => c.region !== lost)) {
        const registrations = ofType(ev, "kubernetes:core/v1:Secret").filter((s) => (s.inputs.metadata as any).name === cluster.name);
        const hubs = registrations.map((s) => spec.clusters.find((c) => c.name === hubOfSecret(s.name))!);
        // Registered on a hub outside the lost region, whose controllers run.
        const alive = hubs.filter((h) => h.region !== lost && (release(h.name, "argo-cd")!.inputs.values as any).controller.replicas > 0);
        expect([lost, cluster.name, alive.length]).toEqual([lost, cluster.name, 1]);
      }
    }
  });

  it("registers every cluster on its own region's hub only, with IAM auth, no bearer token and no role", () => {
    const secrets = ofType(ev, "kubernetes:core/v1:Secret");
    expect(secrets.map((s) => [s.name, (s.inputs.metadata as any).name]).sort()).toEqual([
      ["c0-argocd-spoke-registration-c0", "c0"],
      ["c1-argocd-spoke-registration-c1", "c1"],
      ["c2-argocd-spoke-registration-c0", "c2"],
    ]);
    for (const s of secrets) {
      const { labels, annotations } = s.inputs.metadata as any;
      expect(labels).toMatchObject({ "argocd.argoproj.io/secret-type": "cluster" });
      // What a cluster serves is in Git: a promotion changes no registration.
      expect(Object.keys(labels).filter((k) => /role|serves/.test(k))).toEqual([]);
      expect(annotations.gitops_traffic_path).toBe(`gitops/clusters/${(s.inputs.metadata as any).name}/traffic`);
      expect(JSON.stringify(s.inputs)).not.toMatch(/bearerToken/);
    }
  });

  it("lets each spoke role be assumed by the Argo CD role from its own hub's cluster only", () => {
    const role = (name: string) => ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === name)!;
    const trust = (spoke: string) => JSON.parse(String(role(`prod-${spoke}-argocd-spoke`).inputs.assumeRolePolicy)).Statement;
    for (const [spoke, hub] of [["c0", "c0"], ["c1", "c1"], ["c2", "c0"]]) {
      expect(trust(spoke)).toEqual([{
        Sid: "ArgoCdOfItsOwnHub",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:role/prod-argocd-pod-identity" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:PrincipalTag/eks-cluster-name": `prod-${hub}` } },
      }]);
    }
    expect(ofType(ev, "aws:eks/accessEntry:AccessEntry").filter((e) => e.name.includes("argocd-spoke")).map((e) => e.inputs.clusterName)).toEqual(["prod-c0", "prod-c1", "prod-c2"]);
  });

  it("lets the ApplicationSets reach a cluster only after the releases its tree needs, and Argo CD after the hub's webhook", () => {
    const graph = new DependencyGraph(ev.resources);
    expect(graph.waitsFor(release("c0", "argo-cd")!.urn, release("c0", "aws-load-balancer-controller")!.urn)).toBe(true);
    // The registration Secret is what makes the ApplicationSets generate a cluster's Applications.
    for (const secret of ofType(ev, "kubernetes:core/v1:Secret")) {
      const cluster = (secret.inputs.metadata as any).name;
      for (const chart of ["external-secrets", "velero", "karpenter", "aws-load-balancer-controller"]) {
        expect([cluster, chart, graph.waitsFor(secret.urn, release(cluster, chart)!.urn)]).toEqual([cluster, chart, true]);
      }
    }
    for (const set of ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet")) {
      const hub = set.name.split("-")[0];
      expect([set.name, graph.waitsFor(set.urn, release(hub, "argo-cd")!.urn)]).toEqual([set.name, true]);
    }
    expect(ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").map((s) => s.name.split("-")[0]).sort()).toEqual(["c0", "c0", "c0", "c1", "c1", "c1"]);
  });

  it("creates each spoke role only after the Argo CD role it trusts exists", () => {
    const roleUrn = (name: string) => ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === name)!;
    for (const spoke of ["c0", "c1", "c2"]) {
      expect(roleUrn(`prod-${spoke}-argocd-spoke`).dependsOn).toContain(roleUrn("prod-argocd-pod-identity").urn);
    }
  });

  it("lets a hub reach its region's spokes from its NAT addresses, and only from there", () => {
    const ipsOf = (cluster: string) => ofType(ev, "aws:ec2/eip:Eip").filter((e) => e.name.startsWith(`${cluster}-`)).map((e) => e.urn);
    expect(ipsOf("c0")).toHaveLength(3);
    const eks = (name: string) => ofType(ev, "aws:eks/cluster:Cluster").find((r) => r.name === `${name}-cluster`)!;
    const cidrsOf = (name: string) => (eks(name).inputs.vpcConfig as any).publicAccessCidrs as string[];
    const cidrs = cidrsOf("c2-eks");
    expect(cidrs[0]).toBe("203.0.113.0/24");
    expect(cidrs.slice(1)).toHaveLength(3);
    for (const cidr of cidrs.slice(1)) expect(cidr).toMatch(/^198\.51\.100\.\d+\/32$/);
    expect(eks("c2-eks").dependsOn).toEqual(expect.arrayContaining(ipsOf("c0")));
    // Hubs talk to themselves through their private endpoints; no hub reaches another region.
    expect(cidrsOf("c0-eks")).toEqual(["203.0.113.0/24"]);
    expect(cidrsOf("c1-eks")).toEqual(["203.0.113.0/24"]);
  });

  it("generates one Application per cluster and layer, auto-synced with retries whatever the role", () => {
    const sets = ofType(ev, "kubernetes:argoproj.io/v1alpha1:ApplicationSet").filter((s) => s.name.startsWith("c0-"));
    expect(sets.map((s) => (s.inputs.metadata as any).name)).toEqual(["fleet-platform", "fleet-traffic", "fleet-apps"]);
    for (const set of sets) {
      const setSpec = set.inputs.spec as any;
      // A second set generating the same names would fight it on a role flip.
      expect(setSpec.template.metadata.name).toMatch(/^\{\{\.name\}\}-(platform|traffic|apps)$/);
      expect(setSpec.template.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ["SkipDryRunOnMissingResource=true"],
        retry: { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } },
      });
      // Removing a set or a cluster Secret never deletes running workloads.
      expect(setSpec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    }
  });
});

describe("active-active", () => {
  it("routes by latency with health checks, behind one failover PRIMARY and no SECONDARY", async () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
    // `<record>` is the failover group every DNS mode keeps (a mode switch updates it in place); here its PRIMARY is the latency set.
    const atRecord = ofType(ev, "aws:route53/record:Record").filter((r) => r.inputs.name === "api.example.com");
    expect(atRecord.map((r) => [r.inputs.setIdentifier, r.inputs.failoverRoutingPolicies, r.inputs.aliases])).toEqual([
      ["primary", [{ type: "PRIMARY" }], [{ name: "_nearest.api.example.com", zoneId: ZONE_ID, evaluateTargetHealth: true }]],
    ]);
    const records = ofType(ev, "aws:route53/record:Record").filter((r) => r.inputs.name === "_nearest.api.example.com");
    expect(records.map((r) => [r.inputs.setIdentifier, (r.inputs.latencyRoutingPolicies as any)[0].region])).toEqual([
      ["c0", "us-east-1"],
      ["c1", "us-west-2"],
      ["c2", "eu-west-1"],
    ]);
    expect(records.filter((r) => r.inputs.failoverRoutingPolicies)).toEqual([]);
    // Each latency record carries its own cluster's serving check; there is no takeover answer.
    const checks = new Map(ofType(ev, "aws:route53/healthCheck:HealthCheck").map((c) => [c.urn, c.inputs]));
    expect([...checks.values()].map((c) => c.resourcePath)).toEqual(["/healthz", "/healthz", "/healthz"]);
    for (const r of records) {
      expect(r.dependsOn.filter((urn) => checks.has(urn)).map((urn) => checks.get(urn)!.fqdn)).toEqual([`prod-${r.inputs.setIdentifier}.api.example.com`]);
    }
    expect(ev.resources.filter((r) => r.type.endsWith(":Kustomization"))).toHaveLength(3 * 3);
  });
});
