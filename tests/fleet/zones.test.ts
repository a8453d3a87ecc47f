import { parseFleet, zones } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

describe("availability zones by zone ID", () => {
  it("skips the zone IDs EKS refuses and picks in ID order, whatever the account's names", () => {
    expect(zones.chooseZoneIds(["use1-az4", "use1-az6", "use1-az1", "use1-az2", "use1-az3", "use1-az5"], 3, "us-east-1")).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(zones.chooseZoneIds(["cac1-az1", "cac1-az2", "cac1-az3", "cac1-az4"], 3, "ca-central-1")).toEqual(["cac1-az1", "cac1-az2", "cac1-az4"]);
    // By number, not by text: az10 comes after az2.
    expect(zones.chooseZoneIds(["use1-az10", "use1-az2", "use1-az11", "use1-az1"], 3, "us-east-1")).toEqual(["use1-az1", "use1-az2", "use1-az10"]);
  });

  it("uses two zones where the region offers two, even to an account that also sees usw1-az2", () => {
    expect(zones.zoneCountOf("us-west-1")).toBe(2);
    expect(zones.zoneCountOf("us-west-2")).toBe(3);
    expect(zones.chooseZoneIds(["usw1-az1", "usw1-az2", "usw1-az3"], 2, "us-west-1")).toEqual(["usw1-az1", "usw1-az3"]);
  });

  it("refuses an account that offers fewer supported zones than the cluster needs", () => {
    expect(zones.chooseZoneIds(["usw1-az1", "usw1-az2"], 2, "us-west-1")).toBe(
      "us-west-1 offers 1 availability zone(s) EKS supports to this account (usw1-az1; excluded usw1-az2); this cluster needs 2",
    );
  });

  it("accepts us-west-1 and carves one subnet pair per zone, keeping every slot's address", () => {
    const raw = fleetConfig(2);
    raw.clusters[1].region = "us-west-1";
    const spec = parseFleet(raw, "us-east-1");
    expect(spec.clusters[1].subnets).toEqual({ private: ["10.1.0.0/19", "10.1.32.0/19"], public: ["10.1.96.0/22", "10.1.100.0/22"] });
    expect(spec.clusters[0].subnets.private).toHaveLength(3);
  });
});
