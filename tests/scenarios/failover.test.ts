import * as path from "path";
import * as YAML from "yaml";
import { RenderedFile, renderTree } from "../../charts";
import { planSummary } from "../../cli/summary";
import { FleetSpec } from "../../fleet";
import { HealthPath, renderedAnswer } from "../support/health-answers";
import { deployChanges, DOWN, homeElsewhere, Outage, playOutage, PROD, promoted, shown, Side } from "../support/outage-play";
import { reconcilersOf } from "../support/reconcilers";
import { byClientRegion, TrafficWorld } from "../support/traffic";

/**
 * Losing us-east-1, prod's primary's (and home) region, in each variant of the fleet. With
 * us-east-1 unavailable to every command (tests/support/outage-play.ts): plan the stack as
 * deployed, `npm run failover` (the takeover standby), `npm run synth`, and plan the promoted
 * stack. Each variant is played once and shared by the assertions. Who serves is worked out
 * from plan.json and the tree the way Route 53 and Global Accelerator decide it
 * (tests/support/traffic.ts), for a client in each of the fleet's regions.
 */
const THIRD_CLUSTER = ["      - name: euw1", "        region: eu-west-1", "        role: secondary", "        vpcCidr: 10.30.0.0/16", "        nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 }", ""].join("\n");
const pilotLight = (text: string) => text.replace("    mode: active-passive ", "    standby: pilot-light\n    mode: active-passive ");
const accelerated = (text: string) => text.replace("ttl: 60 }", "ttl: 60, globalAccelerator: true }");
const activeActive = (text: string) => text.replace("mode: active-passive", "mode: active-active").replace(/\n {8}role: \w+/g, "");

const PASSIVE = {
  "Route 53, Flux, two regions, warm, the home region down with the primary": (text: string) => text,
  "Route 53, Flux, two regions, warm, the home region elsewhere": homeElsewhere,
  "Route 53, Argo CD, the hub of the failed region down with it": (text: string) => text.replace("gitops: { engine: flux,", "gitops: { engine: argocd,"),
  "Route 53, three regions, pilot light": (text: string) => pilotLight(text) + THIRD_CLUSTER,
  "Global Accelerator, three regions, pilot light": (text: string) => accelerated(pilotLight(text)) + THIRD_CLUSTER,
} as const;
const ACTIVE = {
  "active-active, Route 53 latency records": activeActive,
  "active-active, Global Accelerator": (text: string) => accelerated(activeActive(text)),
} as const;
type Variant = keyof typeof PASSIVE | keyof typeof ACTIVE;
const VARIANTS: Record<Variant, (text: string) => string> = { ...PASSIVE, ...ACTIVE };
const NAMES = Object.keys(VARIANTS) as Variant[];

/** An apps layer with one Deployment (3 replicas), so the tree shows what each cluster runs. */
const RENDER = { replicatedDir: path.resolve(__dirname, "../fixtures/replicated-apps") };

const played = new Map<Variant, Outage>();
beforeAll(async () => {
  for (const variant of NAMES) played.set(variant, await playOutage(VARIANTS[variant](PROD)));
}, 600_000); // seven variants, ~12 s of CPU: minutes of wall time on a busy 2-core runner

const saying = (spec: FleetSpec, tree: readonly RenderedFile[], path: HealthPath) => spec.clusters.filter((c) => renderedAnswer(spec, tree, c.name, path) === 200).map((c) => c.name);
/** The replica count of the fixture's Deployment in each cluster's rendered apps layer. */
const webReplicas = (spec: FleetSpec) => {
  const tree = renderTree(spec, RENDER);
  return spec.clusters.map((c) => YAML.parse(tree.find((f) => f.path === `clusters/${c.name}/apps/deployment-payments-web.yaml`)!.content).spec.replicas as number);
};
/** Every client, wherever it is, sent to `clusters`. */
const everyClientTo = (spec: FleetSpec, clusters: string[]) => Object.fromEntries(spec.regions.map((r) => [r, clusters]));
/** Each client sent to the clusters of its own region (what a fleet with a cluster per region and latency-based routing does). */
const eachClientToItsRegion = (spec: FleetSpec) => Object.fromEntries(spec.regions.map((r) => [r, spec.clusters.filter((c) => c.region === r).map((c) => c.name)]));
const world = (side: Side, down: string[]): TrafficWorld => ({ ...side, down: new Set(down) });

describe.each(NAMES)("losing us-east-1 (%s)", (variant) => {
  const outage = () => played.get(variant)!;
  const passive = variant in PASSIVE;

  it("plans the stack as deployed, fails over, renders and plans again, every command with us-east-1 unavailable", () => {
    const { before, failover, synth, plan } = outage();
    const after = promoted(outage());
    expect([synth.code, plan.code]).toEqual([0, 0]);
    const roles = (spec: FleetSpec) => spec.clusters.map((c) => `${c.name} ${c.role}`);
    if (!passive) {
      expect(failover).toEqual({ code: 2, printed: "--to: fleet 'prod' is active-active: every cluster already serves traffic, there is no primary to move" });
      expect(roles(after.spec)).toEqual(roles(before.spec));
      return;
    }
    expect(failover.code).toBe(0);
    expect(roles(before.spec).filter((r) => !roles(after.spec).includes(r))).toEqual(["use1 primary", "usw2 secondary"]);
    expect(roles(after.spec).filter((r) => !roles(before.spec).includes(r))).toEqual(["use1 secondary", "usw2 primary"]);
    // The standby `failover` picks on its own is the failed primary's backup partner.
    expect(before.spec.primary!.backup.partner).toBe("usw2");
    expect(failover.printed).toContain("Resources: none change (roles live in Git only).");
  });

  it("the deploy that reconciles the stack afterwards changes no resource: none in us-east-1, in Route 53 or in Global Accelerator", () => {
    const changes = deployChanges(outage().before.plan, promoted(outage()).plan);
    expect(changes.filter((c) => /^aws:(route53|globalaccelerator)\//.test(c.type) || c.location === DOWN).map(shown)).toEqual([]);
    expect(changes.map(shown)).toEqual([]);
  });

  it("renders who answers 'serving' and 'takeover': the promoted cluster and its partner after, the failed primary and its partner before", () => {
    const { before } = outage();
    const after = promoted(outage());
    const all = before.spec.clusters.map((c) => c.name);
    if (!passive) {
      expect([saying(after.spec, after.tree, "serving"), saying(after.spec, after.tree, "takeover")]).toEqual([all, []]);
      return;
    }
    expect(saying(before.spec, before.tree, "serving")).toEqual(["use1"]);
    expect(saying(after.spec, after.tree, "serving")).toEqual(["usw2"]);
    expect(saying(before.spec, before.tree, "takeover")).toEqual([before.spec.primary!.backup.partner]);
    expect(saying(after.spec, after.tree, "takeover")).toEqual([after.spec.primary!.backup.partner]);
    expect(saying(after.spec, after.tree, "live")).toEqual(all);
  });

  it("sends each client where a serving cluster is: before, when us-east-1 fails, once promoted, and once us-east-1 is back", () => {
    const { before } = outage();
    const after = promoted(outage());
    const spec = before.spec;
    if (!passive) {
      expect(byClientRegion(world(before, []))).toEqual(eachClientToItsRegion(spec));
      expect(byClientRegion(world(after, [DOWN]))).toEqual(everyClientTo(spec, ["usw2"]));
      expect(byClientRegion(world(after, []))).toEqual(eachClientToItsRegion(spec));
      return;
    }
    expect(byClientRegion(world(before, []))).toEqual(everyClientTo(spec, ["use1"]));
    // Nobody acting yet. Route 53: PRIMARY fails, SECONDARY answers the one takeover standby for
    // every client, clients near another standby included. The accelerator, whose only serving
    // endpoint is gone, fails open: each client to its closest region's endpoints, until the promotion.
    const hardFailure = byClientRegion(world(before, [DOWN]));
    expect(hardFailure).toEqual(spec.dns.globalAccelerator ? eachClientToItsRegion(spec) : everyClientTo(spec, ["usw2"]));
    // Promoted (a commit, applied by the survivors' agents), us-east-1 still down.
    expect(byClientRegion(world(after, [DOWN]))).toEqual(everyClientTo(spec, ["usw2"]));
    // us-east-1 is back: use1's gateway runs again, but its agent applied Git, which demoted it.
    expect(byClientRegion(world(after, []))).toEqual(everyClientTo(spec, ["usw2"]));
  });

  it("keeps an active reconciler outside us-east-1 for every surviving cluster", () => {
    const { spec, plan } = promoted(outage());
    const reconcilers = reconcilersOf(spec, plan);
    const regionOf = (name: string) => spec.clusters.find((c) => c.name === name)!.region;
    for (const cluster of spec.clusters.filter((c) => c.region !== DOWN)) {
      expect([cluster.name, reconcilers[cluster.name].filter((r) => regionOf(r) !== DOWN).length > 0]).toEqual([cluster.name, true]);
    }
    // …and the failed cluster's own, for when it comes back.
    expect(reconcilers.use1.length).toBeGreaterThan(0);
  });

  it("starts the promoted cluster's apps and stops the demoted cluster's, in the tree; other standbys stay as they were", () => {
    const { before } = outage();
    const after = promoted(outage());
    if (!passive) return expect(webReplicas(after.spec)).toEqual(after.spec.clusters.map(() => 3));
    const standby = before.spec.standby === "pilot-light" ? 0 : 1;
    const others = before.spec.clusters.slice(2).map(() => standby);
    expect(webReplicas(before.spec)).toEqual([3, standby, ...others]);
    expect(webReplicas(after.spec)).toEqual([standby, 3, ...others]);
  });

  it("prints the recovery objectives per path, the same before and after", () => {
    const { before, failover } = outage();
    const after = promoted(outage());
    const { dr } = before.spec;
    expect(after.plan.dr).toEqual(before.plan.dr);
    // An hourly schedule, the default backup.maxDuration (30 min) and S3 RTC's 15 minutes.
    expect(dr.rpoSeconds).toBe(3600 + 30 * 60 + 15 * 60);
    expect(planSummary(after.spec, after.plan)).toContain(`DR: RTO ${dr.rtoSeconds} s (`);
    if (!passive) return;
    expect(failover.printed).toContain(`Recovery objectives: RTO ${dr.rtoSeconds} s (`);
    expect(failover.printed).toContain(`promotion ${dr.deliberate!.seconds} s`);
  });
});

describe("the variants' own guarantees", () => {
  it("home region elsewhere: the failed region is the primary's only", () => {
    const { before } = played.get("Route 53, Flux, two regions, warm, the home region elsewhere")!;
    expect([before.spec.homeRegion, before.spec.primary!.region]).toEqual(["us-west-2", DOWN]);
    expect(played.get("Route 53, Flux, two regions, warm, the home region down with the primary")!.before.spec.homeRegion).toBe(DOWN);
  });

  it("Argo CD: the hub of us-east-1 goes down with it; us-west-2's hub reconciles usw2", () => {
    const { spec, plan } = promoted(played.get("Route 53, Argo CD, the hub of the failed region down with it")!);
    expect(spec.hubs.map((h) => `${h.name} ${h.region}`)).toEqual(["use1 us-east-1", "usw2 us-west-2"]);
    expect(reconcilersOf(spec, plan)).toEqual({ use1: ["use1"], usw2: ["usw2"] });
  });

  it("Global Accelerator: no endpoint group changes; the promoted cluster's serving group is what turns healthy", () => {
    const outage = played.get("Global Accelerator, three regions, pilot light")!;
    const groups = (side: Side) => side.plan.resources.filter((r) => r.type.startsWith("aws:globalaccelerator/")).map((r) => r.inputs);
    expect(groups(promoted(outage))).toEqual(groups(outage.before));
    expect(groups(outage.before).length).toBeGreaterThan(0);
  });
});
