import { DrFigures, FleetSpec } from "../../fleet";
import { RoleChange } from "./promote";
import { PlayedPromotion, PromotedChange } from "./play";

const MARK = { added: "+", removed: "-", changed: "~" } as const;

/** What `npm run failover` prints: the roles, the objectives, every change and the targeted deploy. */
export function promotionReport(played: PlayedPromotion, options: { dryRun: boolean; file: string }): string[] {
  const { promotion, before, after, failedRegion } = played;
  const target = promotion.spec.primary!.name;
  const surviving = played.changes.filter((c) => c.side === "surviving");
  const left = played.changes.filter((c) => c.side === "failed");
  return [
    `${options.dryRun ? "Would promote" : "Promoted"} ${target} to primary in ${options.file}:`,
    ...roleLines(promotion.changes),
    "",
    `Recovery objectives: ${objectives(before.spec, before.document.dr)} → ${objectives(after.spec, after.document.dr)}`,
    "",
    ...changeLines(played.changes),
    "",
    ...(played.tree.length === 0
      ? ["GitOps tree: no change."]
      : [`GitOps tree files that change (${played.tree.length}):`, ...played.tree.map((t) => `  ${MARK[t.kind]} ${t.path}`)]),
    "",
    `Apply without ${failedRegion}: merge the tree change (the agents pull it), then update only the surviving side:`,
    ...targetCommand(before.config.stack, played.targets),
    ...(left.length === 0
      ? []
      : [`Left until ${failedRegion} is back (then run a full \`pulumi up\`): ${left.map((c) => c.name).join(", ")}`]),
    ...(surviving.length === 0 ? ["(no resource on the surviving side changes)"] : []),
  ];
}

export function roleLines(changes: readonly RoleChange[]): string[] {
  const width = Math.max(...changes.map((c) => c.cluster.length));
  return changes.map((c) => `  ${c.cluster.padEnd(width)}  ${c.region.padEnd(14)}  ${c.from} → ${c.to}`);
}

function objectives(spec: FleetSpec, dr: DrFigures): string {
  return `RTO ${dr.rtoSeconds} s, RPO ${dr.rpoSeconds} s${spec.standby ? ` (${spec.standby} standby)` : ""}`;
}

/** One line per changed resource: where it lives, what it is, which inputs change. */
export function changeLines(changes: readonly PromotedChange[]): string[] {
  if (changes.length === 0) return ["Resources: no input changes."];
  const where = (c: PromotedChange) => (c.side === "failed" ? `${c.location} (failed)` : c.location);
  const width = Math.max(...changes.map((c) => where(c).length));
  return [
    `Resources that change (${changes.length}):`,
    ...changes.map((c) => `  ${MARK[c.kind]} ${where(c).padEnd(width)}  ${c.type} ${c.name}${c.keys.length ? `: ${c.keys.join(", ")}` : ""}`),
  ];
}

/** The exact targeted deploy, one `--target` per URN (quoted: URNs contain `$`). */
export function targetCommand(stack: string, targets: readonly string[]): string[] {
  if (targets.length === 0) return [];
  return [`  pulumi up --stack ${stack} \\`, ...targets.map((urn, i) => `    --target '${urn}'${i < targets.length - 1 ? " \\" : ""}`)];
}
