import * as fs from "fs";
import * as path from "path";
import { playPromotion } from "../../cli/failover/play";
import { fleetStacks } from "../../deploy/stacks";
import { touchedStacks } from "../../deploy/touched";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
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

  it("Argo CD, the hub's region down: changes no stack, and every surviving cluster keeps its region's hub", async () => {
    // Two clusters in each of us-east-1 and us-west-2: c0 (the primary) is us-east-1's hub, c1 us-west-2's.
    const fleet = fleetConfig(4, { stacks: "per-cluster", gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } });
    fleet.clusters = fleet.clusters.map((c: any, i: number) => ({ ...c, region: i % 2 === 0 ? "us-east-1" : "us-west-2" }));
    const played = await failover(fleet, "us-east-1");
    expect(played.before.spec.hubs.map((h) => [h.name, h.region])).toEqual([["c0", "us-east-1"], ["c1", "us-west-2"]]);
    expect(touchedStacks(played.before.document, played.after.document)).toEqual([]);
    const reconcilers = reconcilersOf(played.after.spec, played.after.document);
    const survivors = played.after.spec.clusters.filter((c) => c.region !== "us-east-1");
    expect(Object.fromEntries(survivors.map((c) => [c.name, reconcilers[c.name]]))).toEqual({ c1: ["c1"], c3: ["c1"] });
  }, 60_000);
});
