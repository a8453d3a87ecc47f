import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { emptyPlan } from "../../cli/diff/compare-plans";
import { DiffInput, renderDiff } from "../../cli/diff/markdown";
import { topologyOf } from "../../cli/diff/topology";
import { PlanDocument } from "../../cli/plan-document";
import { stackConfig } from "../fixtures/fleets";

const PROD = YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];
const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

async function plan(fleet: Record<string, any>): Promise<PlanDocument> {
  return (await planFleet(parseFleet(fleet, "us-east-1"), stackConfig(fleet, "us-east-1", "prod"))).document;
}

function input(base: PlanDocument, head: PlanDocument): DiffInput {
  return {
    base: { label: "origin/main", plan: base, tree: new Map() },
    head: { label: "working tree", plan: head, tree: new Map() },
    topology: topologyOf(parseFleet(PROD, "us-east-1")),
  };
}

/** The "Monthly cost" section of a comment, up to the next heading. */
function costSection(markdown: string): string {
  const start = markdown.indexOf("### Monthly cost");
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf("\n### ", start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe("the diff's monthly cost", () => {
  let base: PlanDocument;
  let head: PlanDocument;
  beforeAll(async () => {
    base = await plan(PROD);
    // use1 grows from 3 to 5 nodes: only its node lines change.
    head = await plan({ ...PROD, clusters: PROD.clusters.map((c: any) => (c.name === "use1" ? { ...c, nodes: { ...c.nodes, desired: 5 } } : c)) });
  });

  it("shows each cluster, fleet-wide and the total, base → head, with the change", () => {
    const section = costSection(renderDiff(input(base, head)));
    const [b, h] = [base.cost!, head.cost!];
    const delta = Math.round((h.monthlyUsd - b.monthlyUsd) * 100) / 100;
    expect(delta).toBeGreaterThan(0);
    expect(section).toContain(`| \`use1\` · us-east-1 | ${usd(b.clusters.use1)} | ${usd(h.clusters.use1)} | +${usd(delta)} |`);
    expect(section).toContain(`| \`usw2\` · us-west-2 | ${usd(b.clusters.usw2)} | ${usd(h.clusters.usw2)} | ±$0.00 |`);
    expect(section).toContain(`| Fleet-wide | ${usd(b.fleetWide)} | ${usd(h.fleetWide)} | ±$0.00 |`);
    expect(section).toContain(`| **Total** | **${usd(b.monthlyUsd)}** | **${usd(h.monthlyUsd)}** | **+${usd(delta)} (+${((100 * delta) / b.monthlyUsd).toFixed(1)}%)** |`);
  });

  it("names the items that change and how they are priced, and nothing else", () => {
    const section = costSection(renderDiff(input(base, head)));
    const changed = section.split("\n").filter((l) => l.startsWith("- "));
    expect(changed.map((l) => l.slice(0, l.indexOf(":")))).toEqual(["- `use1` nodes", "- `use1` node volumes"]);
    expect(changed[0]).toContain("5 × m6i.large");
  });

  it("puts the totals in the summary line", () => {
    expect(renderDiff(input(base, head))).toContain(`cost **${usd(base.cost!.monthlyUsd)} → ${usd(head.cost!.monthlyUsd)}/month**`);
  });

  it("compares a new stack with nothing, and a base planned before the estimate existed with no figures", () => {
    expect(costSection(renderDiff(input(emptyPlan("prod"), head)))).toContain(`| **Total** | **$0.00** | **${usd(head.cost!.monthlyUsd)}** |`);
    const older = { ...base, cost: undefined };
    const section = costSection(renderDiff(input(older, head)));
    expect(section).toContain("The base was planned by code without a cost estimate");
    expect(section).toContain(`| **Total** | **—** | **${usd(head.cost!.monthlyUsd)}** |`);
  });
});
