import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";

/**
 * Everything the gates read, behind one interface: the live source (live-source.ts) asks the
 * clusters' APIs, Git and AWS; the recorded source (recorded-source.ts) replays what was
 * recorded, so every gate decision can be tested offline, on a simulated clock.
 */
export interface StatusSource {
  now(): Date;
  /**
   * The GitOps agent's objects for one cluster, as its API returns them: Flux's Kustomizations
   * (`platform`, `traffic`, `apps` in flux-system) or the Argo CD Applications `<cluster>-<layer>`
   * on the cluster's hub. Undefined when the API did not answer.
   */
  agentObjects(cluster: string): Promise<readonly AgentObject[] | undefined>;
  readonly git: GitHistory;
  /** The health signals of a cluster, each with what it must read while the cluster is well. */
  healthSignals(cluster: string): Promise<readonly HealthSignal[]>;
  /** A signal's samples between two times (CloudWatch keeps Route 53 and load-balancer metrics per minute). */
  healthSamples(signal: HealthSignal, from: Date, to: Date): Promise<readonly HealthSample[]>;
  /** A CloudWatch alarm's state now and its state changes since `since`; undefined when it does not exist. */
  alarm(name: string, region: string, since: Date): Promise<AlarmReport | undefined>;
  /** An HTTPS GET: the status code, or why there was none. */
  probe(url: string): Promise<{ readonly status: number } | { readonly error: string }>;
  /** What each cluster runs as the last `pulumi up` recorded it (the stack's `kubernetesVersions` output), and since when. */
  deployed(cluster: string): Promise<DeployedRelease | undefined>;
}

export interface GitHistory {
  /** The newest commit on the branch the agents follow that changed anything under `path` (a folder of the tree). */
  lastChange(path: string): Promise<Commit | undefined>;
  /** Whether `commit` is `ancestor` or comes after it; undefined when either is unknown here (fetch first). */
  includes(commit: string, ancestor: string): Promise<boolean | undefined>;
  /** Commits on the branch after `since` (all when undefined) that changed files under `path`, newest first, with the files they changed. */
  changes(path: string, since: string | undefined): Promise<readonly Change[]>;
}

export interface Change extends Commit {
  readonly subject: string;
  readonly paths: readonly string[];
}

export interface Commit {
  readonly sha: string;
  /** When it reached the branch (committer date). */
  readonly at: Date;
}

/**
 * The fields of a Flux Kustomization's status the gates read (fluxcd/kustomize-controller
 * api/v1 KustomizationStatus at v1.8.5, the controller the pinned flux2 chart 2.18.3 ships):
 * `history` (fluxcd/pkg apis/meta Snapshot) is newer than the model package's schema.
 */
export type FluxKustomization = IKustomization & {
  readonly status?: IKustomization["status"] & {
    readonly history?: readonly {
      readonly digest: string;
      readonly firstReconciled: string;
      readonly lastReconciled: string;
      readonly lastReconciledStatus: string;
      readonly totalReconciliations?: number;
      readonly metadata?: Readonly<Record<string, string>>;
    }[];
  };
};

/** An Argo CD Application (argoproj/argo-cd pkg/apis/application/v1alpha1 ApplicationStatus, v3.4.4 in the pinned chart 10.1.1). */
export type ArgoApplication = IApplication;

export type AgentObject = FluxKustomization | ArgoApplication;

export interface HealthSignal {
  readonly cluster: string;
  /** e.g. `Route 53 serving check`, `gateway target group`. */
  readonly name: string;
  /** Opaque to the gates: what the source needs to read it (a health check ID, a target group). */
  readonly id: string;
}

/** One sample: green when the signal read healthy over its period. */
export interface HealthSample {
  readonly at: Date;
  readonly green: boolean;
}

export interface AlarmReport {
  readonly state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  /** State changes since the time asked, oldest first. */
  readonly changes: readonly { readonly at: Date; readonly to: "OK" | "ALARM" | "INSUFFICIENT_DATA" }[];
}

export interface DeployedRelease {
  readonly kubernetesVersion: string;
  /** When the control plane reached it, where known (EKS's last version update). */
  readonly since?: Date;
}
