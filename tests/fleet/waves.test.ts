import { parseFleet } from "../../fleet";
import { UPGRADE_BAKE_LIMIT_SECONDS } from "../../fleet/waves";
import { fleetConfig, problemsOf } from "../fixtures/fleets";

const spec = (raw: Record<string, any>) => parseFleet(raw, "us-east-1");
const wavesOf = (raw: Record<string, any>) => spec(raw).waves.map((w) => `${w.name}: ${w.clusters.join(",")}`);

describe("default waves", () => {
  it("active-passive: a canary standby that is not the takeover standby, the other standbys, then the primary last", () => {
    const fleet = spec(fleetConfig(4));
    const takeover = fleet.takeover!.name;
    const [canary, standbys, primary] = fleet.waves;
    expect(canary.clusters).toHaveLength(1);
    expect(canary.clusters).not.toContain(takeover);
    expect(standbys.clusters).toContain(takeover);
    expect(primary.clusters).toEqual([fleet.primary!.name]);
    expect(fleet.waves.flatMap((w) => w.clusters).sort()).toEqual(fleet.clusters.map((c) => c.name).sort());
  });

  it("a fleet of a primary and its takeover standby alone: the standby first, never with the primary", () => {
    const fleet = spec(fleetConfig(2));
    expect(wavesOf(fleetConfig(2))).toEqual([`canary: ${fleet.takeover!.name}`, `primary: ${fleet.primary!.name}`]);
  });

  it("active-active: a canary in the region with most clusters, then two waves that each span the regions", () => {
    const raw = fleetConfig(6, { mode: "active-active" });
    raw.clusters = raw.clusters.map((c: any, i: number) => ({ ...c, role: undefined, region: ["us-east-1", "us-east-1", "us-east-1", "us-west-2", "us-west-2", "eu-west-1"][i] }));
    const fleet = spec(raw);
    const regionsOf = (names: readonly string[]) => new Set(names.map((n) => fleet.clusters.find((c) => c.name === n)!.region));
    const [canary, early, rest] = fleet.waves;
    expect(canary.clusters).toEqual(["c0"]);
    expect(regionsOf(early.clusters).size).toBeGreaterThan(1);
    for (const wave of fleet.waves) {
      // No wave holds every cluster of a region that has several.
      for (const region of ["us-east-1", "us-west-2"]) {
        const all = fleet.clusters.filter((c) => c.region === region).map((c) => c.name);
        expect(all.every((n) => wave.clusters.includes(n))).toBe(false);
      }
    }
    expect([...canary.clusters, ...early.clusters, ...rest.clusters].sort()).toEqual(fleet.clusters.map((c) => c.name).sort());
  });

  it("every cluster says its wave, and the bake of derived waves is rollout.bake", () => {
    const fleet = spec(fleetConfig(3, { rollout: { bake: "2h30m" } }));
    for (const wave of fleet.waves) {
      expect(wave.bakeSeconds).toBe(9000);
      for (const name of wave.clusters) expect(fleet.clusters.find((c) => c.name === name)!.wave).toBe(wave.name);
    }
  });
});

describe("rollout.waves", () => {
  const waves = (...list: [string, string[], string][]) => ({ rollout: { waves: list.map(([name, clusters, bake]) => ({ name, clusters, bake })) } });

  it("keeps the order and bakes written, and caps an upgrade's bake inside EKS's rollback window", () => {
    const fleet = spec(fleetConfig(3, waves(["first", ["c2"], "30m"], ["second", ["c1"], "200h"], ["last", ["c0"], "0s"])));
    expect(fleet.waves.map((w) => [w.name, w.clusters, w.bakeSeconds, w.upgradeBakeSeconds])).toEqual([
      ["first", ["c2"], 1800, 1800],
      ["second", ["c1"], 720000, UPGRADE_BAKE_LIMIT_SECONDS],
      ["last", ["c0"], 0, 0],
    ]);
  });

  it("refuses a cluster in two waves, in none, an unknown one, a repeated name and a bad bake, naming each field", () => {
    expect(problemsOf(fleetConfig(3, waves(["a", ["c0", "c9"], "1h"], ["a", ["c0"], "soon"])))).toEqual([
      "fleet.rollout.waves[0].clusters[1]: 'c9' is not a cluster of this fleet (c0, c1, c2)",
      "fleet.rollout.waves[1].name: 'a' is already the name of fleet.rollout.waves[0]",
      "fleet.rollout.waves[1].bake: 'soon' must be a duration such as 30m or 24h",
      "fleet.rollout.waves[1].clusters[0]: 'c0' is already in fleet.rollout.waves[0]; a cluster belongs to exactly one wave",
      "fleet.rollout.waves: 'c1', 'c2' are in no wave; every cluster belongs to exactly one wave",
    ]);
  });

  it("refuses the primary and its takeover standby in one wave", () => {
    const fleet = spec(fleetConfig(3));
    const [primary, takeover] = [fleet.primary!.name, fleet.takeover!.name];
    const other = fleet.clusters.find((c) => c.name !== primary && c.name !== takeover)!.name;
    expect(problemsOf(fleetConfig(3, waves(["one", [other], "1h"], ["two", [takeover, primary], "1h"])))).toEqual([
      `fleet.rollout.waves[1].clusters: '${primary}' (the primary) and '${takeover}' (its takeover standby) are in the same wave: a bad change would break the failover target together with the primary; put them in different waves`,
    ]);
    expect(problemsOf(fleetConfig(3, waves(["one", [other, primary], "1h"], ["two", [takeover], "1h"])))).toEqual([]);
  });

  it("refuses a gate interval under 10 s and an empty list of waves", () => {
    expect(problemsOf(fleetConfig(2, { rollout: { gateInterval: "5s", waves: [] } }))).toEqual([
      "fleet.rollout.gateInterval: '5s' must be a duration such as 1m (at least 10s)",
      "fleet.rollout.waves: lists no wave; list at least one, or leave rollout.waves out for the default waves",
    ]);
  });
});
