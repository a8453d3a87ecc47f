import type { FleetSpec } from "../../fleet";
import { duration, WaveReport } from "./gates";
import type { AbortProposal, Decision, RolloutPosition } from "./rollout";

const MARK = { pass: "ok", wait: "..", fail: "!!" } as const;

/** What `rollout status` prints: per wave, its commit, each cluster's layers, the bake left and every gate. */
export function statusLines(spec: FleetSpec, position: RolloutPosition, reports: readonly WaveReport[]): string[] {
  const lines = [
    `Rollout of fleet ${spec.name} (${spec.gitops.engine}): ${position.next ? `wave ${position.baking?.name} bakes, ${position.next.name} is next` : "every wave runs the current source"}`,
  ];
  for (const report of reports) {
    const state = position.current.includes(report.wave) ? (report.wave === position.baking && position.next ? "baking" : "current") : "kept";
    const revision = report.revision ? `${report.revision.sha.slice(0, 7)} (${report.revision.at.toISOString()})` : "no commit";
    const bake = report.bakeSecondsLeft === undefined ? "" : report.bakeSecondsLeft === 0 ? ", baked" : `, ${duration(report.bakeSecondsLeft)} of bake left`;
    lines.push("", `wave ${report.wave.index + 1} ${report.wave.name} [${state}] at ${revision}: ${report.verdict}${bake}`);
    for (const cluster of report.clusters) {
      lines.push(`  ${cluster.cluster}: ${cluster.layers.map((l) => `${l.layer} ${l.state}`).join(", ")}`);
      for (const layer of cluster.layers.filter((l) => l.state !== "healthy")) lines.push(`    ${layer.detail}`);
    }
    for (const gate of report.gates) lines.push(`  [${MARK[gate.status]}] ${gate.gate}: ${gate.detail}`);
  }
  return lines;
}

export function decisionLines(decision: Decision): string[] {
  switch (decision.kind) {
    case "promote":
      return [`Every gate passed: wave ${decision.wave.name} (${decision.wave.clusters.join(", ")}) takes the current source.`];
    case "wait":
      return ["Not yet: a gate is still waiting (see above); run promote again, or with --watch."];
    case "halt":
      return [`Halted on wave ${decision.wave.name}:`, ...decision.reasons.map((r) => `  ${r}`), "Nothing is promoted until `npm run rollout -- abort` (or promote --resume once fixed)."];
    case "halted":
      return [`The rollout is halted since ${decision.halt.at} on wave ${decision.halt.wave}:`, ...decision.halt.reasons.map((r) => `  ${r}`), "Run `npm run rollout -- abort`, or `promote --resume` once the cause is fixed."];
    case "complete":
      return ["Every wave runs the current source: nothing to promote."];
  }
}

export function abortLines(proposal: AbortProposal): string[] {
  if (proposal.commits.length === 0) return ["Nothing to revert: no commit changed the first wave's files since the last wave took the source."];
  return [
    `Revert ${proposal.commits.length} commit(s), newest first, and give waves ${proposal.waves.join(", ")} the reverted source at once:`,
    ...proposal.commits.map((c) => `  ${c.sha.slice(0, 12)}  ${c.at.toISOString()}  ${c.subject}`),
    "",
    `  git revert --no-commit ${proposal.commits.map((c) => c.sha.slice(0, 12)).join(" ")}`,
    "",
    "Commit message:",
    ...proposal.message.split("\n").map((l) => `  ${l}`),
  ];
}
