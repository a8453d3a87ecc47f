import fc from "fast-check";
import { backupPartners, PartnerInput } from "../../fleet/backup-partners";
import { parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"];

/** Clusters `c0…` in fleet order, over two to four regions, at least two of them used. */
const clusters = (min: number, max: number) =>
  fc.tuple(fc.integer({ min: 2, max: REGIONS.length }), fc.array(fc.nat(), { minLength: min, maxLength: max }))
    .map(([k, picks]) => picks.map((p, i) => ({ name: `c${i}`, region: REGIONS[p % k] })))
    .filter((list) => new Set(list.map((c) => c.region)).size >= 2);
const appended = fc.tuple(clusters(2, 11), fc.nat()).map(([list, p]) => ({ before: list, added: { name: `c${list.length}`, region: REGIONS[p % REGIONS.length] } }));

const receipts = (list: readonly PartnerInput[], partners: Map<string, string>) => {
  const count = new Map(list.map((c) => [c.name, 0]));
  for (const target of partners.values()) count.set(target, count.get(target)! + 1);
  return [...count.values()];
};
/** No region holds more than half of the clusters: only then can each receive exactly one replica. */
const balanceable = (list: readonly PartnerInput[]) => Math.max(...REGIONS.map((r) => list.filter((c) => c.region === r).length)) * 2 <= list.length;
const balanced = (list: readonly PartnerInput[], partners: Map<string, string>) => receipts(list, partners).every((n) => n === 1);

describe("backup partners", () => {
  it("send every cluster's backups to another cluster in another region", () => {
    fc.assert(fc.property(clusters(2, 12), (list) => {
      const partners = backupPartners(list);
      for (const c of list) {
        const partner = list.find((p) => p.name === partners.get(c.name));
        expect(partner?.region).toBeDefined();
        expect(partner!.region).not.toBe(c.region);
      }
    }));
  });

  it("give every cluster exactly one peer's replica whenever no region holds more than half of the clusters", () => {
    fc.assert(fc.property(clusters(2, 12), (list) => {
      fc.pre(balanceable(list));
      expect(receipts(list, backupPartners(list))).toEqual(list.map(() => 1));
    }), { numRuns: 300 });
  });

  it("appending a cluster to a balanced fleet keeps every pair but one, which moves onto the new cluster", () => {
    fc.assert(fc.property(appended, ({ before, added }) => {
      const after = [...before, added];
      const old = backupPartners(before);
      fc.pre(balanced(before, old) && balanceable(after));
      const now = backupPartners(after);
      const moved = before.filter((c) => old.get(c.name) !== now.get(c.name));
      expect(moved.length).toBeLessThanOrEqual(1);
      for (const c of moved) expect(now.get(c.name)).toBe(added.name);
      expect(balanced(after, now)).toBe(true);
    }), { numRuns: 300 });
  });

  it("is a ring in fleet order when the fleet lists region after region, growing by a splice at its end", () => {
    const ring = REGIONS.map((region, i) => ({ name: `c${i}`, region }));
    expect([...backupPartners(ring.slice(0, 3))]).toEqual([["c0", "c1"], ["c1", "c2"], ["c2", "c0"]]);
    // Adding c3 moves only c2, whose old partner c0 becomes c3's.
    expect([...backupPartners(ring)]).toEqual([["c0", "c1"], ["c1", "c2"], ["c2", "c3"], ["c3", "c0"]]);
  });

  it("evens out a fleet that starts with a stretch in one region, where the old ring received two replicas in one cluster", () => {
    const list = [["c0", 0], ["c1", 0], ["c2", 1], ["c3", 1]].map(([name, r]) => ({ name: name as string, region: REGIONS[r as number] }));
    // Before: "the next cluster in another region" sent c0 and c1 to c2, leaving c3 without a replica.
    expect(receipts(list, backupPartners(list))).toEqual([1, 1, 1, 1]);
  });

  it("keeps a pinned partner as written, and the fleet model lists every cluster's replica sources", () => {
    const raw = fleetConfig(4);
    raw.clusters[0].backupPartner = "c2";
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters[0].backup.partner).toBe("c2");
    for (const c of spec.clusters) {
      expect(c.backup.replicasFrom).toEqual(spec.clusters.filter((s) => s.backup.partner === c.name).map((s) => s.name));
    }
    expect(spec.clusters.map((c) => c.backup.replicasFrom.length)).toEqual([1, 1, 1, 1]);
  });
});
