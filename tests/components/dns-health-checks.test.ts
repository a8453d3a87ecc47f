import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { PlanResource } from "../../cli/plan-document";
import { withMockIds } from "../../cli/policy-run";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ROOT = path.resolve(__dirname, "../..");
const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

/** The prod stack file's fleet, optionally with the roles swapped as `npm run failover -- --to usw2` does. */
function prodFleet(promoted = false): Record<string, any> {
  const fleet = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];
  if (promoted) for (const c of fleet.clusters) c.role = c.role === "primary" ? "secondary" : "primary";
  return fleet;
}

const FLEETS: Record<string, Record<string, any>> = {
  "prod": prodFleet(),
  "prod after a failover to usw2": prodFleet(true),
  "active-passive, three clusters (a standby set)": fleetConfig(3),
  "active-active, three clusters": (() => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    return raw;
  })(),
};

/** Where a name ends up, following the plan's plain records (no routing policy): CNAME targets and alias names. */
function destination(name: string, records: readonly PlanResource[], seen = new Set<string>()): string {
  if (seen.has(name)) return name;
  seen.add(name);
  const plain = records.filter((r) => r.inputs.name === name && !r.inputs.setIdentifier);
  if (plain.length !== 1) return name;
  const next = pointsAt(plain[0]);
  return next === undefined ? name : destination(next, records, seen);
}

/** The hostname a record answers with: its CNAME target or its alias's name. */
function pointsAt(record: PlanResource): string | undefined {
  const cname = (record.inputs.records as string[] | undefined)?.[0];
  const alias = (record.inputs.aliases as { name: string }[] | undefined)?.[0]?.name;
  return cname ?? alias;
}

/**
 * Route 53 answers with a record only while its health check passes, so each record must
 * carry the check of the very endpoint it sends clients to: a standby record wired to the
 * primary's check keeps answering "standby" while the standby is down, and drops it when
 * the primary fails — failover to a dead cluster. Read at the plan.json level, whatever
 * the record design (CNAME, alias, slot names).
 */
describe.each(Object.entries(FLEETS))("health-checked records of %s", (_, fleet) => {
  let records: PlanResource[];
  let checks: Map<string, PlanResource>;
  beforeAll(async () => {
    const spec = parseFleet(fleet, "us-east-1");
    const { document } = await planFleet(spec, stackConfig(fleet, "us-east-1", "prod"));
    const resources = withMockIds(document.resources);
    records = resources.filter((r) => r.type === RECORD);
    checks = new Map(resources.filter((r) => r.type === HEALTH_CHECK).map((r) => [r.id!, r]));
  });

  it("each carries the check of the endpoint it answers with", () => {
    const checked = records.filter((r) => r.inputs.healthCheckId !== undefined);
    expect(checked.length).toBeGreaterThan(0);
    for (const record of checked) {
      const check = checks.get(String(record.inputs.healthCheckId));
      expect({ record: record.name, check: check?.name }).toEqual({ record: record.name, check: expect.any(String) });
      const target = pointsAt(record);
      expect({ record: record.name, probes: destination(String(check!.inputs.fqdn), records) }).toEqual({ record: record.name, probes: destination(String(target), records) });
    }
  });

  it("every cluster's check guards some record", () => {
    const used = new Set(records.map((r) => r.inputs.healthCheckId).filter((id) => id !== undefined));
    expect([...checks.keys()].filter((id) => !used.has(id)).map((id) => checks.get(id)!.name)).toEqual([]);
  });
});

/**
 * In a per-cluster fleet each cluster stack builds its own checks and set records, and one
 * stack builds `<record>`'s failover group over them: Route 53 holds one record set per name,
 * type and set identifier, so a second stack building the same slot fails its deploy or takes
 * the record from the first.
 */
describe("a per-cluster fleet's failover records", () => {
  const activeActive = () => {
    const raw = fleetConfig(3, { stacks: "per-cluster", mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    return raw;
  };
  it.each([
    ["Route 53, active-passive", () => fleetConfig(3, { stacks: "per-cluster" })],
    ["Route 53, active-active", activeActive],
    ["Global Accelerator", () => fleetConfig(3, { stacks: "per-cluster", dns: { ...fleetConfig(3).dns, globalAccelerator: true } })],
  ])("are built by one stack only (%s)", async (_, config) => {
    const raw = config();
    const spec = parseFleet(raw, "us-east-1");
    const { document } = await planFleet(spec, stackConfig(raw, "us-east-1", "prod"));
    const slots = document.resources.filter((r) => r.type === RECORD && r.inputs.name === spec.dns.record && r.inputs.setIdentifier !== undefined);
    expect(slots.length).toBeGreaterThan(0);
    const owners = new Map<string, Set<string | undefined>>();
    for (const r of slots) owners.set(String(r.inputs.setIdentifier), new Set([...(owners.get(String(r.inputs.setIdentifier)) ?? []), r.stack]));
    for (const [slot, stacks] of owners) expect([slot, stacks.size, slots.filter((r) => r.inputs.setIdentifier === slot).length]).toEqual([slot, 1, 1]);
  });
});
