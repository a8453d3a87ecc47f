import { parseFleet } from "../../fleet";
import { fleetConfig, problemsOf } from "../fixtures/fleets";

describe("parseFleet", () => {
  it("accepts a valid fleet and derives names, roles and subnets", () => {
    const spec = parseFleet(fleetConfig(3), "us-east-1");
    expect(spec.primary?.name).toBe("c0");
    expect(spec.secondaries.map((c) => c.name)).toEqual(["c1", "c2"]);
    expect(spec.clusters[1]).toMatchObject({
      eksClusterName: "prod-c1",
      hostname: "c1.api.example.com",
      serves: false,
      gitopsPaths: { platform: "gitops/clusters/c1/platform", apps: "gitops/clusters/c1/apps" },
      subnets: { private: ["10.1.0.0/19", "10.1.32.0/19", "10.1.64.0/19"], public: ["10.1.96.0/22", "10.1.100.0/22", "10.1.104.0/22"] },
    });
    expect(Object.isFrozen(spec.clusters[0].nodes)).toBe(true);
  });

  it("applies documented defaults", () => {
    const spec = parseFleet(fleetConfig(2, { gitops: { repoUrl: "https://example.com/x.git" }, dns: { zone: "example.com", record: "api.example.com" } }), "us-east-1");
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
    const spec = parseFleet(fleetConfig(2, { backup: { schedule: "*/15 * * * *" } }), "us-east-1");
    expect(spec.dr.rtoSeconds).toBe(30 + 60);
    // The longest gap, the longest backup (backup.maxDuration, 30 min by default), the replication bound.
    expect(spec.dr.rpoSeconds).toBe(15 * 60 + 30 * 60 + 15 * 60);
  });

  it("counts the longest backup in the RPO, and says the replication bound holds for 99.99% of objects, not all", () => {
    const rpo = (maxDuration: string) => parseFleet(fleetConfig(2, { backup: { schedule: "0 * * * *", maxDuration } }), "us-east-1").dr;
    expect(rpo("2h").rpoSeconds - rpo("30m").rpoSeconds).toBe(90 * 60);
    expect(rpo("2h").notes.join("\n")).toContain("runs up to 7200 s (backup.maxDuration");
    expect(rpo("2h").notes.join("\n")).toMatch(/holds for 99\.99% of objects, not all: a replication rule running later than 15 minutes raises its latency alarm/);
    expect(problemsOf(fleetConfig(2, { backup: { maxDuration: "soon" } }))).toEqual(["fleet.backup.maxDuration: 'soon' must be a duration of at least 1m, such as 30m"]);
  });

  it("makes a warm standby the default: apps at reduced scale, DNS alone moves traffic", () => {
    const spec = parseFleet(fleetConfig(3), "us-east-1");
    expect([spec.standby, ...spec.clusters.map((c) => c.apps)]).toEqual(["warm", "running", "warm", "warm"]);
    expect(spec.dr.rtoSeconds).toBe(30 + 60);
    expect(spec.dr.notes.join("\n")).toMatch(/Warm standby: .*eks-fleet\.io\/warm-replicas, default 1/);
  });

  it.each([
    ["flux", 30 + 300 + 60 + 120],
    ["argocd", 30 + 300 + 180 + 120],
  ])("counts the promotion in a pilot light's RTO (%s)", (engine, rto) => {
    const raw = fleetConfig(2, { standby: "pilot-light" });
    raw.gitops = { ...raw.gitops, engine, ...(engine === "argocd" ? { hub: "c1" } : {}) };
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters.map((c) => c.apps)).toEqual(["running", "stopped"]);
    expect(spec.dr.rtoSeconds).toBe(rto);
    const notes = spec.dr.notes.join("\n");
    expect(notes).toContain(`npm run failover merged (assumed 300 s), ${engine === "flux" ? "Flux" : "Argo CD"} picking up the commit (${engine === "flux" ? 60 : 180} s), pods ready (assumed 120 s)`);
    expect(notes).toContain("node group");
  });

  it("counts Global Accelerator's shift instead of the TTL when it moves traffic", () => {
    const spec = parseFleet(fleetConfig(2, { dns: { zone: "example.com", record: "api.example.com", ttl: 300, globalAccelerator: true } }), "us-east-1");
    expect(spec.dr.rtoSeconds).toBe(30 + 30);
    expect(spec.dr.notes[0]).toMatch(/^RTO: the NLB target group .* Global Accelerator moves new connections .* no DNS TTL is involved\.$/);
    const pilot = parseFleet(fleetConfig(2, { standby: "pilot-light", dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } }), "us-east-1");
    expect(pilot.dr.rtoSeconds).toBe(30 + 300 + 60 + 120);
  });

  it("runs every app everywhere in active-active, with no standby", () => {
    const raw = fleetConfig(2, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    const spec = parseFleet(raw, "us-east-1");
    expect([spec.standby, ...spec.clusters.map((c) => c.apps)]).toEqual([undefined, "running", "running"]);
    expect(spec.dr.rtoSeconds).toBe(90);
  });

  it("keeps a standby Argo CD hub in another region than the hub", () => {
    const raw = fleetConfig(4);
    raw.clusters[1].region = "us-east-1";
    raw.gitops = { ...raw.gitops, engine: "argocd", hub: "c0" };
    const spec = parseFleet(raw, "us-east-1");
    expect([spec.hub?.name, spec.standbyHub?.name]).toEqual(["c0", "c2"]);
  });
});
