import { FleetSpec } from "../fleet";
import type { CostEstimate } from "../cost/estimate";
import { creationTime } from "./creation-times";
import { PlanDocument } from "./plan-document";

/** The per-cluster summary `npm run plan` prints: what a reviewer checks first. */
export function planSummary(spec: FleetSpec, plan: PlanDocument): string {
  const perCluster = new Map<string, number>();
  for (const r of plan.resources) if (r.cluster) perCluster.set(r.cluster, (perCluster.get(r.cluster) ?? 0) + 1);
  const fleetWide = plan.resources.filter((r) => r.cluster === null).length;
  const endpoint = `private + ${spec.apiAccessCidrs.join(", ")}`;

  const rows = spec.clusters.map((c) => [
    c.name,
    c.region,
    c.role,
    c.vpcCidr,
    `${c.nodes.instanceTypes.join(",")} ${c.nodes.min}/${c.nodes.desired}/${c.nodes.max}`,
    `backups → ${c.backup.partner}`,
    `${perCluster.get(c.name) ?? 0} resources`,
    ...(plan.cost ? [`${dollars(plan.cost.clusters[c.name] ?? 0)}/month`] : []),
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i])).join("  ")}`.trimEnd());

  const mandatory = plan.violations.filter((v) => v.enforcement === "mandatory").length;
  const advisory = plan.violations.length - mandatory;
  return [
    `eks-fleet plan · stack ${plan.stack} · fleet ${spec.name} · ${spec.mode} · ${spec.clusters.length} clusters · ${plan.resources.length} resources`,
    `  Kubernetes ${spec.kubernetesVersion} · API endpoint ${endpoint} · GitOps ${spec.gitops.engine}${spec.hubs.length ? ` (hubs ${spec.hubs.map((h) => h.name).join(", ")})` : ""} from ${spec.gitops.repoUrl}#${spec.gitops.branch}`,
    ...table,
    `  fleet-wide: ${fleetWide} resources (providers, DNS, certificates, replicated secrets)${plan.cost ? ` · ${dollars(plan.cost.fleetWide)}/month` : ""}`,
    ...(plan.cost ? costLines(plan.cost) : []),
    ...stackLines(plan),
    `DR: ${recoveryObjectives(spec, plan)} · RPO ${plan.dr.rpoSeconds} s · terms and assumptions in plan.json dr`,
    ...estimateLines(plan),
    ...rolloutLines(plan),
    plan.violations.length === 0
      ? "Policies: no violations"
      : `Policies: ${mandatory} mandatory, ${advisory} advisory violation(s)\n${plan.violations.map((v) => `  [${v.enforcement}] ${v.policy}: ${v.file ?? v.urn ?? "(stack)"}: ${v.message}`).join("\n")}`,
  ].join("\n");
}

/** How many stacks the fleet is and how large each kind is: what Pulumi evaluates, locks and checkpoints per run. */
function stackLines(plan: PlanDocument): string[] {
  const stacks = plan.stacks ?? [];
  if (stacks.length === 0) return [];
  const largest = stacks.reduce((a, b) => (b.resources > a.resources ? b : a));
  if (largest.kind === "single") return [`Stacks: 1 (${largest.name}, ${largest.resources} resources; fleet.stacks: per-cluster splits it, README "Stacks: one fleet, one stack or many")`];
  if (stacks.length === 1) return [`Stacks: ${largest.name} only (${largest.kind} stack, ${largest.resources} resources; the stacks it reads were evaluated, not listed)`];
  const kinds = (["fleet", "addresses", "cluster", "replication", "links"] as const).map((kind) => {
    const counts = stacks.filter((s) => s.kind === kind).map((s) => s.resources);
    if (counts.length === 0) return undefined;
    const range = Math.min(...counts) === Math.max(...counts) ? `${counts[0]}` : `${Math.min(...counts)}–${Math.max(...counts)}`;
    return `${counts.length} ${kind} (${range})`;
  }).filter(Boolean);
  return [`Stacks: ${stacks.length}: ${kinds.join(", ")} resources each; largest ${largest.name} (${largest.resources}); per-stack sections in plan.json stacks`];
}

/** The monthly estimate and what makes it, largest first; the line items are in plan.json. */
function costLines(cost: CostEstimate): string[] {
  const byCategory = new Map<string, number>();
  for (const line of cost.lines) byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + line.monthlyUsd);
  const parts = [...byCategory].filter(([, usd]) => usd >= 0.005).sort((a, b) => b[1] - a[1]).map(([category, usd]) => `${category} ${dollars(usd)}`);
  const extended = cost.lines.filter((l) => l.category === "EKS control plane" && l.detail.includes("extended support")).length;
  const unpriced = cost.assumptions.filter((a) => a.startsWith("Not priced")).length;
  return [
    `Cost: about ${dollars(cost.monthlyUsd)} a month on-demand (${parts.join(", ")})`,
    `  ${extended ? `${extended} control plane(s) in EKS extended support (6× the standard rate) · ` : ""}${unpriced ? `${unpriced} item(s) not priced · ` : ""}usage assumptions and line items in plan.json cost`,
  ];
}

function dollars(usd: number): string {
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * The expected first-deploy time on the workflows' runner, what bounds it, and the chain that
 * sets the critical path, e.g. `use1-eks (15 min) → …`.
 */
function estimateLines(plan: PlanDocument): string[] {
  const { estimate } = plan;
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const chain = estimate.criticalPath.map((urn) => {
    const { name, type, region } = byUrn.get(urn)!;
    return `${name} (${duration(creationTime(type, region).seconds)})`;
  });
  const stacks = estimate.stacks.length > 1 ? ` per stack, ${estimate.stacks.length} stacks` : "";
  return [
    `Deploy: a first deploy takes about ${duration(estimate.firstUpSeconds)} on ${estimate.runner.label} (${estimate.runner.slots} operations in flight${stacks}, typical creation times)`,
    ...stageLine(plan),
    `  unbounded parallelism ${duration(estimate.unboundedSeconds)} · critical path ${duration(estimate.criticalPathSeconds)}: ${chain.join(" → ")}`,
  ];
}

/**
 * What a first deploy of several stacks spends in each stage, in order: e.g. `stages: prod
 * 1 min 30 s → 10 cluster stacks 31 min 36 s (slowest prod.c0) → …`. None for one stack.
 */
function stageLine(plan: PlanDocument): string[] {
  const byStage = new Map<number, PlanDocument["estimate"]["stacks"]>();
  for (const run of plan.estimate.stacks) if (run.stage !== undefined) byStage.set(run.stage, [...(byStage.get(run.stage) ?? []), run]);
  if (byStage.size < 2) return [];
  const kindOf = new Map((plan.stacks ?? []).map((s) => [s.name, s.kind]));
  const parts = [...byStage.keys()].sort((a, b) => a - b).map((stage) => {
    const runs = byStage.get(stage)!;
    const start = Math.min(...runs.map((r) => r.startSeconds));
    const last = runs.reduce((a, b) => (b.finishSeconds > a.finishSeconds ? b : a));
    const took = duration(last.finishSeconds - start);
    if (runs.length === 1) return `${last.stack} (${kindOf.get(last.stack) ?? "stack"}) ${took}`;
    // Each kind the stage holds, with its count: `10 cluster stacks`, `10 replication and 1 links stacks`.
    const kinds = new Map<string, number>();
    for (const r of runs) kinds.set(kindOf.get(r.stack) ?? "other", (kinds.get(kindOf.get(r.stack) ?? "other") ?? 0) + 1);
    return `${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(" and ")} stacks ${took} (slowest ${last.stack})`;
  });
  return [`  stages: ${parts.join(" → ")}`];
}

/** The waves, the first a change reaches, and the time to reach every cluster. */
function rolloutLines(plan: PlanDocument): string[] {
  const { rollout } = plan;
  if (!rollout) return [];
  const waves = rollout.waves.map((w) => `${w.name} (${w.clusters.join(", ")}; bake ${duration(w.bakeSeconds)})`).join(" → ");
  return [
    `Rollout: ${waves}`,
    `  a change reaches ${rollout.firstWave} first; the whole fleet in about ${duration(rollout.toWholeFleetSeconds)} (bakes plus pickup, apply, gates and promotions; terms in plan.json rollout)${rollout.behind.length ? `; behind: ${rollout.behind.join(", ")}` : ""}`,
  ];
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** How traffic recovers, in a few words: what the RTO is made of. */
function recoveryPath(spec: FleetSpec): string {
  const moves = spec.dns.globalAccelerator ? "Global Accelerator" : "DNS";
  if (spec.mode === "active-active") return `active-active: ${moves} alone`;
  if (spec.dns.globalAccelerator) return `${spec.standby} standby: promotion`;
  return spec.standby === "pilot-light" ? `pilot-light standby: ${moves} + promotion` : `warm standby: ${moves} alone, reduced capacity`;
}

/** The headline RTO and how traffic recovers, then the promotion's own figure when the headline is not already it. */
function recoveryObjectives(spec: FleetSpec, plan: PlanDocument): string {
  const { deliberate, rtoSeconds } = plan.dr;
  const webhook = deliberate ? `${deliberate.withWebhookSeconds} s with the push webhook` : "";
  if (!deliberate) return `RTO ${rtoSeconds} s (${recoveryPath(spec)})`;
  if (deliberate.seconds === rtoSeconds) return `RTO ${rtoSeconds} s (${recoveryPath(spec)}, ${webhook})`;
  return `RTO ${rtoSeconds} s (${recoveryPath(spec)}) · promotion ${deliberate.seconds} s (${webhook})`;
}
