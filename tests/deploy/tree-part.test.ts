import { fleetStacks } from "../../deploy/stacks";
import { treePart } from "../../deploy/tree-part";
import { parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

const ARGOCD = { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" };
const partsOf = (raw: Record<string, unknown>) => {
  const spec = parseFleet(raw, "us-east-1");
  return Object.fromEntries(fleetStacks(spec, "prod").map((s) => [s.name, treePart(spec, s)]));
};

describe("the part of the tree each stack's agents apply", () => {
  it("is the whole tree for a single stack", () => {
    expect(partsOf(fleetConfig(3))).toEqual({ prod: undefined });
    expect(partsOf(fleetConfig(3, { gitops: ARGOCD }))).toEqual({ prod: undefined });
  });

  it("is a cluster's own folders for its stack with Flux, and none for the fleet, replication and links stacks", () => {
    const parts = partsOf(fleetConfig(3, { stacks: "per-cluster" }));
    expect(parts["prod.c1"]).toEqual(["c1"]);
    const others = Object.entries(parts).filter(([name]) => !/^prod\.c\d+$/.test(name));
    expect(others.length).toBeGreaterThan(1);
    for (const [name, part] of others) expect([name, part]).toEqual([name, []]);
  });

  it("is the region's clusters for a links stack with Argo CD, which registers them with their hub, and none for a cluster's, the fleet or an addresses stack", () => {
    const raw = fleetConfig(4, { stacks: "per-cluster", gitops: ARGOCD });
    raw.clusters = raw.clusters.map((c: any, i: number) => ({ ...c, region: i % 2 === 0 ? "us-east-1" : "us-west-2" }));
    const parts = partsOf(raw);
    expect(parts["prod.links.us-east-1"]).toEqual(["c0", "c2"]);
    expect(parts["prod.links.us-west-2"]).toEqual(["c1", "c3"]);
    expect(parts["prod.c0"]).toEqual([]);
    expect([parts.prod, parts["prod.addresses.us-east-1"], parts["prod.addresses.us-west-2"]]).toEqual([[], [], []]);
  });
});
