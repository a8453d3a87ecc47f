import * as fs from "fs";
import * as path from "path";
import type { RenderedFile } from "../../charts";
import { comparePlans } from "../../cli/diff/compare-plans";
import { reportFailure } from "../../cli/errors";
import { main as failover } from "../../cli/failover";
import { main as plan } from "../../cli/plan";
import type { PlanDocument, PlanResource } from "../../cli/plan-document";
import { main as synth } from "../../cli/synth";
import { fleetFromStackFile, FleetSpec } from "../../fleet";
import { tempDir } from "./temp-dirs";

/**
 * A regional outage played offline as the on-call engineer plays it (docs/RUNBOOK.md, 2 and
 * 2b), with the commands themselves (in-process), each with DOWN unavailable: `npm run plan`
 * of the stack as last deployed, `npm run failover` (the takeover standby, or `--to`),
 * `npm run synth` and `npm run plan` of the promoted stack: the deploy that reconciles it.
 */
const PROJECT = path.resolve(__dirname, "../..");
export const PROD = fs.readFileSync(path.join(PROJECT, "Pulumi.prod.yaml"), "utf8");
/** The region that is down: prod's primary's, and its home region (Route 53's provider, the secrets' primary copies). */
export const DOWN = "us-east-1";
/** The flags that make a command run as if DOWN were unreachable: the one place to name them. */
export const OUTAGE_FLAGS: readonly string[] = ["--unavailable", DOWN];

/** Prod with its home region in us-west-2: the failed region is then only the primary's. */
export const homeElsewhere = (text: string) => text.replace("aws:region: us-east-1", "aws:region: us-west-2");

/** What a command exits with and prints, as `runCommand` would report it. */
export interface Ran {
  readonly code: number;
  readonly printed: string;
}

export async function run(command: (argv: string[]) => Promise<number>, argv: string[]): Promise<Ran> {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    return { code: await command(argv), printed: lines.join("\n") };
  } catch (err) {
    return { code: reportFailure(err, (line) => lines.push(line)), printed: lines.join("\n") };
  } finally {
    log.mockRestore();
  }
}

/** One side of the outage: the fleet the stack file describes, its plan.json and its rendered tree. */
export interface Side {
  readonly spec: FleetSpec;
  readonly plan: PlanDocument;
  readonly tree: RenderedFile[];
}

export interface Outage {
  /** The stack file, promoted once the play is done. */
  readonly file: string;
  /** As last deployed (planned with DOWN unavailable: the same resources, as no call reaches it). */
  readonly before: Side;
  /** The promoted stack, planned and rendered with DOWN unavailable (when its plan succeeded: `promoted`). */
  readonly after?: Side;
  /** What `failover`, `synth` and `plan` exited with and printed during the outage. */
  readonly failover: Ran;
  readonly synth: Ran;
  readonly plan: Ran;
}

/** Plays the outage of DOWN for the stack file `text` (see above); `to` is failover's `--to`. */
export async function playOutage(text: string, to?: string): Promise<Outage> {
  const folder = tempDir("eks-fleet-outage-");
  // A project of its own, so its tree (none yet) is not the repository's.
  fs.writeFileSync(path.join(folder, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  const file = path.join(folder, "Pulumi.prod.yaml");
  fs.writeFileSync(file, text);
  const planned = await run(plan, ["--config", file, "--out", path.join(folder, "deployed"), ...OUTAGE_FLAGS]);
  if (planned.code !== 0) throw new Error(`the stack as deployed does not plan with ${DOWN} unavailable:\n${planned.printed}`);
  const before = { spec: fleetFromStackFile(file).spec, ...readPlan(path.join(folder, "deployed")) };

  const promoted = await run(failover, ["--config", file, ...(to ? ["--to", to] : []), ...OUTAGE_FLAGS]);
  const synthesized = await run(synth, ["--config", file, "--out", path.join(folder, "gitops")]);
  const replanned = await run(plan, ["--config", file, "--out", path.join(folder, "promoted"), ...OUTAGE_FLAGS]);
  const after = replanned.code === 0 && synthesized.code === 0
    ? { spec: fleetFromStackFile(file).spec, plan: readPlan(path.join(folder, "promoted")).plan, tree: readTree(path.join(folder, "gitops")) }
    : undefined;
  return { file, before, after, failover: promoted, synth: synthesized, plan: replanned };
}

/** The promoted side of a played outage; what the commands printed when there is none. */
export function promoted(outage: Outage): Side {
  if (outage.after) return outage.after;
  const said = (name: string, ran: Ran) => `${name} exited ${ran.code}:\n${ran.printed}`;
  throw new Error([said("failover", outage.failover), said("synth", outage.synth), said("plan", outage.plan)].join("\n"));
}

/** Plans `text` (a stack file) with DOWN unavailable: exit code and plan.json, if any. */
export async function planDuringOutage(text: string): Promise<Ran & { readonly file: string; readonly spec: FleetSpec; readonly plan?: PlanDocument; readonly tree?: RenderedFile[] }> {
  const folder = tempDir("eks-fleet-outage-plan-");
  fs.writeFileSync(path.join(folder, "Pulumi.yaml"), "name: eks-fleet\nruntime: nodejs\n");
  const file = path.join(folder, "Pulumi.prod.yaml");
  fs.writeFileSync(file, text);
  const ran = await run(plan, ["--config", file, "--out", path.join(folder, "out"), ...OUTAGE_FLAGS]);
  return { ...ran, file, spec: fleetFromStackFile(file).spec, ...(ran.code === 0 ? readPlan(path.join(folder, "out")) : {}) };
}

function readPlan(out: string): { plan: PlanDocument; tree: RenderedFile[] } {
  return { plan: JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")), tree: readTree(path.join(out, "gitops")) };
}

/** Every file under `root`, as the renderer's RenderedFile. */
function readTree(root: string, at = ""): RenderedFile[] {
  return fs.readdirSync(path.join(root, at), { withFileTypes: true }).flatMap((e) => {
    const rel = at ? `${at}/${e.name}` : e.name;
    return e.isDirectory() ? readTree(root, rel) : [{ path: rel, content: fs.readFileSync(path.join(root, rel), "utf8") }];
  });
}

/**
 * The region whose API changing `resource` calls: a Kubernetes object's, the region of the
 * EKS cluster its provider's kubeconfig is built from (the provider's one EKS dependency);
 * IAM's and Route 53's control planes are in us-east-1 and Global Accelerator's in us-west-2
 * (AWS whitepaper "AWS Fault Isolation Boundaries", "Global services"; IAM user guide,
 * "Resilience in IAM"); anything else, the region of its provider.
 */
export function apiRegionOf(plan: PlanDocument, resource: PlanResource): string {
  if (/^aws:(iam|route53)\//.test(resource.type)) return "us-east-1";
  if (resource.type.startsWith("aws:globalaccelerator/")) return "us-west-2";
  const provider = resource.type.startsWith("kubernetes:") ? kubernetesProviderOf(plan, resource) : undefined;
  const region = provider ? eksClusterOf(plan, provider).region : resource.region;
  if (!region) throw new Error(`${resource.name}: no region in plan.json`);
  return region;
}

const byUrn = new WeakMap<PlanDocument, Map<string, PlanResource>>();
const resourceAt = (plan: PlanDocument, urn: string) => {
  if (!byUrn.has(plan)) byUrn.set(plan, new Map(plan.resources.map((r) => [r.urn, r])));
  return byUrn.get(plan)!.get(urn);
};

/** The Kubernetes provider an object goes through. */
export function kubernetesProviderOf(plan: PlanDocument, resource: PlanResource): PlanResource | undefined {
  return resource.dependsOn.map((urn) => resourceAt(plan, urn)).find((r) => r?.type === "pulumi:providers:kubernetes");
}

/**
 * The EKS cluster a Kubernetes provider talks to: the one its kubeconfig comes from, in its own
 * stack or, for a kubeconfig built from another stack's outputs (a links stack's Argo CD hub),
 * the one EKS cluster of the stack its StackReference reads.
 */
export function eksClusterOf(plan: PlanDocument, provider: PlanResource): PlanResource {
  const sources = provider.dependsOn.map((urn) => resourceAt(plan, urn));
  const read = sources.filter((r) => r?.type === "pulumi:pulumi:StackReference").map((r) => String(r!.inputs.name).split("/").pop());
  const clusters = [
    ...sources.filter((r) => r?.type === "aws:eks/cluster:Cluster"),
    ...plan.resources.filter((r) => r.type === "aws:eks/cluster:Cluster" && read.includes(r.stack)),
  ];
  if (clusters.length !== 1) throw new Error(`${provider.name}: ${clusters.length} EKS clusters behind its kubeconfig`);
  return clusters[0]!;
}

/** A resource a deploy from `from` to `to` would change, and the region whose API that calls. */
export interface Change {
  readonly kind: "added" | "removed" | "changed";
  readonly type: string;
  readonly name: string;
  readonly cluster: string | null;
  readonly location: string;
}

/** Every resource `pulumi up` from `from` to `to` would create, delete or update, with where the call goes. */
export function deployChanges(from: PlanDocument, to: PlanDocument): Change[] {
  const changes: Change[] = [];
  const add = (plan: PlanDocument, r: PlanResource, kind: Change["kind"]) => changes.push({ kind, type: r.type, name: r.name, cluster: r.cluster, location: apiRegionOf(plan, r) });
  for (const group of comparePlans(from, to).resources.values()) {
    for (const r of group.added) add(to, r, "added");
    for (const r of group.removed) add(from, r, "removed");
    for (const c of group.changed) add(to, c.resource, "changed");
  }
  return changes;
}

/** What a change is, in one line a failing assertion shows. */
export const shown = (c: Change) => `${c.kind} ${c.location} ${c.type} ${c.name}`;
