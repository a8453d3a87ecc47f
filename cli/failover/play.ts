import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readKeptTree, renderTree, SynthOptions } from "../../charts";
import { projectFolderOf } from "../../fleet";
import { healthAnswersOf } from "../../charts/platform/traffic";
import { comparePlans } from "../diff/compare-plans";
import { planStack, StackPlan } from "../engine/plan-stack";
import { PlanDocument, PlanResource } from "../plan-document";
import { promote, Promotion } from "./promote";
import { encodeStackFile, readStackFileText, StackFileText } from "./stack-file";

/** Where a resource lives, for a promotion that must not need the failed region. */
export type Side = "surviving" | "failed";

export interface PromotedChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly cluster: string | null;
  /** The region whose API the change needs, or `global` (Route 53). */
  readonly location: string;
  readonly side: Side;
  readonly kind: "added" | "removed" | "changed";
  /** Dotted input paths that differ (changed resources only). */
  readonly keys: readonly string[];
}

export interface TreeChange {
  /** `clusters/<cluster>/<layer>/<file>`, relative to the tree root. */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
}

/** A cluster's health answers before and after the promotion (charts/platform/traffic.ts). */
export interface AnswerChange {
  readonly cluster: string;
  readonly region: string;
  readonly before: HealthAnswers;
  readonly after: HealthAnswers;
}
type HealthAnswers = ReturnType<typeof healthAnswersOf>;

export interface PlayedPromotion {
  /** The stack file as read: writing the promotion back keeps every byte it does not change. */
  readonly original: StackFileText;
  readonly promotion: Promotion;
  /** The region being failed over from: the old primary's. */
  readonly failedRegion: string;
  readonly before: StackPlan;
  readonly after: StackPlan;
  /** Every resource the promotion changes, sorted by URN. */
  readonly changes: readonly PromotedChange[];
  /** What each cluster's gateway answers before and after: the traffic switch. */
  readonly answers: readonly AnswerChange[];
  /** Files of the rendered GitOps tree the promotion changes. */
  readonly tree: readonly TreeChange[];
}

/**
 * Plays a promotion offline: promotes `target` (default: the takeover standby) in the stack
 * file's text (nothing is written to it), plans the fleet before and after, and says what
 * each cluster's gateway answers before and after, what changes in the rendered tree, and
 * which resources change (none should: roles live in Git) with where each lives. `npm run
 * failover` and the scenario tests both use it, so what the command prints is what the
 * tests assert. Both plans evaluate under the outage of the `unavailable` regions
 * (cli/engine/outage.ts).
 */
export async function playPromotion(configFile: string, target: string | undefined, render: SynthOptions = {}, unavailable: readonly string[] = []): Promise<PlayedPromotion> {
  const name = path.basename(configFile);
  const original = readStackFileText(configFile);
  const promotion = promote(original.text, target, name);
  // The promoted file is planned from a private copy, so nothing the user owns is touched.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-failover-"));
  try {
    const copy = path.join(scratch, name);
    fs.writeFileSync(copy, encodeStackFile(original, promotion.text), { mode: 0o600 });
    const before = await planStack(configFile, [], "fast", unavailable);
    const after = await planStack(copy, [], "fast", unavailable);
    const failedRegion = before.spec.primary!.region;
    const changes = promotedChanges(before.document, after.document, failedRegion);
    return {
      original,
      promotion,
      failedRegion,
      before,
      after,
      changes,
      answers: before.spec.clusters.map((c) => ({
        cluster: c.name,
        region: c.region,
        before: healthAnswersOf(c),
        after: healthAnswersOf(after.spec.clusters.find((a) => a.name === c.name)!),
      })),
      // Waves that have not been promoted keep their files: the promotion reaches them through their roles only.
      tree: treeChanges(before, after, { kept: readKeptTree(path.resolve(projectFolderOf(configFile), before.spec.gitops.path)), ...render }),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function promotedChanges(before: PlanDocument, after: PlanDocument, failedRegion: string): PromotedChange[] {
  const changes: PromotedChange[] = [];
  const add = (plan: PlanDocument, r: PlanResource, kind: PromotedChange["kind"], keys: readonly string[] = []) => {
    const location = locationOf(plan, r);
    changes.push({ urn: r.urn, type: r.type, name: r.name, cluster: r.cluster, location, side: location === failedRegion ? "failed" : "surviving", kind, keys });
  };
  for (const group of comparePlans(before, after).resources.values()) {
    group.added.forEach((r) => add(after, r, "added"));
    group.removed.forEach((r) => add(before, r, "removed"));
    group.changed.forEach((c) => add(after, c.resource, "changed", c.keys));
  }
  return changes.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

/**
 * The only region serving the Global Accelerator API, whatever the provider's region
 * (hashicorp/terraform-provider-aws internal/service/globalaccelerator/service_package.go).
 */
export const GLOBAL_ACCELERATOR_API_REGION = "us-west-2";

/**
 * The region whose API a change needs. Route 53 is global (its records and health checks
 * are served from every region); an in-cluster object needs the API of the cluster its
 * Kubernetes provider talks to (an Argo CD cluster Secret lives on the hub, not on the
 * spoke it registers); Global Accelerator needs us-west-2; anything else, its AWS region.
 */
export function locationOf(plan: PlanDocument, resource: PlanResource): string {
  if (resource.type.startsWith("aws:route53/")) return "global";
  if (resource.type.startsWith("aws:globalaccelerator/")) return GLOBAL_ACCELERATOR_API_REGION;
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const provider = resource.dependsOn.map((urn) => byUrn.get(urn)).find((r) => r?.type === "pulumi:providers:kubernetes");
  const cluster = provider?.cluster ?? null;
  const region = cluster ? plan.clusters.find((c) => c.name === cluster)?.region : undefined;
  return region ?? resource.region ?? "global";
}

function treeChanges(before: StackPlan, after: StackPlan, render: SynthOptions): TreeChange[] {
  const files = (plan: StackPlan) => new Map(renderTree(plan.spec, render).map((f) => [f.path, f.content]));
  const [old, next] = [files(before), files(after)];
  const changes: TreeChange[] = [];
  for (const [file, content] of next) {
    if (!old.has(file)) changes.push({ path: file, kind: "added" });
    else if (old.get(file) !== content) changes.push({ path: file, kind: "changed" });
  }
  for (const file of old.keys()) if (!next.has(file)) changes.push({ path: file, kind: "removed" });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
