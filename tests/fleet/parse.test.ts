import { CONFIGMAP_PROJECTION_SECONDS, parseFleet, PROMOTION_ASSUMPTIONS } from "../../fleet";
import { fleetConfig, problemsOf, ZONE_ID } from "../fixtures/fleets";

describe("parseFleet", () => {
  it("accepts a valid fleet and derives names, roles and subnets", () => {
    const spec = parseFleet(fleetConfig(3), "us-east-1");
    expect(spec.primary?.name).toBe("c0");
    expect(spec.secondaries.map((c) => c.name)).toEqual(["c1", "c2"]);
    expect(spec.clusters[1]).toMatchObject({
      eksClusterName: "prod-c1",
      hostname: "prod-c1.api.example.com",
      serves: false,
      gitopsPaths: { platform: "gitops/clusters/c1/platform", traffic: "gitops/clusters/c1/traffic", apps: "gitops/clusters/c1/apps" },
      subnets: { private: ["10.1.0.0/19", "10.1.32.0/19", "10.1.64.0/19"], public: ["10.1.96.0/22", "10.1.100.0/22", "10.1.104.0/22"] },
    });
    expect(Object.isFrozen(spec.clusters[0].nodes)).toBe(true);
  });

  it("applies documented defaults", () => {
    const spec = parseFleet(fleetConfig(2, { gitops: { repoUrl: "https://example.com/x.git" }, dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com" } }), "us-east-1");
    expect(spec.gitops).toEqual({ engine: "flux", repoUrl: "https://example.com/x.git", branch: "main", path: "gitops" });
    expect(spec.dns).toMatchObject({ healthCheckPath: "/healthz", ttl: 60, globalAccelerator: false });
    expect(spec.backup).toEqual({ schedule: "0 * * * *", retention: "720h", retentionDays: 30, maxDuration: "30m", maxDurationSeconds: 1800 });
  });

  it("lets active-active omit roles and marks every cluster as serving", () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters.map((c) => [c.role, c.serves])).toEqual([["active", true], ["active", true], ["active", true]]);
    expect(spec.primary).toBeUndefined();
  });

  it("replicates backups in a ring that skips clusters of the same region", () => {
    const raw = fleetConfig(3);
    raw.clusters[1].region = "us-east-1"; // c0 and c1 share us-east-1
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters.map((c) => c.backup.partner)).toEqual(["c2", "c2", "c0"]);
    expect(spec.clusters.find((c) => c.name === "c2")!.backup.replicasFrom).toEqual(["c0", "c1"]);
  });

  it("honours an explicit backup partner", () => {
    const raw = fleetConfig(3);
    raw.clusters[0].backupPartner = "c2";
    expect(parseFleet(raw, "us-east-1").clusters[0].backup.partner).toBe("c2");
  });

  it("computes DR figures from the health check, TTL and schedule", () => {
    // Backups start no more often than one runs (a shorter gap is refused: Velero would skip runs).
    const spec = parseFleet(fleetConfig(2, { backup: { schedule: "*/15 * * * *", maxDuration: "10m" } }), "us-east-1");
    expect(spec.dr.rtoSeconds).toBe(30 + 60);
    // The longest gap, the longest backup (backup.maxDuration), the replication bound.
    expect(spec.dr.rpoSeconds).toBe(15 * 60 + 10 * 60 + 15 * 60);
  });

  it("counts the longest backup in the RPO, and says the replication bound holds for 99.99% of objects, not all", () => {
    // Every two hours: a backup of up to 2h ends before the next starts.
    const rpo = (maxDuration: string) => parseFleet(fleetConfig(2, { backup: { schedule: "0 */2 * * *", maxDuration } }), "us-east-1").dr;
    expect(rpo("2h").rpoSeconds - rpo("30m").rpoSeconds).toBe(90 * 60);
    expect(rpo("2h").notes.join("\n")).toContain("runs up to 7200 s (backup.maxDuration");
    expect(rpo("2h").notes.join("\n")).toMatch(/holds for 99\.99% of objects, not all: a replication rule running later than 15 minutes raises its latency alarm/);
    expect(problemsOf(fleetConfig(2, { backup: { maxDuration: "soon" } }))).toEqual(["fleet.backup.maxDuration: 'soon' must be a duration of at least 1m, such as 30m"]);
  });

  it("makes a warm standby the default: apps at reduced scale, DNS alone moves traffic to the reduced copy", () => {
    const spec = parseFleet(fleetConfig(3), "us-east-1");
    expect([spec.standby, ...spec.clusters.map((c) => c.apps)]).toEqual(["warm", "running", "warm", "warm"]);
    expect(spec.dr.automatic).toMatchObject({ seconds: 30 + 60, capacity: "reduced" });
    expect(spec.dr.rtoSeconds).toBe(spec.dr.automatic!.seconds);
    expect(spec.dr.notes.join("\n")).toMatch(/warm standby's apps at their warm replica count \(annotation eks-fleet\.io\/warm-replicas, default 1\)/);
  });

  it("designates one takeover standby: the primary's backup partner, or the partner it names", () => {
    const spec = parseFleet(fleetConfig(3), "us-east-1");
    expect(spec.clusters.map((c) => [c.name, c.takeover])).toEqual([["c0", false], ["c1", true], ["c2", false]]);
    expect(spec.takeover?.name).toBe(spec.primary!.backup.partner);
    const raw = fleetConfig(3);
    raw.clusters[0].backupPartner = "c2";
    expect(parseFleet(raw, "us-east-1").takeover?.name).toBe("c2");
    const active = fleetConfig(3, { mode: "active-active" });
    active.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    expect(parseFleet(active, "us-east-1").clusters.filter((c) => c.takeover)).toEqual([]);
  });

  it.each([
    ["flux", 60],
    ["argocd", 180],
  ] as const)("counts the promotion in a pilot light's RTO (%s), and the webhook's shorter pickup beside it", (engine, polling) => {
    const raw = fleetConfig(2, { standby: "pilot-light" });
    raw.gitops = { ...raw.gitops, engine };
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters.map((c) => c.apps)).toEqual(["running", "stopped"]);
    // Traffic moves on its own, but finds no apps until the promotion.
    expect(spec.dr.automatic).toMatchObject({ seconds: 90, capacity: "none" });
    const { decideAndMergeSeconds, webhookPickupSeconds, nodeProvisioningSeconds, podsReadySeconds } = PROMOTION_ASSUMPTIONS;
    const deliberate = 30 + decideAndMergeSeconds + polling + Math.max(CONFIGMAP_PROJECTION_SECONDS + 30 + 60, nodeProvisioningSeconds + podsReadySeconds);
    expect(spec.dr.deliberate).toMatchObject({ seconds: deliberate, withWebhookSeconds: deliberate - polling + webhookPickupSeconds });
    expect(spec.dr.deliberate!.terms.reduce((sum, t) => sum + t.seconds, 0)).toBe(deliberate);
    expect(spec.dr.rtoSeconds).toBe(deliberate);
    expect(spec.dr.notes.join("\n")).toContain(`${engine === "flux" ? "Flux" : "Argo CD"} picks up the commit by polling (${polling} s)`);
  });

  it("counts Global Accelerator's shift instead of the TTL, and has no automatic failover in active-passive", () => {
    const active = fleetConfig(2, { mode: "active-active", dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", ttl: 300, globalAccelerator: true } });
    active.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const spec = parseFleet(active, "us-east-1");
    expect(spec.dr.rtoSeconds).toBe(30 + 30);
    expect(spec.dr.automatic!.terms.map((t) => t.what)).toEqual([expect.stringMatching(/^the NLB target group/), "Global Accelerator moves new connections"]);
    // Only the primary answers "serving": when it is lost, the accelerator fails open until the promotion.
    const passive = parseFleet(fleetConfig(2, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", globalAccelerator: true } }), "us-east-1");
    expect(passive.dr.automatic).toBeUndefined();
    expect(passive.dr.rtoSeconds).toBe(passive.dr.deliberate!.seconds);
    expect(passive.dr.notes[0]).toMatch(/^Automatic failover: none that restores service\..*fails open/);
  });

  it("runs every app everywhere in active-active, with no standby and nothing to promote", () => {
    const raw = fleetConfig(2, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const spec = parseFleet(raw, "us-east-1");
    expect([spec.standby, ...spec.clusters.map((c) => c.apps)]).toEqual([undefined, "running", "running"]);
    expect(spec.dr.rtoSeconds).toBe(90);
    expect(spec.dr.deliberate).toBeUndefined();
  });

  it("runs an Argo CD hub in every region, the region's first cluster unless one is pinned", () => {
    const raw = fleetConfig(4);
    raw.clusters[1].region = "us-east-1";
    raw.gitops = { ...raw.gitops, engine: "argocd" };
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.hubs.map((h) => h.name)).toEqual(["c0", "c2", "c3"]);
    expect(spec.clusters.map((c) => c.argocdHub)).toEqual(["c0", "c0", "c2", "c3"]);
    raw.gitops.hubs = { "us-east-1": "c1" };
    expect(parseFleet(raw, "us-east-1").clusters.map((c) => c.argocdHub)).toEqual(["c1", "c1", "c2", "c3"]);
    expect(parseFleet(fleetConfig(2), "us-east-1").hubs).toEqual([]);
  });
});
