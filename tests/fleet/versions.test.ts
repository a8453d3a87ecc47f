import * as fs from "fs";
import * as path from "path";
import { clusterUpgradePolicy, FleetConfigError, parseFleet } from "../../fleet";
import { EKS_VERSIONS, eksVersion, offeredVersions, supportPhase } from "../../fleet/versions";
import { fleetConfig } from "../fixtures/fleets";

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime();
};

/** The lines a config yields when parsed on `now`. */
function problemsOn(now: Date, change: (raw: Record<string, any>) => void): string[] {
  const raw = fleetConfig(2);
  change(raw);
  try {
    parseFleet(raw, "us-east-1", now);
    return [];
  } catch (err) {
    if (err instanceof FleetConfigError) return err.message.split("\n");
    throw err;
  }
}

describe("the EKS release calendar", () => {
  it("gives every version 14 months of standard support and 12 of extended support, each date with its source", () => {
    // The calendar's own rule (EKS User Guide, "Kubernetes version lifecycle"): a typo in a date breaks it.
    for (const v of EKS_VERSIONS) {
      expect(Math.abs(addMonths(v.released, 14) - Date.parse(`${v.endOfStandard}T00:00:00Z`)) / 86_400_000).toBeLessThanOrEqual(3);
      expect(addMonths(v.endOfStandard, 12)).toBe(Date.parse(`${v.endOfExtended}T00:00:00Z`));
      expect(v.source).toMatch(/\S/);
    }
  });

  it("is what the README's versions table shows, for every version not yet retired", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    for (const v of EKS_VERSIONS.filter((row) => supportPhase(row.version, new Date()) !== "ended")) {
      expect(readme).toContain(`| ${v.version} | ${v.released} | ${v.endOfStandard} | ${v.endOfExtended} |`);
    }
  });

  it("moves a version from standard to extended support at the start of its end-of-standard day (UTC)", () => {
    const { endOfStandard } = eksVersion("1.34")!;
    expect(supportPhase("1.34", new Date(Date.parse(`${endOfStandard}T00:00:00Z`) - 1))).toBe("standard");
    expect(supportPhase("1.34", new Date(`${endOfStandard}T00:00:00Z`))).toBe("extended");
  });
});

describe("fleet.kubernetesVersion at parse time", () => {
  const today = day("2026-12-03");

  it("refuses a version past the end of extended support, with its dates and the versions EKS offers", () => {
    const { endOfStandard, endOfExtended } = eksVersion("1.31")!;
    expect(problemsOn(today, (r) => (r.kubernetesVersion = "1.31"))).toEqual([
      `fleet.kubernetesVersion: '1.31' reached the end of extended support on ${endOfExtended} (standard support ended ${endOfStandard}): EKS no longer runs it; upgrade one minor version at a time to one it offers (${offeredVersions(today).join(", ")})`,
    ]);
    expect(offeredVersions(today)).toEqual(["1.32", "1.33", "1.34", "1.35", "1.36"]);
  });

  it("refuses versions EKS does not offer: unknown, or not released yet on that day", () => {
    expect(problemsOn(today, (r) => (r.kubernetesVersion = "1.40"))).toEqual([
      "fleet.kubernetesVersion: '1.40' is not a version EKS offers; choose one EKS offers today (1.32, 1.33, 1.34, 1.35, 1.36)",
    ]);
    expect(problemsOn(today, (r) => (r.kubernetesVersion = "1.35.2"))).toHaveLength(1);
    const beforeRelease = day("2026-05-01");
    expect(problemsOn(beforeRelease, (r) => (r.kubernetesVersion = "1.36"))).toEqual([
      `fleet.kubernetesVersion: '1.36' is not released on EKS until ${eksVersion("1.36")!.released}; choose one EKS offers today (${offeredVersions(beforeRelease).join(", ")})`,
    ]);
  });

  it("accepts a version in extended support (the version policy judges it) and one in standard support", () => {
    expect(problemsOn(today, (r) => (r.kubernetesVersion = "1.34"))).toEqual([]);
    expect(problemsOn(today, (r) => (r.kubernetesVersion = "1.36"))).toEqual([]);
  });
});

describe("extendedSupport: the only way onto a version past its standard support", () => {
  it("gives the clusters upgrade policy STANDARD unless the stack opts in", () => {
    const standard = parseFleet(fleetConfig(2), "us-east-1");
    expect([standard.extendedSupport, standard.supportType]).toEqual([false, "STANDARD"]);
    expect(clusterUpgradePolicy(standard)).toEqual({ supportType: "STANDARD" });

    const extended = parseFleet({ ...fleetConfig(2), extendedSupport: true }, "us-east-1");
    expect(clusterUpgradePolicy(extended)).toEqual({ supportType: "EXTENDED" });
  });

  it("takes only a boolean", () => {
    expect(problemsOn(day("2026-12-03"), (r) => (r.extendedSupport = "yes"))).toEqual(["fleet.extendedSupport: Invalid input: expected boolean, received string"]);
  });
});
