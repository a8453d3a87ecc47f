import * as fs from "fs";
import * as path from "path";
import { playPromotion } from "../../cli/failover/play";
import { planFleet } from "../../cli/engine/plan-stack";
import { stateMoves } from "../../deploy/migration";
import { fleetStacks } from "../../deploy/stacks";
import { parseFleet } from "../../fleet";
import { touchedStacks } from "../../deploy/touched";
import { fleetConfig, stackConfig, writeStackFile } from "../fixtures/fleets";
import { deployChanges, shown } from "../support/outage-play";
import { reconcilersOf } from "../support/reconcilers";
import { tempDir } from "../support/temp-dirs";

/** Plans the fleet, promotes, and plans again, every plan with `failedRegion` unavailable. */
async function failover(fleet: Record<string, any>, failedRegion: string) {
  const dir = tempDir("eks-fleet-failover-stacks-");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  const played = await playPromotion(writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleet), undefined, {}, [failedRegion]);
  expect(played.failedRegion).toBe(failedRegion);
  // The promotion did happen (the roles moved), and every stack was planned on both sides.
  expect(played.after.spec.primary!.name).not.toBe(played.before.spec.primary!.name);
  const stacks = fleetStacks(played.before.spec, "prod").map((s) => s.name);
  expect(new Set(played.after.document.resources.map((r) => r.stack))).toEqual(new Set(stacks));
  return played;
}

describe("a failover of a per-cluster fleet", () => {
  it("changes no stack, so none in the failed region needs a deploy, planned with that region down", async () => {
    const played = await failover(fleetConfig(4, { stacks: "per-cluster" }), "us-east-1");
    expect(touchedStacks(played.before.document, played.after.document)).toEqual([]);
  }, 60_000);

});

describe("a failover of a per-cluster Argo CD fleet, the hub's region down", () => {
  // Two clusters in each of us-east-1 and us-west-2: c0 (the primary) is us-east-1's hub, c1 us-west-2's.
  const fleet = fleetConfig(4, { stacks: "per-cluster", gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } });
  fleet.clusters = fleet.clusters.map((c: any, i: number) => ({ ...c, region: i % 2 === 0 ? "us-east-1" : "us-west-2" }));
  let played: Awaited<ReturnType<typeof failover>>;
  beforeAll(async () => {
    played = await failover(fleet, "us-east-1");
  }, 60_000);

  it("changes no stack, and every surviving cluster keeps its region's hub", () => {
    expect(played.before.spec.hubs.map((h) => [h.name, h.region])).toEqual([["c0", "us-east-1"], ["c1", "us-west-2"]]);
    expect(touchedStacks(played.before.document, played.after.document)).toEqual([]);
    const reconcilers = reconcilersOf(played.after.spec, played.after.document);
    const survivors = played.after.spec.clusters.filter((c) => c.region !== "us-east-1");
    expect(Object.fromEntries(survivors.map((c) => [c.name, reconcilers[c.name]]))).toEqual({ c1: ["c1"], c3: ["c1"] });
  });

  it("keeps the failed region's hub addresses in that region's addresses stack, which plans with the region down before and after: unchanged, they call nothing", () => {
    const held = (p: typeof played.before) => p.document.resources.filter((r) => r.stack === "prod.addresses.us-east-1" && r.type === "aws:ec2/eip:Eip" && r.region === "us-east-1").map((r) => r.urn);
    expect(held(played.before)).toHaveLength(3);
    expect(held(played.after)).toEqual(held(played.before));
    // No other stack holds an address of that region's hub: the fleet stack holds none.
    expect(played.after.document.resources.filter((r) => r.type === "aws:ec2/eip:Eip" && r.cluster === "c0").map((r) => r.stack)).toEqual(held(played.after).map(() => "prod.addresses.us-east-1"));
    expect(deployChanges(played.before.document, played.after.document).map(shown)).toEqual([]);
  });

  it("a hub takeover in the surviving region during the outage: only that region's addresses stack changes its hub addresses, the state moves only stacks of that region", async () => {
    const takeover = { ...fleet, gitops: { ...fleet.gitops, hubs: { "us-west-2": "c3" } } };
    const after = await planFleet(parseFleet(takeover, "us-east-1"), stackConfig(takeover, "us-east-1", "prod"), [], "fast", ["us-east-1"]);
    const inStack = (p: typeof after, stack: string) => ({ ...p.document, resources: p.document.resources.filter((r) => r.stack === stack) });
    const changes = (stack: string) => deployChanges(inStack(played.after, stack), inStack(after, stack)).filter((c) => !c.type.startsWith("eks-fleet:")).map(shown).sort();
    expect(changes("prod.addresses.us-west-2")).toEqual([
      ...[0, 1, 2].map((i) => `added us-west-2 aws:ec2/eip:Eip c3-nat-${i}`),
      ...[0, 1, 2].map((i) => `removed us-west-2 aws:ec2/eip:Eip c1-nat-${i}`),
    ]);
    expect([changes("prod"), changes("prod.addresses.us-east-1")]).toEqual([[], []]);
    // Moved first, they keep their addresses: the addresses stack's to prod.c1, prod.c3's to the addresses stack, all of us-west-2.
    expect(stateMoves(played.after.document, after.document).map((m) => [m.source, m.dest])).toEqual([["prod.addresses.us-west-2", "prod.c1"], ["prod.c3", "prod.addresses.us-west-2"]]);
  }, 60_000);
});
