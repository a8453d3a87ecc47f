import * as fs from "fs";
import * as path from "path";
import { playPromotion } from "../../cli/failover/play";
import { fleetStacks } from "../../deploy/stacks";
import { touchedStacks } from "../../deploy/touched";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

describe("a failover of a per-cluster fleet", () => {
  it("changes no stack, so none in the failed region needs a deploy, planned with that region down", async () => {
    const dir = tempDir("eks-fleet-failover-stacks-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
    const file = writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleetConfig(4, { stacks: "per-cluster" }));
    const failedRegion = "us-east-1";
    const played = await playPromotion(file, undefined, {}, [failedRegion]);
    expect(played.failedRegion).toBe(failedRegion);
    // The promotion did happen (the roles moved), and every stack was planned on both sides.
    expect(played.after.spec.primary!.name).not.toBe(played.before.spec.primary!.name);
    const stacks = fleetStacks(played.before.spec, "prod").map((s) => s.name);
    expect(new Set(played.after.document.resources.map((r) => r.stack))).toEqual(new Set(stacks));
    expect(touchedStacks(played.before.document, played.after.document)).toEqual([]);
  }, 60_000);
});
