import { parseFleet, SUPPORTED_REGIONS, zones } from "../../fleet";
import { fleetConfig, problemsOf } from "../fixtures/fleets";

describe("availability zones by zone ID, from the table", () => {
  it("gives every supported region two or three zones of its own, never one EKS refuses or a constrained one", () => {
    for (const region of SUPPORTED_REGIONS) {
      const ids = zones.defaultZoneIds(region);
      expect([region, ids.length >= zones.MIN_ZONES && ids.length <= zones.MAX_ZONES]).toEqual([region, true]);
      for (const id of ids) expect([region, id]).toEqual([region, expect.stringMatching(new RegExp(`^${zones.zoneIdPrefixOf(region)}-az\\d+$`))]);
      expect(ids.filter((id) => zones.EKS_UNSUPPORTED_ZONE_IDS.includes(id) || zones.CONSTRAINED_ZONE_IDS.includes(id))).toEqual([]);
    }
  });

  it("skips use1-az3, cac1-az3 and apne1-az3 and picks in ID order, the same zones in every account", () => {
    expect(zones.defaultZoneIds("us-east-1")).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(zones.defaultZoneIds("ca-central-1")).toEqual(["cac1-az1", "cac1-az2", "cac1-az4"]);
    expect(zones.defaultZoneIds("ap-northeast-1")).toEqual(["apne1-az1", "apne1-az2", "apne1-az4"]);
  });

  it("uses two zones in us-west-1, where usw1-az2 is refused by EKS", () => {
    expect(zones.defaultZoneIds("us-west-1")).toEqual(["usw1-az1", "usw1-az3"]);
    expect(zones.zoneCountOf("us-west-2")).toBe(3);
  });

  it("accepts us-west-1 and carves one subnet pair per zone, keeping every slot's address", () => {
    const raw = fleetConfig(2);
    raw.clusters[1].region = "us-west-1";
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters[1].zoneIds).toEqual(["usw1-az1", "usw1-az3"]);
    expect(spec.clusters[1].subnets).toEqual({ private: ["10.1.0.0/19", "10.1.32.0/19"], public: ["10.1.96.0/22", "10.1.100.0/22"] });
    expect(spec.clusters[0].subnets.private).toHaveLength(3);
  });
});

describe("a cluster's zoneIds override", () => {
  const withZones = (zoneIds: string[], region = "us-east-1") => {
    const raw = fleetConfig(2);
    Object.assign(raw.clusters[0], { region, zoneIds });
    return raw;
  };

  it("replaces the defaults for an account that lacks one, and sizes the subnets to it", () => {
    const spec = parseFleet(withZones(["use1-az5", "use1-az6"]), "us-east-1");
    expect(spec.clusters[0].zoneIds).toEqual(["use1-az5", "use1-az6"]);
    expect(spec.clusters[0].subnets.private).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
  });

  it.each([
    [["use1-az1"], "fleet.clusters[c0].zoneIds: lists 1 zone ID(s); a cluster uses 2 or 3 Availability Zones"],
    [["use1-az1", "use1-az2", "use1-az4", "use1-az5"], "fleet.clusters[c0].zoneIds: lists 4 zone ID(s); a cluster uses 2 or 3 Availability Zones"],
    [["use1-az1", "usw2-az1"], "fleet.clusters[c0].zoneIds: usw2-az1 is not an Availability Zone ID of us-east-1 (use1-az<n>)"],
    [["use1-az1", "us-east-1a"], "fleet.clusters[c0].zoneIds: us-east-1a is not an Availability Zone ID of us-east-1 (use1-az<n>)"],
    [["use1-az1", "use1-bos1-az1"], "fleet.clusters[c0].zoneIds: use1-bos1-az1 is not an Availability Zone ID of us-east-1 (use1-az<n>)"],
    [["use1-az1", "use1-az3"], "fleet.clusters[c0].zoneIds: EKS refuses cluster subnets in use1-az3 (EKS User Guide, \"Subnet requirements for clusters\")"],
    [["use1-az1", "use1-az1"], "fleet.clusters[c0].zoneIds: lists use1-az1 twice; each subnet pair needs its own zone"],
  ])("refuses %j", (zoneIds, problem) => {
    expect(problemsOf(withZones(zoneIds))).toEqual([problem]);
  });
});
