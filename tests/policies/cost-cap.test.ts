import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { FleetSpec, parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument } from "../../cli/plan-document";
import { infraViolations, policyConfigOf, withMockIds } from "../../cli/policy-run";
import { stackArgs } from "../../policies/evaluate";
import { stackCost } from "../../policies/cost";
import { stackConfig } from "../fixtures/fleets";

const PROD = YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];

/** The rules over the plan's resources with the pack config `policy` implies in the fleet config, as `npm run plan` runs them. */
function violationsWith(plan: PlanDocument, spec: FleetSpec, policy: Record<string, unknown>) {
  return infraViolations(withMockIds(plan.resources), policyConfigOf(stackConfig({ ...PROD, policy }, "us-east-1", "prod"), spec));
}

describe("policy.maxMonthlyUsd (monthly-cost-cap)", () => {
  let plan: PlanDocument;
  let spec: FleetSpec;
  beforeAll(async () => {
    spec = parseFleet(PROD, "us-east-1");
    plan = (await planFleet(spec, stackConfig(PROD, "us-east-1", "prod"))).document;
  });

  it("fails with a mandatory violation when the estimate exceeds the cap, naming the largest items", async () => {
    const cap = Math.floor(plan.cost!.monthlyUsd) - 100;
    const violations = (await violationsWith(plan, spec, { maxMonthlyUsd: cap })).filter((v) => v.policy === "monthly-cost-cap");
    expect(violations).toEqual([{ policy: "monthly-cost-cap", enforcement: "mandatory", urn: null, file: null, message: expect.stringContaining(`over policy.maxMonthlyUsd ($${cap.toLocaleString("en-US")}.00)`) }]);
    // The largest item of the plan's own lines leads the list.
    const byCategory = new Map<string, number>();
    for (const line of plan.cost!.lines) byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + line.monthlyUsd);
    const [largest] = [...byCategory].sort((a, b) => b[1] - a[1])[0];
    expect(violations[0].message).toContain(`the largest items: ${largest} $`);
  });

  it("passes when the estimate is within the cap, and without one", async () => {
    expect((await violationsWith(plan, spec, { maxMonthlyUsd: Math.ceil(plan.cost!.monthlyUsd) })).filter((v) => v.policy === "monthly-cost-cap")).toEqual([]);
    expect(plan.violations.filter((v) => v.policy === "monthly-cost-cap")).toEqual([]);
  });

  it("checks the estimate plan.json shows: the policy's view of the stack prices the same", () => {
    const seen = stackCost(stackArgs(withMockIds(plan.resources)).resources);
    expect(seen.monthlyUsd).toBe(plan.cost!.monthlyUsd);
    expect(seen.clusters).toEqual(plan.cost!.clusters);
  });

  it("is refused when it is not a positive number (exit 2, with its config path)", () => {
    expect(() => parseFleet({ ...PROD, policy: { maxMonthlyUsd: 0 } }, "us-east-1")).toThrow("fleet.policy.maxMonthlyUsd");
    expect(() => parseFleet({ ...PROD, policy: { maxMonthlyUsd: "2000" } }, "us-east-1")).toThrow("fleet.policy.maxMonthlyUsd");
  });
});
