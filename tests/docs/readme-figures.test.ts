import * as fs from "fs";
import * as path from "path";
import { main as plan } from "../../cli/plan";
import { PlanDocument } from "../../cli/plan-document";
import { GLOBAL_PRICES, HOURS_PER_MONTH } from "../../cost/prices";
import { fleetFromStackFile } from "../../fleet";
import { fleetConfig, writeStackFile } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

/**
 * Every figure the README quotes is what a command prints: its plan output is `npm run plan`'s
 * for the prod stack, its stack file is the repository's, and the figures its prose repeats
 * (cost, recovery objectives) are the plan's. One plan for the whole file.
 */
const ROOT = path.resolve(__dirname, "../..");
const STACK_FILE = path.join(ROOT, "Pulumi.prod.yaml");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const prose = README.replace(/\s+/g, " ");
const { spec } = fleetFromStackFile(STACK_FILE);

/** The README's per-cluster deploy figures: the tests' fleet of this many clusters, a stack per cluster. */
const PER_CLUSTER_MARKER = "What `npm run plan` prints for the tests'\nfleet of 10 clusters";
const PER_CLUSTER_SIZE = 10;

/** What `npm run plan` prints for `configFile`, and its plan.json. */
async function planned(configFile: string): Promise<{ printed: string; document: PlanDocument }> {
  const out = path.join(tempDir("readme-figures-"), "out");
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    expect(await plan(["--config", configFile, "--out", out])).toBe(0);
    const printed = log.mock.calls.map((call) => call.join(" ")).join("\n");
    return { printed, document: JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) };
  } finally {
    log.mockRestore();
  }
}

let printed = "";
let perClusterPrinted = "";
let document: PlanDocument;
beforeAll(async () => {
  ({ printed, document } = await planned(STACK_FILE));
  const dir = tempDir("readme-figures-per-cluster-");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  perClusterPrinted = (await planned(writeStackFile(path.join(dir, "Pulumi.prod.yaml"), fleetConfig(PER_CLUSTER_SIZE, { stacks: "per-cluster" })))).printed;
}, 60_000);

/** The fenced block of `language` that follows `marker` in the README. */
function blockAfter(marker: string, language: string): string {
  const at = README.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  const start = README.indexOf("```" + language + "\n", at) + language.length + 4;
  return README.slice(start, README.indexOf("\n```", start));
}

const usd = (n: number, digits = 2) => `$${n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;

describe("README figures", () => {
  it("shows exactly what `npm run plan` prints for the prod stack (resources, cost, DR, deploy time, rollout)", () => {
    const summary = printed.slice(0, printed.indexOf("\nWrote "));
    expect(summary).toMatch(/^eks-fleet plan · stack prod/);
    expect(blockAfter("What `npm run plan` prints for the prod stack", "text")).toBe(summary);
  });

  it("quotes the plan's lines elsewhere only as printed, `…` standing for what it leaves out", () => {
    const printedLines = printed.split("\n");
    const perCluster = blockAfter(PER_CLUSTER_MARKER, "text");
    const quotes = [...README.matchAll(/```text\n([\s\S]*?)\n```/g)].slice(1).map((m) => m[1]).filter((block) => block !== perCluster).flatMap((block) => block.split("\n"));
    const planLines = quotes.filter((line) => /^(Deploy|DR|Cost|Rollout): |^  (unbounded|critical path)/.test(line));
    expect(planLines.length).toBeGreaterThan(0);
    for (const line of planLines) {
      const pattern = new RegExp(`^${line.split(" … ").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(" .+ ")}$`);
      expect({ line, printed: printedLines.some((p) => pattern.test(p)) }).toEqual({ line, printed: true });
    }
  });

  it("quotes the deploy figures of a fleet with a stack per cluster as `npm run plan` prints them", () => {
    const quoted = blockAfter(PER_CLUSTER_MARKER, "text").split("\n");
    expect(quoted.map((line) => line.slice(0, 9))).toEqual(["Deploy: a", "  stages:"]);
    for (const line of quoted) expect({ line, printed: perClusterPrinted.split("\n").includes(line) }).toEqual({ line, printed: true });
  });

  it("walks through the repository's own stack file, unabridged", () => {
    expect(blockAfter("## Describe your fleet", "yaml")).toBe(fs.readFileSync(STACK_FILE, "utf8").replace(/\n$/, ""));
  });

  it("quotes the plan's monthly cost and its control planes, standard and extended", () => {
    const cost = document.cost!;
    const controlPlanes = cost.lines.filter((l) => l.category === "EKS control plane").reduce((sum, l) => sum + l.monthlyUsd, 0);
    const extended = spec.clusters.length * GLOBAL_PRICES.eksExtendedSupport.usd * HOURS_PER_MONTH;
    expect(prose).toContain(`${usd(cost.monthlyUsd)} a month, of which ${usd(controlPlanes, 0)} for its two control planes, which would be ${usd(extended, 0)} in extended support`);
    expect(spec.clusters).toHaveLength(2);
  });

  it("quotes the plan's recovery objectives wherever it repeats them", () => {
    const dr = printed.split("\n").find((line) => line.startsWith("DR: "))!;
    const quoted = [...README.matchAll(/`(DR: [^`]*)`/g)].map((m) => m[1].replace(/\s+/g, " "));
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of quoted) expect(dr.startsWith(q)).toBe(true);
    expect(prose).toContain(`record TTL, ${document.dr.automatic!.seconds} s for prod`);
    expect(prose).toContain(`${document.dr.deliberate!.seconds} s with Flux (${document.dr.deliberate!.withWebhookSeconds} s with the webhook)`);
  });

  it("quotes no deploy time or plan time of its own: those come from the plan and from `npm run bench`", () => {
    expect(prose).not.toMatch(/firstUpSeconds": \d/);
    expect(prose).not.toMatch(/about \d+ minutes/);
  });
});
