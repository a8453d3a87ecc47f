import { DrFigures, FleetSpec } from "../../fleet";
import { RoleChange } from "./promote";
import { AnswerChange, PlayedPromotion, PromotedChange } from "./play";

const MARK = { added: "+", removed: "-", changed: "~" } as const;

/** What `npm run failover` prints: the roles, the health answers, the objectives, the tree and any resource change. */
export function promotionReport(played: PlayedPromotion, options: { dryRun: boolean; file: string }): string[] {
  const { promotion, before, after, failedRegion } = played;
  const target = promotion.spec.primary!;
  const why = promotion.byDefault ? ` (the takeover standby: ${before.spec.primary!.name}'s backup partner, already holding its backups)` : "";
  const traffic = before.spec.dns.globalAccelerator ? "no Global Accelerator call" : "no Route 53 call";
  return [
    `${options.dryRun ? "Would promote" : "Promoted"} ${target.name} to primary in ${options.file}${why}:`,
    ...roleLines(promotion.changes),
    "",
    "Health answers (serving / takeover) once the agents apply the tree:",
    ...answerLines(played.answers),
    "",
    `Recovery objectives: ${objectives(before.spec, before.document.dr)} → ${objectives(after.spec, after.document.dr)}`,
    "",
    ...(played.tree.length === 0
      ? ["GitOps tree: no change."]
      : [`GitOps tree files that change (${played.tree.length}):`, ...played.tree.map((t) => `  ${MARK[t.kind]} ${t.path}`)]),
    "",
    ...changeLines(played.changes),
    "",
    `Traffic moves when the agents apply the commit: no Pulumi run, ${traffic}, nothing in ${failedRegion}.`,
    ...leftLines(played.changes, failedRegion),
  ];
}

export function roleLines(changes: readonly RoleChange[]): string[] {
  const width = Math.max(...changes.map((c) => c.cluster.length));
  return changes.map((c) => `  ${c.cluster.padEnd(width)}  ${c.region.padEnd(14)}  ${c.from} → ${c.to}`);
}

/** One line per cluster whose answers change: `use1  us-east-1  yes / no → no / yes`. */
export function answerLines(answers: readonly AnswerChange[]): string[] {
  const word = (a: AnswerChange["before"]) => `${a.serving ? "yes" : "no"} / ${a.takeover ? "yes" : "no"}`;
  const changed = answers.filter((a) => word(a.before) !== word(a.after));
  const width = Math.max(...answers.map((a) => a.cluster.length));
  return changed.map((a) => `  ${a.cluster.padEnd(width)}  ${a.region.padEnd(14)}  ${word(a.before)} → ${word(a.after)}`);
}

function objectives(spec: FleetSpec, dr: DrFigures): string {
  const paths = [dr.automatic ? `automatic ${dr.automatic.seconds} s` : "", dr.deliberate ? `promotion ${dr.deliberate.seconds} s` : ""].filter(Boolean).join(", ");
  return `RTO ${dr.rtoSeconds} s (${paths}), RPO ${dr.rpoSeconds} s${spec.standby ? `, ${spec.standby} standby` : ""}`;
}

/** One line per changed resource: where it lives, what it is, which inputs change. */
export function changeLines(changes: readonly PromotedChange[]): string[] {
  if (changes.length === 0) return ["Resources: none change (roles live in Git only)."];
  const where = (c: PromotedChange) => (c.side === "failed" ? `${c.location} (failed)` : c.location);
  const width = Math.max(...changes.map((c) => where(c).length));
  return [
    `Resources that change with the next deploy, none of them on the traffic path (${changes.length}):`,
    ...changes.map((c) => `  ${MARK[c.kind]} ${where(c).padEnd(width)}  ${c.type} ${c.name}${c.keys.length ? `: ${c.keys.join(", ")}` : ""}`),
  ];
}

function leftLines(changes: readonly PromotedChange[], failedRegion: string): string[] {
  const left = changes.filter((c) => c.side === "failed");
  return left.length === 0 ? [] : [`Left until ${failedRegion} is back (then run a full \`pulumi up\`): ${left.map((c) => c.name).join(", ")}`];
}
