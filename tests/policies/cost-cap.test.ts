import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument } from "../../cli/plan-document";
import { withMockIds } from "../../cli/policy-run";
import { stackArgs } from "../../policies/evaluate";
import { stackCost } from "../../policies/cost";
import { stackConfig } from "../fixtures/fleets";

const PROD = YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];

async function plan(policy?: Record<string, unknown>): Promise<PlanDocument> {
  const fleet = policy ? { ...PROD, policy } : PROD;
  return (await planFleet(parseFleet(fleet, "us-east-1"), stackConfig(fleet, "us-east-1", "prod"))).document;
}

describe("policy.maxMonthlyUsd (monthly-cost-cap)", () => {
  let uncapped: PlanDocument;
  beforeAll(async () => {
    uncapped = await plan();
  });

  it("fails the plan with a mandatory violation when the estimate exceeds the cap, naming the largest items", async () => {
    const cap = Math.floor(uncapped.cost!.monthlyUsd) - 100;
    const capped = await plan({ maxMonthlyUsd: cap });
    const violations = capped.violations.filter((v) => v.policy === "monthly-cost-cap");
    expect(violations).toEqual([{ policy: "monthly-cost-cap", enforcement: "mandatory", urn: null, file: null, message: expect.stringContaining(`over policy.maxMonthlyUsd ($${cap.toLocaleString("en-US")}.00)`) }]);
    // The largest item of the plan's own lines leads the list.
    const byCategory = new Map<string, number>();
    for (const line of capped.cost!.lines) byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + line.monthlyUsd);
    const [largest] = [...byCategory].sort((a, b) => b[1] - a[1])[0];
    expect(violations[0].message).toContain(`the largest items: ${largest} $`);
  });

  it("passes when the estimate is within the cap, and without one", async () => {
    const capped = await plan({ maxMonthlyUsd: Math.ceil(uncapped.cost!.monthlyUsd) });
    expect(capped.violations.filter((v) => v.policy === "monthly-cost-cap")).toEqual([]);
    expect(uncapped.violations).toEqual([]);
  });

  it("checks the estimate plan.json shows: the policy's view of the stack prices the same", () => {
    const { resources } = stackArgs(withMockIds(uncapped.resources));
    // The same day as the plan's, so both price the same support window.
    const seen = stackCost(resources);
    expect(seen.monthlyUsd).toBe(uncapped.cost!.monthlyUsd);
    expect(seen.clusters).toEqual(uncapped.cost!.clusters);
  });

  it("is refused when it is not a positive number (exit 2, with its config path)", () => {
    expect(() => parseFleet({ ...PROD, policy: { maxMonthlyUsd: 0 } }, "us-east-1")).toThrow("fleet.policy.maxMonthlyUsd");
    expect(() => parseFleet({ ...PROD, policy: { maxMonthlyUsd: "2000" } }, "us-east-1")).toThrow("fleet.policy.maxMonthlyUsd");
  });
});
