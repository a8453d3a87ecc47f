import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { RenderedFile, renderTree } from "../../charts";
import { fleetFromStackFile, FleetSpec } from "../../fleet";
import { playPromotion, PlayedPromotion } from "../../cli/failover/play";
import { promotionReport } from "../../cli/failover/report";
import { StackPlan } from "../../cli/engine/plan-stack";
import { main as failover } from "../../cli/failover";
import { UsageError } from "../../cli/errors";
import { planSummary } from "../../cli/summary";
import { PlanDocument, PlanResource } from "../../cli/plan-document";

/**
 * The whole failover story, played offline on the prod fleet for each engine and standby:
 * plan, promote the secondary with the code `npm run failover` runs, plan again, and check
 * what an on-call engineer relies on. Each fleet is played once and shared by the assertions.
 */
const PROJECT = path.resolve(__dirname, "../..");
const PROD = fs.readFileSync(path.join(PROJECT, "Pulumi.prod.yaml"), "utf8");
/** An apps layer with one Deployment (3 replicas), so the tree shows what each cluster runs. */
const RENDER = { replicatedDir: path.join(PROJECT, "tests/fixtures/replicated-apps") };

/** prod's RPO: an hourly schedule, the default backup.maxDuration (30 min) and S3 RTC's 15 minutes. */
const PROD_RPO = 3600 + 30 * 60 + 15 * 60;
const RECORD = "aws:route53/record:Record";
const SECRET = "kubernetes:core/v1:Secret";

type Engine = "flux" | "argocd";
type Standby = "warm" | "pilot-light";

function stackText(engine: Engine, standby: Standby): string {
  let text = PROD.replace("    mode: active-passive ", `    standby: ${standby}\n    mode: active-passive `);
  if (engine === "argocd") text = text.replace("gitops: { engine: flux,", "gitops: { engine: argocd, hub: use1,");
  return text;
}

let dir: string;
const played = new Map<string, PlayedPromotion>();
const key = (engine: Engine, standby: Standby) => `${engine}/${standby}`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-scenario-"));
  for (const engine of ["flux", "argocd"] as const) {
    for (const standby of ["warm", "pilot-light"] as const) {
      // Each fleet is the prod stack: its own folder, the same file name.
      const file = path.join(dir, `${engine}-${standby}`, "Pulumi.prod.yaml");
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, stackText(engine, standby));
      played.set(key(engine, standby), await playPromotion(file, "usw2", RENDER));
    }
  }
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byName = (plan: PlanDocument, type: string) => new Map(plan.resources.filter((r) => r.type === type).map((r) => [r.name, r]));
/** What Route 53 identifies a record by, plus the Pulumi URN the engine tracks it by. */
const identity = (r: PlanResource) => {
  const { name, type, setIdentifier, failoverRoutingPolicies, latencyRoutingPolicies } = r.inputs as Record<string, unknown>;
  return { urn: r.urn, name, type, setIdentifier, failoverRoutingPolicies, latencyRoutingPolicies };
};
/** The replica count of the fixture's Deployment in a cluster's rendered apps layer. */
const trees = new Map<FleetSpec, RenderedFile[]>();
const webReplicas = (spec: FleetSpec, cluster: string) => {
  if (!trees.has(spec)) trees.set(spec, renderTree(spec, RENDER));
  const file = trees.get(spec)!.find((f) => f.path === `clusters/${cluster}/apps/deployment-payments-web.yaml`)!;
  return YAML.parse(file.content).spec.replicas as number;
};

describe.each([
  ["flux", "warm", { rto: 90, standbyReplicas: 1 }],
  ["flux", "pilot-light", { rto: 30 + 300 + 60 + 120, standbyReplicas: 0 }],
  ["argocd", "warm", { rto: 90, standbyReplicas: 1 }],
  ["argocd", "pilot-light", { rto: 30 + 300 + 180 + 120, standbyReplicas: 0 }],
] as const)("failing over the prod fleet (%s, %s standby) from use1 to usw2", (engine, standby, expected) => {
  const play = () => played.get(key(engine, standby))!;

  it("keeps every record's identity: a failover only updates records and healthCheckId", () => {
    const [before, after] = [byName(play().before.document, RECORD), byName(play().after.document, RECORD)];
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, record] of before) expect(identity(after.get(name)!)).toEqual(identity(record));
    for (const change of play().changes.filter((c) => c.type === RECORD)) {
      expect(change.kind).toBe("changed");
      expect(change.keys).toEqual(["inputs.healthCheckId", "inputs.records[0]"]);
    }
    const primary = after.get("dns-primary")!.inputs;
    expect(primary.records).toEqual(["usw2.api.example.com"]);
    expect(after.get("dns-secondary")!.inputs.records).toEqual(["use1.api.example.com"]);
  });

  it("changes only the expected resources, and targets those the surviving side can reach", () => {
    const changes = play().changes.map((c) => `${c.side} ${c.location} ${c.name}`);
    const registrations = engine === "flux" ? [] : [
      // The hub (use1) is in the failed region; its standby in us-west-2 is reachable.
      "failed us-east-1 use1-argocd-spoke-registration-use1",
      "surviving us-west-2 use1-argocd-spoke-registration-usw2",
      "failed us-east-1 usw2-argocd-spoke-registration-use1",
      "surviving us-west-2 usw2-argocd-spoke-registration-usw2",
    ];
    expect(changes.sort()).toEqual(["surviving global dns-primary", "surviving global dns-secondary", ...registrations].sort());
    expect(play().targets.map((urn) => urn.split("::").pop()).sort()).toEqual(
      ["dns-primary", "dns-secondary", ...(engine === "argocd" ? ["use1-argocd-spoke-registration-usw2", "usw2-argocd-spoke-registration-usw2"] : [])].sort(),
    );
    // Targets are engine URNs: the qualified type chains every ancestor below the stack.
    expect(play().targets).toContain("urn:pulumi:prod::eks-fleet::eks-fleet:index:Fleet$eks-fleet:dns:DnsRouting$aws:route53/record:Record::dns-primary");
  });

  it("starts the promoted cluster's apps and stops the demoted cluster's, on the AWS side and in the tree", () => {
    const { before, after, tree } = play();
    expect([webReplicas(before.spec, "use1"), webReplicas(before.spec, "usw2")]).toEqual([3, expected.standbyReplicas]);
    expect([webReplicas(after.spec, "use1"), webReplicas(after.spec, "usw2")]).toEqual([expected.standbyReplicas, 3]);
    expect(tree.map((t) => t.path)).toEqual(expect.arrayContaining(["clusters/use1/apps/deployment-payments-web.yaml", "clusters/usw2/apps/deployment-payments-web.yaml"]));
    if (engine === "flux") {
      // Both agents keep reconciling (and pruning) whatever the tree says: nothing to resume.
      for (const plan of [before, after]) {
        for (const k of plan.document.resources.filter((r) => r.type.endsWith(":Kustomization"))) {
          expect(k.inputs.spec).toMatchObject({ prune: true });
          expect((k.inputs.spec as Record<string, unknown>).suspend).toBeUndefined();
        }
      }
    } else {
      const labels = (plan: StackPlan, name: string) => (byName(plan.document, SECRET).get(name)!.inputs.metadata as any).labels;
      expect(labels(after, "usw2-argocd-spoke-registration-usw2")).toMatchObject({ fleet_role: "primary", fleet_serves: "true" });
      expect(labels(after, "use1-argocd-spoke-registration-usw2")).toMatchObject({ fleet_role: "secondary", fleet_serves: "false" });
      const appSets = after.document.resources.filter((r) => r.type.endsWith(":ApplicationSet") && r.name.endsWith("fleet-apps"));
      expect(appSets).toHaveLength(2);
      for (const set of appSets) expect((set.inputs.spec as any).template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    }
  });

  it("keeps the backup ring over every cluster, and the survivor can read the failed cluster's backups", () => {
    const { after, changes } = play();
    expect(changes.filter((c) => /s3|velero|backup/i.test(`${c.type} ${c.name}`))).toEqual([]);
    const replication = byName(after.document, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    for (const cluster of after.spec.clusters) {
      const rule = (replication.get(`${cluster.name}-backup-replication-config`)!.inputs.rules as any[])[0];
      const partner = after.spec.clusters.find((c) => c.name === cluster.backup.partner)!;
      expect(partner.region).not.toBe(cluster.region);
      expect([rule.filter.prefix, rule.destination.bucket]).toEqual([`${cluster.name}/`, `arn:aws:s3:::${partner.backup.bucket}`]);
    }
    // Restore: usw2's Velero has a read-only location on use1's replicated prefix in its own bucket…
    const velero = byName(after.document, "kubernetes:helm.sh/v3:Release").get("usw2-velero-release")!;
    const locations = (velero.inputs.values as any).configuration.backupStorageLocation;
    expect(locations).toContainEqual(expect.objectContaining({ name: "replica-use1", bucket: "prod-usw2-velero-123456789012", prefix: "use1", accessMode: "ReadOnly" }));
    // …and no lifecycle rule of that bucket ever expires a current object of Kopia's repository under either prefix.
    const lifecycle = [...byName(after.document, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").values()];
    for (const rule of lifecycle.flatMap((l) => l.inputs.rules as any[])) {
      for (const cluster of ["use1", "usw2"]) {
        if (`${cluster}/kopia/default/p0123`.startsWith(rule.filter.prefix)) expect([rule.expiration, rule.transitions]).toEqual([{ expiredObjectDeleteMarker: true }, undefined]);
      }
    }
  });

  it(`gives RTO ${expected.rto} s and RPO ${PROD_RPO} s before and after, and prints them with the targeted deploy`, () => {
    const { before, after } = play();
    expect([before.document.dr.rtoSeconds, after.document.dr.rtoSeconds]).toEqual([expected.rto, expected.rto]);
    expect([before.document.dr.rpoSeconds, after.document.dr.rpoSeconds]).toEqual([PROD_RPO, PROD_RPO]);
    const printed = promotionReport(play(), { dryRun: true, file: "Pulumi.prod.yaml" }).join("\n");
    expect(printed).toContain(`Recovery objectives: RTO ${expected.rto} s, RPO ${PROD_RPO} s (${standby} standby) → RTO ${expected.rto} s, RPO ${PROD_RPO} s (${standby} standby)`);
    expect(printed).toContain("pulumi up --stack prod \\");
    expect(planSummary(after.spec, after.document)).toContain(
      `DR: RTO ${expected.rto} s (${standby} standby: DNS ${standby === "warm" ? "alone" : "+ promotion"}) · RPO ${PROD_RPO} s · assumptions in plan.json dr.notes`,
    );
    for (const urn of play().targets) expect(printed).toContain(`--target '${urn}'`);
    if (engine === "argocd") expect(printed).toContain("Left until us-east-1 is back (then run a full `pulumi up`): use1-argocd-spoke-registration-use1, usw2-argocd-spoke-registration-use1");
  });
});

describe("an active-active fleet", () => {
  it("has nothing to promote: every cluster runs its apps, and DNS alone moves traffic", async () => {
    const file = path.join(dir, "active-active", "Pulumi.prod.yaml");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, PROD.replace("mode: active-passive", "mode: active-active").replace(/\n {8}role: \w+/g, ""));
    await expect(failover(["--config", file, "--to", "usw2", "--dry-run"])).rejects.toThrow(
      new UsageError("--to: fleet 'prod' is active-active: every cluster already serves traffic, there is no primary to move"),
    );
    // Its latency records (one per cluster, health-checked) are pinned in tests/components/ha.test.ts.
    const { spec } = fleetFromStackFile(file);
    expect([webReplicas(spec, "use1"), webReplicas(spec, "usw2")]).toEqual([3, 3]);
    expect([spec.dr.rtoSeconds, spec.dr.rpoSeconds]).toEqual([90, PROD_RPO]);
  });
});

describe("a fleet behind Global Accelerator", () => {
  it("moves the traffic dials through the accelerator's API in us-west-2, which the surviving side reaches", async () => {
    const file = path.join(dir, "accelerator", "Pulumi.prod.yaml");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, PROD.replace("ttl: 60 }", "ttl: 60, globalAccelerator: true }"));
    const play = await playPromotion(file, "usw2");
    // No failover records to update: the accelerator fails over by itself; promotion moves its dials.
    expect(play.changes.map((c) => `${c.side} ${c.location} ${c.name} ${c.keys.join(",")}`).sort()).toEqual([
      "surviving us-west-2 accelerator-us-east-1 inputs.trafficDialPercentage",
      "surviving us-west-2 accelerator-us-west-2 inputs.trafficDialPercentage",
    ]);
    expect(play.targets.map((urn) => urn.split("::").pop()).sort()).toEqual(["accelerator-us-east-1", "accelerator-us-west-2"]);
    const dial = (doc: PlanDocument, name: string) => doc.resources.find((r) => r.name === name)!.inputs.trafficDialPercentage;
    expect([dial(play.before.document, "accelerator-us-east-1"), dial(play.before.document, "accelerator-us-west-2")]).toEqual([100, 0]);
    expect([dial(play.after.document, "accelerator-us-east-1"), dial(play.after.document, "accelerator-us-west-2")]).toEqual([0, 100]);
    expect(play.after.document.dr.rtoSeconds).toBe(60);
  });
});
