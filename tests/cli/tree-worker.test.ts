import * as fs from "fs";
import * as path from "path";
import { holdsTree } from "../../charts";
import { swapInTree } from "../../charts/write-tree";
import { renderTreeInWorker, startTreeWorker } from "../../cli/tree-in-worker";
import { parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

describe("the tree worker", () => {
  it("serves a request sent just as its idle predecessor stops: the old worker's exit fails nothing of the new one's", async () => {
    const dir = tempDir("eks-fleet-tree-worker-");
    startTreeWorker();
    // Past the idle stop of a worker started before its request (a plan slow to read its stack
    // file and take its lock): the stop begins, and the request goes to a new worker.
    await new Promise((resolve) => setTimeout(resolve, 2_001));
    const { staged } = await renderTreeInWorker(parseFleet(fleetConfig(2), "us-east-1"), "gitops", path.join(dir, "gitops"));
    swapInTree(staged);
    expect(holdsTree(path.join(dir, "gitops"))).toBe(true);
    expect(fs.readdirSync(path.join(dir, "gitops", "clusters")).sort()).toEqual(["c0", "c1"]);
  });
});
