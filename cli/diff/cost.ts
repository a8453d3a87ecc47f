import type { CostEstimate } from "../../cost/estimate";
import { PlanDocument } from "../plan-document";

/** Items listed under the table before the rest is counted. */
const MAX_ITEMS = 12;

const dollars = (usd: number) => `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (usd: number) => (Math.abs(usd) < 0.005 ? "±$0.00" : `${usd > 0 ? "+" : "−"}${dollars(Math.abs(usd))}`);
const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * A side's estimate: its own, none for a side without clusters (a stack the change adds),
 * or undefined for a plan made by code older than the estimate.
 */
function costOf(plan: PlanDocument): CostEstimate | undefined {
  if (plan.cost) return plan.cost;
  return plan.clusters.length === 0 ? { monthlyUsd: 0, clusters: {}, fleetWide: 0, lines: [], assumptions: [] } : undefined;
}

/** The summary's cost figure: `$1,692.50 → $1,760.65/month`. */
export function costSummary(base: PlanDocument, head: PlanDocument): string {
  const [before, after] = [costOf(base), costOf(head)];
  return `cost **${before ? dollars(before.monthlyUsd) : "—"} → ${after ? dollars(after.monthlyUsd) : "—"}/month**`;
}

/** "Monthly cost": per cluster and fleet-wide, base → head, then the items that change, largest first. */
export function costSection(base: PlanDocument, head: PlanDocument): string[] {
  const [before, after] = [costOf(base), costOf(head)];
  const out = ["### Monthly cost", ""];
  if (!after) return [...out, "The head's plan has no cost estimate."];
  if (!before) out.push(`> The base was planned by code without a cost estimate: only the head's figures are shown.`, "");
  const regions = new Map([...base.clusters, ...head.clusters].map((c) => [c.name, c.region]));
  const names = [...new Set([...head.clusters, ...base.clusters].map((c) => c.name))];
  const row = (label: string, b: number | undefined, h: number | undefined) =>
    `| ${label} | ${b === undefined ? "—" : dollars(b)} | ${h === undefined ? "—" : dollars(h)} | ${b === undefined || h === undefined ? "" : signed(cents(h - b))} |`;
  out.push("| | Base | Head | Change |", "| --- | ---: | ---: | ---: |");
  for (const name of names) out.push(row(`\`${name}\` · ${regions.get(name)}`, before ? (before.clusters[name] ?? 0) : undefined, after.clusters[name] ?? 0));
  out.push(row("Fleet-wide", before?.fleetWide, after.fleetWide));
  const percent = before?.monthlyUsd ? (100 * (after.monthlyUsd - before.monthlyUsd)) / before.monthlyUsd : undefined;
  const total = percent === undefined ? "" : ` (${percent > 0 ? "+" : percent < 0 ? "−" : "±"}${Math.abs(percent).toFixed(1)}%)`;
  out.push(`| **Total** | **${before ? dollars(before.monthlyUsd) : "—"}** | **${dollars(after.monthlyUsd)}** | **${before ? `${signed(cents(after.monthlyUsd - before.monthlyUsd))}${total}` : ""}** |`);
  if (before) out.push("", ...itemChanges(before, after));
  out.push("", `Estimate: on-demand list prices (cost/prices.ts) and the usage assumptions in plan.json \`cost.assumptions\`; a policy can cap it (\`policy.maxMonthlyUsd\`).`);
  return out;
}

/** What changes by cluster and item (EKS control plane, nodes, NAT gateways …), largest change first. */
function itemChanges(before: CostEstimate, after: CostEstimate): string[] {
  const key = (cluster: string | null, category: string) => `${cluster ?? ""}\u0000${category}`;
  const sums = (cost: CostEstimate) => {
    const totals = new Map<string, { cluster: string | null; category: string; usd: number; details: Set<string> }>();
    for (const line of cost.lines) {
      const k = key(line.cluster, line.category);
      const entry = totals.get(k) ?? { cluster: line.cluster, category: line.category, usd: 0, details: new Set<string>() };
      entry.usd = cents(entry.usd + line.monthlyUsd);
      entry.details.add(line.detail);
      totals.set(k, entry);
    }
    return totals;
  };
  const [b, h] = [sums(before), sums(after)];
  const changes = [...new Set([...b.keys(), ...h.keys()])]
    .map((k) => ({ from: b.get(k), to: h.get(k) }))
    .map(({ from, to }) => ({ ...(to ?? from)!, delta: cents((to?.usd ?? 0) - (from?.usd ?? 0)), from, to }))
    .filter((c) => c.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.category.localeCompare(y.category));
  if (changes.length === 0) return ["No priced item changes."];
  const lines = changes.slice(0, MAX_ITEMS).map((c) => {
    const where = c.cluster === null ? "fleet-wide" : `\`${c.cluster}\``;
    const how = [...(c.to?.details ?? [])].filter((d) => !c.from?.details.has(d)).slice(0, 2);
    return `- ${where} ${c.category}: ${dollars(c.from?.usd ?? 0)} → ${dollars(c.to?.usd ?? 0)} (**${signed(c.delta)}**)${how.length ? `: ${how.join("; ")}` : ""}`;
  });
  return [...lines, ...(changes.length > MAX_ITEMS ? [`- … and ${changes.length - MAX_ITEMS} more changed item(s)`] : [])];
}
