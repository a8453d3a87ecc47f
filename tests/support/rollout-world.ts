import { createHash } from "crypto";
import { fleetReplications, keptTreeOf, renderRollout, RenderedFile, replicatedReplications, RolloutChange, RolloutRender } from "../../charts";
import { FleetSpec, names, PROMOTION_ASSUMPTIONS } from "../../fleet";
import { RecordedSource, Recording } from "../../operations/rollout/recorded-source";
import type { AgentObject } from "../../operations/rollout/status-source";
import { webDeployment } from "../charts/render-helpers";

const RENDERS = new Map<string, RolloutRender>();

/** How long an agent takes from a push to an applied commit: the push webhook (fleet/dr.ts) plus an apply. */
export const PICKUP_SECONDS = PROMOTION_ASSUMPTIONS.webhookPickupSeconds;
export const APPLY_SECONDS = 30;
/** CI commits and pushes a promotion. */
export const PUSH_SECONDS = 30;


/**
 * A fleet on a simulated clock: a Git branch whose commits carry rendered trees, agents that
 * apply each push after the webhook and an apply, and a recording of everything they report,
 * replayed by `RecordedSource` for the gates. `broken` clusters fail the health check of
 * commits whose tree holds a broken image; `silent` ones never answer.
 */
export class RolloutWorld {
  readonly recording: Recording = { commits: [], agents: {}, health: {}, deployed: {} };
  readonly source: RecordedSource;
  /** The tree on the branch now, with its rollout state and kept clusters. */
  render!: RolloutRender;
  get files(): RenderedFile[] {
    return this.render?.files ?? [];
  }
  private sequence = 0;
  readonly silent = new Set<string>();

  constructor(public spec: FleetSpec, start: Date, public image = "web:v1") {
    this.source = new RecordedSource(this.recording, start);
    for (const c of spec.clusters) {
      this.recording.health[c.name] = c.serves ? [{ name: "Route 53 serving check", id: `hc-${c.name}`, samples: [] }] : [];
      this.recording.deployed![c.name] = [{ at: new Date(start.getTime() - 86400_000).toISOString(), kubernetesVersion: c.kubernetesVersion }];
    }
    this.commit("the fleet", {}, -86400);
  }

  get now(): Date {
    return this.source.now();
  }

  /** Renders the tree for the current spec and image (with the tree so far), commits the files that changed. */
  commit(subject: string, change: RolloutChange, pushDelaySeconds = 0): { sha: string; paths: string[] } {
    const previous = this.files;
    // The same fleet, image, state and change render the same tree: rendered once per test file.
    const key = JSON.stringify([this.spec.gitops.engine, this.spec.clusters.map((c) => [c.name, c.role, c.wave, c.kubernetesVersion]), this.image, previous.find((f) => f.path === "rollout.json")?.content, change]);
    let render = RENDERS.get(key);
    if (!render) {
      const replications = [...fleetReplications(this.spec, []), ...replicatedReplications([{ file: "apps/web.yaml", layer: "apps", objects: [webDeployment(this.image)] }])];
      RENDERS.set(key, (render = renderRollout(this.spec, { replications, kept: keptTreeOf(previous), change })));
    }
    this.render = render;
    const before = new Map(previous.map((f) => [f.path, f.content]));
    const paths = this.files.filter((f) => before.get(f.path) !== f.content).map((f) => `${this.spec.gitops.path}/${f.path}`);
    const sha = createHash("sha1").update(`${this.sequence++} ${subject}`).digest("hex");
    const at = new Date(this.now.getTime() + pushDelaySeconds * 1000).toISOString();
    this.recording.commits.push({ sha, at, subject, paths });
    return { sha, paths };
  }

  /** Moves the clock and records what every agent and health signal reports then. */
  advance(seconds: number): void {
    const step = 10;
    for (let done = 0; done < seconds; done += step) {
      this.source.advance(Math.min(step, seconds - done));
      this.record();
    }
  }

  /** The clusters whose folders a commit touched. */
  clustersOf(paths: readonly string[]): string[] {
    return [...new Set(paths.filter((p) => p.includes("/clusters/")).map((p) => p.split("/clusters/")[1].split("/")[0]))].sort();
  }

  private record(): void {
    const now = this.now;
    const applied = this.recording.commits.filter((c) => new Date(c.at).getTime() + (PICKUP_SECONDS + APPLY_SECONDS) * 1000 <= now.getTime());
    for (const cluster of this.spec.clusters) {
      const objects = this.silent.has(cluster.name) ? undefined : this.objectsOf(cluster.name, applied);
      (this.recording.agents[cluster.name] ??= []).push({ at: now.toISOString(), objects });
      for (const signal of this.recording.health[cluster.name]) signal.samples.push({ at: now.toISOString(), green: true });
    }
  }

  private objectsOf(cluster: string, applied: Recording["commits"]): AgentObject[] {
    const head = applied.at(-1)!;
    return names.TREE_LAYERS.map((layer) => {
      const folder = `${this.spec.gitops.path}/clusters/${cluster}/${layer}/`;
      const changed = applied.filter((c) => c.paths.some((p) => p.startsWith(folder))).at(-1) ?? applied[0];
      const appliedAt = new Date(new Date(changed.at).getTime() + (PICKUP_SECONDS + APPLY_SECONDS) * 1000).toISOString();
      const broken = layer === "apps" && this.brokenAt(cluster, changed.sha);
      return this.spec.gitops.engine === "flux" ? flux(layer, head.sha, changed.sha, appliedAt, broken) : argo(cluster, layer, head.sha, changed.sha, appliedAt, broken);
    });
  }

  /** Commits whose web image is `web:broken` fail on these clusters. */
  readonly brokenCommits = new Set<string>();
  private brokenAt(_cluster: string, sha: string): boolean {
    return this.brokenCommits.has(sha);
  }
}

/** A Flux Kustomization as kustomize-controller v1.8 reports it (docs/spec/v1/kustomizations.md, "Kustomization Status"). */
export function flux(layer: string, head: string, changed: string, appliedAt: string, broken = false): AgentObject {
  const revision = `main@sha1:${head}`;
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: layer, namespace: "flux-system", generation: 1 },
    spec: { interval: "5m", path: `./gitops/${layer}`, prune: true, sourceRef: { kind: "GitRepository", name: "fleet" } },
    status: {
      observedGeneration: 1,
      lastAttemptedRevision: revision,
      ...(broken ? {} : { lastAppliedRevision: revision }),
      conditions: [broken
        ? { type: "Ready", status: "False", reason: "HealthCheckFailed", message: "timeout waiting for: [Deployment/payments/web status: 'InProgress']", observedGeneration: 1, lastTransitionTime: appliedAt }
        : { type: "Ready", status: "True", reason: "ReconciliationSucceeded", message: `Applied revision: ${revision}`, observedGeneration: 1, lastTransitionTime: appliedAt }],
      history: [{ digest: `sha256:${changed.padEnd(64, "0")}`, firstReconciled: appliedAt, lastReconciled: appliedAt, lastReconciledStatus: broken ? "HealthCheckFailed" : "ReconciliationSucceeded", totalReconciliations: 1, metadata: { revision: `main@sha1:${changed}` } }],
    },
  } as AgentObject;
}

/** An Argo CD Application as v3.4 reports it (ApplicationStatus: sync, health, operationState, history). */
export function argo(cluster: string, layer: string, head: string, changed: string, appliedAt: string, broken = false): AgentObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: `${cluster}-${layer}`, namespace: "argocd" },
    spec: { project: "default", destination: {}, source: { repoURL: "https://github.com/acme/platform.git", targetRevision: "main" } },
    status: {
      sync: { status: "Synced", revision: head },
      health: { status: broken ? "Degraded" : "Healthy", lastTransitionTime: appliedAt },
      operationState: { phase: "Succeeded", operation: {}, startedAt: appliedAt, finishedAt: appliedAt, syncResult: { revision: changed } },
      history: [{ id: 1, revision: changed, deployedAt: appliedAt }],
    },
  } as AgentObject;
}
