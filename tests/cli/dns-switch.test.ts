import { comparePlans } from "../../cli/diff/compare-plans";
import { replayRecordChanges } from "../../cli/diff/dns-switch";
import { assessRisks } from "../../cli/diff/risks";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { PlanDocument, planDocument, PlanResource } from "../../cli/plan-document";
import { parseFleet } from "../../fleet";
import { fleetConfig, stackConfig, ZONE_ID } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const RECORD = "api.example.com";
const RECORD_TYPE = "aws:route53/record:Record";

/** The four ways `<record>` can be served: Route 53 or Global Accelerator, active-passive or active-active. */
const MODES = {
  "route53 active-passive": fleetConfig(2),
  "route53 active-active": activeActive(fleetConfig(2, { mode: "active-active" })),
  "accelerator active-passive": fleetConfig(2, { dns: { zone: "example.com", record: RECORD, globalAccelerator: true } }),
  "accelerator active-active": activeActive(fleetConfig(2, { mode: "active-active", dns: { zone: "example.com", record: RECORD, globalAccelerator: true } })),
};
type Mode = keyof typeof MODES;

function activeActive(raw: Record<string, any>) {
  raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
  return raw;
}

/**
 * The records the layout before this one gave a mode (what a live stack holds): Global
 * Accelerator's own A alias at `<record>`, or active-active's latency records at `<record>`
 * itself; active-passive is unchanged. Built from the current plan of the mode, so every other
 * resource and dependency is the same.
 */
function previousLayout(plan: PlanDocument, mode: Mode): PlanDocument {
  const primary = plan.resources.find((r) => r.type === RECORD_TYPE && r.name === "dns-primary")!;
  const renamed = (r: PlanResource, name: string, inputs: Record<string, unknown>, parent = r.parent): PlanResource => ({
    ...r, name, urn: r.urn.replace(/::[^:]+$/, `::${name}`), parent, inputs: { ...inputs }, dependsOn: r.dependsOn, aliases: undefined, deleteBeforeReplace: undefined,
  });
  if (mode.startsWith("accelerator")) {
    const listener = plan.resources.find((r) => r.type === "aws:globalaccelerator/listener:Listener")!;
    const old = {
      ...renamed(primary, "accelerator-record", {
        zoneId: ZONE_ID, name: RECORD, type: "A",
        aliases: [{ name: (primary.inputs.records as string[])[0], zoneId: "Z2BJ6XQ5FK7U4H", evaluateTargetHealth: false }],
      }, listener.parent),
      urn: listener.urn.replace(/\$aws:globalaccelerator\/listener:Listener::.*$/, `$${RECORD_TYPE}::accelerator-record`),
    };
    return { ...plan, resources: [...plan.resources.filter((r) => r !== primary), old] };
  }
  if (mode === "route53 active-active") {
    const nearest = plan.resources.filter((r) => r.type === RECORD_TYPE && r.name.startsWith("dns-nearest-"));
    const latency = nearest.map((r) => renamed(r, r.name.replace("nearest", "latency"), { ...r.inputs, name: RECORD }));
    return { ...plan, resources: [...plan.resources.filter((r) => r !== primary && !nearest.includes(r)), ...latency] };
  }
  return plan;
}

describe("switching the DNS mode of a live stack", () => {
  const plans = new Map<Mode, PlanDocument>();
  beforeAll(async () => {
    for (const [mode, raw] of Object.entries(MODES) as [Mode, Record<string, any>][]) {
      const ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
      plans.set(mode, planDocument("test", parseFleet(raw, "us-east-1"), ev.resources, []));
    }
  });

  const pairs = (Object.keys(MODES) as Mode[]).flatMap((from) => (Object.keys(MODES) as Mode[]).filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)("%s → %s: no record conflicts with another at any step, and the record always answers", (from, to) => {
    const replay = replayRecordChanges(plans.get(from)!, plans.get(to)!, RECORD, ZONE_ID);
    expect(replay.problems).toEqual([]);
    // Behind an accelerator the mode changes only the accelerator's endpoints, no record.
    if (!(from.startsWith("accelerator") && to.startsWith("accelerator"))) expect(replay.steps).toBeGreaterThan(0);
  });

  it("keeps `<record>` as the same failover group in every mode: one PRIMARY (and a SECONDARY in active-passive) that a switch updates in place", () => {
    for (const [mode, plan] of plans) {
      const atRecord = plan.resources.filter((r) => r.type === RECORD_TYPE && r.inputs.name === RECORD);
      const expected = mode === "route53 active-passive" ? ["dns-primary", "dns-secondary"] : ["dns-primary"];
      expect([mode, atRecord.map((r) => r.name).sort()]).toEqual([mode, expected]);
      for (const r of atRecord) expect([mode, r.inputs.type, r.inputs.setIdentifier]).toEqual([mode, "CNAME", r.name.replace("dns-", "")]);
    }
  });

  it.each(Object.keys(MODES) as Mode[])("%s: the first deploy of this layout over the previous one takes `<record>` over without a gap", (mode) => {
    const plan = plans.get(mode)!;
    const replay = replayRecordChanges(previousLayout(plan, mode), plan, RECORD, ZONE_ID);
    expect(replay.problems).toEqual([]);
  });

  it("takes the previous layout's accelerator record over even when the same deploy leaves the accelerator", () => {
    const from = previousLayout(plans.get("accelerator active-passive")!, "accelerator active-passive");
    expect(replayRecordChanges(from, plans.get("route53 active-passive")!, RECORD, ZONE_ID).problems).toEqual([]);
  });

  it("finds what the previous layout did on a switch: the accelerator's record written beside the failover group", () => {
    const from = previousLayout(plans.get("route53 active-passive")!, "route53 active-passive");
    const to = previousLayout(plans.get("accelerator active-passive")!, "accelerator active-passive");
    const { problems } = replayRecordChanges(from, to, RECORD, ZONE_ID);
    expect(problems).toContain("`api.example.com` A (simple) is written while `api.example.com` CNAME (`primary`, PRIMARY) may still be there: a CNAME cannot share its name with another record type");
  });

  it("finds a record deleted before its replacement exists, and an alias to a name not there yet", () => {
    const head = plans.get("route53 active-active")!;
    // Without the dependency on the latency set, PRIMARY could point at `_nearest` before it exists.
    const loose: PlanDocument = { ...head, resources: head.resources.map((r) => (r.name === "dns-primary" ? { ...r, dependsOn: [] } : r)) };
    expect(replayRecordChanges(plans.get("route53 active-passive")!, loose, RECORD, ZONE_ID).problems).toContain(
      "`api.example.com` CNAME (`primary`, PRIMARY) aliases `_nearest.api.example.com` before that name surely has a CNAME record set: Route 53 refuses an alias to a missing target",
    );
    // Moving every latency record off `<record>` before anything takes its place leaves the name empty.
    const previous = previousLayout(head, "route53 active-active");
    const noTakeover: PlanDocument = { ...head, resources: head.resources.map((r) => (r.name === "dns-primary" ? { ...r, aliases: undefined } : r.name === "dns-nearest-c0" ? { ...r, aliases: [previous.resources.find((p) => p.name === "dns-latency-c0")!.urn], deleteBeforeReplace: true } : r)) };
    expect(replayRecordChanges(previous, noTakeover, RECORD, ZONE_ID).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^deleting `api\.example\.com` CNAME \(`c\d`, latency\) can leave `api\.example\.com` with no record set/)]),
    );
  });

  it("says in the pull-request preview whether the switch holds at every step", () => {
    const [base, head] = [plans.get("route53 active-passive")!, plans.get("accelerator active-passive")!];
    const dns = assessRisks(base, head, comparePlans(base, head)).filter((r) => r.kind === "dns").map((r) => r.text);
    expect(dns).toContainEqual(expect.stringMatching(/^DNS change replayed in deploy order \(\d+ record steps\): no record set conflicts with another, and `api\.example\.com` answers at every step$/));
    const old = previousLayout(head, "accelerator active-passive");
    const failing = assessRisks(base, old, comparePlans(base, old)).filter((r) => r.kind === "dns").map((r) => r.text);
    expect(failing).toContainEqual(expect.stringMatching(/^DNS change \*\*fails or drops answers\*\* on the way: `api\.example\.com` A \(simple\) is written while/));
  });
});
