import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { RenderedFile, renderTree } from "../../charts";
import { comparePlans } from "../../cli/diff/compare-plans";
import { main as failover } from "../../cli/failover";
import { playPromotion, PlayedPromotion } from "../../cli/failover/play";
import { promotionReport } from "../../cli/failover/report";
import { writeStackFileText } from "../../cli/failover/stack-file";
import { UsageError } from "../../cli/errors";
import { main as plan } from "../../cli/plan";
import { PlanDocument } from "../../cli/plan-document";
import { planSummary } from "../../cli/summary";
import { main as synth } from "../../cli/synth";
import { fleetFromStackFile, FleetSpec } from "../../fleet";
import { HealthPath, renderedAnswer } from "../support/health-answers";
import { tempDir } from "../support/temp-dirs";

/**
 * The whole failover, played offline as the on-call engineer plays it while us-east-1 (the
 * primary's and the home region) is down: promote the takeover standby (the code `npm run
 * failover` runs), `npm run synth`, then `npm run plan` of the promoted stack for the deploy
 * that reconciles it. Each variant is played once and shared by the assertions.
 */
const PROJECT = path.resolve(__dirname, "../..");
const PROD = fs.readFileSync(path.join(PROJECT, "Pulumi.prod.yaml"), "utf8");
/** An apps layer with one Deployment (3 replicas), so the tree shows what each cluster runs. */
const RENDER = { replicatedDir: path.join(PROJECT, "tests/fixtures/replicated-apps") };
/** The region that is down. */
const DOWN = "us-east-1";
/**
 * The flags that make `npm run plan` run as if DOWN were unreachable, beside the usual ones:
 * the one place to name them, so every variant's plan runs the same way.
 */
const OUTAGE_PLAN_FLAGS: readonly string[] = [];

const VARIANTS = {
  "Flux, two regions": (text: string) => text,
  "Argo CD, the hub of the failed region down with it": (text: string) => text.replace("gitops: { engine: flux,", "gitops: { engine: argocd,"),
  "three regions, pilot light": (text: string) =>
    text.replace("    mode: active-passive ", "    standby: pilot-light\n    mode: active-passive ") +
    ["      - name: euw1", "        region: eu-west-1", "        role: secondary", "        vpcCidr: 10.30.0.0/16", "        nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 }", ""].join("\n"),
  "Global Accelerator": (text: string) => text.replace("ttl: 60 }", "ttl: 60, globalAccelerator: true }"),
} as const;
type Variant = keyof typeof VARIANTS;

interface Played {
  readonly promotion: PlayedPromotion;
  /** Exit codes of `npm run synth` and `npm run plan` on the promoted stack file. */
  readonly synthCode: number;
  readonly planCode: number;
  /** The tree `synth` wrote and the plan.json `plan` wrote, during the outage. */
  readonly tree: RenderedFile[];
  readonly outage: PlanDocument;
  readonly after: FleetSpec;
}

const dir = tempDir("eks-fleet-scenario-");
const played = new Map<Variant, Played>();

/** Every file under `root`, as the renderer's RenderedFile. */
function readTree(root: string, at = ""): RenderedFile[] {
  return fs.readdirSync(path.join(root, at), { withFileTypes: true }).flatMap((e) => {
    const rel = at ? `${at}/${e.name}` : e.name;
    return e.isDirectory() ? readTree(root, rel) : [{ path: rel, content: fs.readFileSync(path.join(root, rel), "utf8") }];
  });
}

async function play(variant: Variant): Promise<Played> {
  const folder = path.join(dir, variant.replace(/\W+/g, "-"));
  fs.mkdirSync(folder);
  const file = path.join(folder, "Pulumi.prod.yaml");
  fs.writeFileSync(file, VARIANTS[variant](PROD));
  // A project of its own, so its tree (none yet) is not the repository's.
  fs.writeFileSync(path.join(folder, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  // `npm run failover` without --to: what it plays, then what it writes.
  const promotion = await playPromotion(file, undefined, RENDER);
  writeStackFileText(promotion.original, promotion.promotion.text);
  const synthCode = await synth(["--config", file, "--out", path.join(folder, "gitops")]);
  const planCode = await plan(["--config", file, "--out", path.join(folder, "plan"), ...OUTAGE_PLAN_FLAGS]);
  return {
    promotion,
    synthCode,
    planCode,
    tree: readTree(path.join(folder, "gitops")),
    outage: JSON.parse(fs.readFileSync(path.join(folder, "plan", "plan.json"), "utf8")),
    after: fleetFromStackFile(file).spec,
  };
}

beforeAll(async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    for (const variant of Object.keys(VARIANTS) as Variant[]) played.set(variant, await play(variant));
  } finally {
    log.mockRestore();
  }
}, 120_000);

/** Each fleet's tree with the fixture's apps, rendered once. */
const trees = new Map<FleetSpec, RenderedFile[]>();
const rendered = (spec: FleetSpec) => trees.get(spec) ?? trees.set(spec, renderTree(spec, RENDER)).get(spec)!;
/** The replica count of the fixture's Deployment in a cluster's rendered apps layer. */
const webReplicas = (spec: FleetSpec, cluster: string) => {
  const file = rendered(spec).find((f) => f.path === `clusters/${cluster}/apps/deployment-payments-web.yaml`)!;
  return YAML.parse(file.content).spec.replicas as number;
};

describe.each(Object.keys(VARIANTS) as Variant[])("losing us-east-1 (%s)", (variant) => {
  const get = () => played.get(variant)!;
  const answers = (spec: FleetSpec, files: readonly RenderedFile[], path: HealthPath) =>
    Object.fromEntries(spec.clusters.map((c) => [c.name, renderedAnswer(spec, files, c.name, path) === 200 ? "yes" : "no"]));

  it("promotes the takeover standby, renders and plans the surviving side: exit 0", () => {
    const { promotion, synthCode, planCode, outage } = get();
    expect(promotion.promotion.byDefault).toBe(true);
    expect(promotion.promotion.changes.map((c) => `${c.cluster} ${c.from} → ${c.to}`)).toEqual(["use1 primary → secondary", "usw2 secondary → primary"]);
    expect([synthCode, planCode]).toEqual([0, 0]);
    expect(outage.clusters.find((c) => c.role === "primary")!.name).toBe("usw2");
  });

  it("changes no AWS resource in us-east-1, no Route 53 or Global Accelerator resource: none at all", () => {
    const { promotion, outage } = get();
    const changed = [...comparePlans(promotion.before.document, outage).resources.values()].flatMap((g) => [
      ...g.added.map((r) => r.name),
      ...g.removed.map((r) => r.name),
      ...g.changed.map((c) => c.resource.name),
    ]);
    expect(changed).toEqual([]);
    expect(promotion.changes).toEqual([]);
  });

  it("says in the tree that the demoted cluster does not serve and the promoted one does; one standby takes over", () => {
    const { promotion, tree, after } = get();
    const before = rendered(promotion.before.spec);
    expect(answers(promotion.before.spec, before, "serving")).toMatchObject({ use1: "yes", usw2: "no" });
    expect(answers(after, tree, "serving")).toMatchObject({ use1: "no", usw2: "yes" });
    // Before: only usw2 (use1's backup partner) takes over; every other standby answers no.
    const takeoverBefore = answers(promotion.before.spec, before, "takeover");
    expect(Object.entries(takeoverBefore).filter(([, a]) => a === "yes").map(([c]) => c)).toEqual(["usw2"]);
    // After: only the new primary's backup partner would take over from it.
    const takeoverAfter = answers(after, tree, "takeover");
    expect(Object.entries(takeoverAfter).filter(([, a]) => a === "yes").map(([c]) => c)).toEqual([after.primary!.backup.partner]);
    for (const cluster of after.clusters) expect([cluster.name, renderedAnswer(after, tree, cluster.name, "live")]).toEqual([cluster.name, 200]);
  });

  it("starts the promoted cluster's apps and stops the demoted cluster's, in the tree", () => {
    const { promotion, after } = get();
    const standby = promotion.before.spec.standby === "pilot-light" ? 0 : 1;
    expect([webReplicas(promotion.before.spec, "use1"), webReplicas(promotion.before.spec, "usw2")]).toEqual([3, standby]);
    expect([webReplicas(after, "use1"), webReplicas(after, "usw2")]).toEqual([standby, 3]);
    expect(promotion.tree.map((t) => t.path)).toEqual(expect.arrayContaining(["clusters/use1/apps/deployment-payments-web.yaml", "clusters/usw2/apps/deployment-payments-web.yaml"]));
  });

  it("keeps the backup ring, and the promoted cluster can read the failed cluster's backups", () => {
    const { outage, after } = get();
    const usw2 = after.clusters.find((c) => c.name === "usw2")!;
    expect(usw2.backup.replicasFrom).toContain("use1");
    const velero = outage.resources.find((r) => r.name === "usw2-velero-release")!;
    const locations = (velero.inputs.values as any).configuration.backupStorageLocation;
    expect(locations).toContainEqual(expect.objectContaining({ name: "replica-use1", bucket: usw2.backup.bucket, prefix: "use1", accessMode: "ReadOnly" }));
    // …and no lifecycle rule of that bucket ever expires a current object of Kopia's repository under either prefix.
    const lifecycle = outage.resources.filter((r) => r.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    for (const rule of lifecycle.flatMap((l) => l.inputs.rules as any[])) {
      for (const cluster of ["use1", "usw2"]) {
        if (`${cluster}/kopia/default/p0123`.startsWith(rule.filter.prefix)) expect([rule.expiration, rule.transitions]).toEqual([{ expiredObjectDeleteMarker: true }, undefined]);
      }
    }
  });

  it("prints the recovery objectives per path, the same before and after", () => {
    const { promotion, outage, after } = get();
    const { dr } = promotion.before.spec;
    expect(outage.dr).toEqual(promotion.before.document.dr);
    // An hourly schedule, the default backup.maxDuration (30 min) and S3 RTC's 15 minutes.
    expect(dr.rpoSeconds).toBe(3600 + 30 * 60 + 15 * 60);
    const printed = promotionReport(promotion, { dryRun: false, file: "Pulumi.prod.yaml" }).join("\n");
    expect(printed).toContain(`Recovery objectives: RTO ${dr.rtoSeconds} s (`);
    expect(printed).toContain(`promotion ${dr.deliberate!.seconds} s`);
    expect(planSummary(after, outage)).toContain(`DR: RTO ${dr.rtoSeconds} s (`);
  });
});

describe("the variants' own guarantees", () => {
  it("Argo CD: every surviving cluster keeps an active reconciler outside the failed region", () => {
    const { after, outage } = played.get("Argo CD, the hub of the failed region down with it")!;
    expect(after.hubs.find((h) => h.region === DOWN)?.name).toBe("use1");
    for (const cluster of after.clusters.filter((c) => c.region !== DOWN)) {
      const hub = after.clusters.find((c) => c.name === cluster.argocdHub)!;
      expect(hub.region).not.toBe(DOWN);
      const release = outage.resources.find((r) => r.name === `${hub.name}-argocd-argocd`)!;
      expect((release.inputs.values as any).controller.replicas).toBe(1);
    }
  });

  it("three regions, pilot light: before the promotion only the takeover standby answers, so every client follows it", () => {
    const { promotion } = played.get("three regions, pilot light")!;
    const spec = promotion.before.spec;
    const tree = rendered(spec);
    expect(spec.clusters.map((c) => [c.name, renderedAnswer(spec, tree, c.name, "serving"), renderedAnswer(spec, tree, c.name, "takeover")])).toEqual([
      ["use1", 200, 503],
      ["usw2", 503, 200],
      ["euw1", 503, 503],
    ]);
    // The one that takes over holds the failed primary's backups.
    expect(spec.primary!.backup.partner).toBe("usw2");
  });

  it("Global Accelerator: the endpoint groups stay as they were; the promoted cluster's serving group is what turns healthy", () => {
    const { promotion, outage } = played.get("Global Accelerator")!;
    const groups = (doc: PlanDocument) => doc.resources.filter((r) => r.type.startsWith("aws:globalaccelerator/")).map((r) => r.inputs);
    expect(groups(outage)).toEqual(groups(promotion.before.document));
    expect(groups(outage).length).toBeGreaterThan(0);
  });
});

describe("an active-active fleet", () => {
  it("has nothing to promote: every cluster runs its apps and serves", async () => {
    const file = path.join(dir, "Pulumi.active.yaml");
    fs.writeFileSync(file, PROD.replace("mode: active-passive", "mode: active-active").replace(/\n {8}role: \w+/g, ""));
    await expect(failover(["--config", file, "--to", "usw2", "--dry-run"])).rejects.toThrow(
      new UsageError("--to: fleet 'prod' is active-active: every cluster already serves traffic, there is no primary to move"),
    );
    const { spec } = fleetFromStackFile(file);
    expect([webReplicas(spec, "use1"), webReplicas(spec, "usw2")]).toEqual([3, 3]);
    expect(spec.clusters.map((c) => renderedAnswer(spec, rendered(spec), c.name, "serving"))).toEqual([200, 200]);
  });
});
