import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, GITOPS_PICKUP_SECONDS, names, WEBHOOK_SECRET } from "../fleet";
import { chartSource } from "./chart-versions";
import { FLUX_LOCKDOWN_VALUES, FluxLayerAccess } from "./flux-lockdown";

export interface FluxAgentArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  readonly kubernetesProvider: k8s.Provider;
  /** The cluster's Load Balancer Controller release: this chart creates Services its webhook mutates. */
  readonly serviceWebhook: pulumi.Resource;
  /**
   * Releases whose CRDs and webhooks the cluster's tree relies on (External Secrets, Velero,
   * Karpenter, the Load Balancer Controller): the Kustomizations are created after them, so
   * the first reconciliation does not fail on an unknown kind or a missing webhook.
   */
  readonly treePrerequisites: readonly pulumi.Resource[];
}

/** A failed apply is retried this often instead of waiting for the next interval (which `retryInterval` defaults to). */
const RETRY_INTERVAL = "1m";

/**
 * How `traffic` and `apps` wait for `platform`: until it has applied once (its inventory is
 * set right after the apply, before its health checks run; fluxcd/kustomize-controller
 * internal/controller/kustomization_controller.go), never for its health. A `readyExpr`
 * replaces the built-in check, which would wait for `platform` to be Ready at the same
 * revision (docs/spec/v1/kustomizations.md, "Dependency Ready Expression"; Flux 2.7+, and
 * the pinned flux2 chart 2.18.3 ships Flux 2.8.5). So on a first deploy the namespaces and
 * CRDs exist before the apps, and afterwards an ExternalSecret without a value, an unhealthy
 * NodeClass or a webhook that rejects a platform object never holds back the apps or a
 * promotion. The price: a later commit that adds a namespace together with its apps may see
 * `apps` apply first, fail on the missing namespace and succeed at its retry a minute later.
 * `has()` guards each level: a Kustomization that never reconciled has no status.
 */
export const PLATFORM_APPLIED_ONCE = "has(dep.status) && has(dep.status.inventory)";

/**
 * Flux in one cluster, pulling that cluster's three folders of the GitOps tree: `platform`
 * (waits for its objects' health, which it reports), `traffic` (the health answers: the
 * failover switch) and `apps`, the latter two needing `platform` only to have applied once.
 * Every layer always reconciles and prunes, whatever the cluster's role: what a standby runs
 * is decided in the rendered tree (charts/standby.ts), because a suspended Kustomization
 * would leave applied workloads running (fluxcd/kustomize-controller docs, "Suspend"). A
 * failover therefore changes nothing here. A GitHub Receiver makes a push reach the agent in
 * seconds (the gateway exposes its path; docs/HIGH-AVAILABILITY.md, "Webhook receivers").
 */
export class FluxAgent extends pulumi.ComponentResource {
  constructor(name: string, args: FluxAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:FluxAgent", name, {}, opts);
    const { fleet, cluster } = args;
    const namespace = names.AGENTS.flux.namespace;
    const provider = args.kubernetesProvider;

    const release = new k8s.helm.v3.Release(`${name}-flux2`, {
      name: "flux2",
      ...chartSource("flux2"),
      namespace,
      createNamespace: true,
      values: {
        installCRDs: true,
        // Image automation writes to Git; rendered manifests are written by CI only.
        imageAutomationController: { create: false },
        imageReflectionController: { create: false },
        // Each layer applies with its own account's rights (components/flux-lockdown.ts).
        ...FLUX_LOCKDOWN_VALUES,
        // A new commit cancels a health check still waiting on the previous one (opt-in since
        // kustomize-controller v1.7, internal/features/features.go), so a failover commit never
        // waits behind the apps layer's health check of a bad change.
        kustomizeController: {
          container: { additionalArgs: [...FLUX_LOCKDOWN_VALUES.kustomizeController.container.additionalArgs, "--feature-gates=CancelHealthCheckOnNewRevision=true"] },
        },
      },
    }, { parent: this, provider, dependsOn: [args.serviceWebhook] });

    const access = new FluxLayerAccess(`${name}-layer-access`, { kubernetesProvider: provider, release }, { parent: this });
    const crOpts = { parent: this, provider, dependsOn: [release, ...args.treePrerequisites, ...access.resources] };
    const metadata = (objectName: string) => ({ name: objectName, namespace });
    new k8s.apiextensions.CustomResource(`${name}-source`, {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: metadata(names.FLUX_OBJECTS.source),
      spec: {
        url: fleet.gitops.repoUrl,
        ref: { branch: fleet.gitops.branch },
        interval: `${GITOPS_PICKUP_SECONDS.flux / 60}m`,
        // A private repository: its credentials stay in a Secret created out of band.
        ...(fleet.gitops.secretRef ? { secretRef: { name: fleet.gitops.secretRef } } : {}),
      },
    }, crOpts);

    const layer = (layerName: string, path: string, extra: Record<string, unknown>) =>
      new k8s.apiextensions.CustomResource(`${name}-${layerName}`, {
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: metadata(layerName),
        spec: {
          interval: "5m",
          retryInterval: RETRY_INTERVAL,
          path: `./${path}`,
          prune: true,
          // Deleting a Kustomization (an engine switch, a removed agent) leaves what it applied in
          // place; `prune` still removes what leaves Git (fluxcd/kustomize-controller
          // docs/spec/v1/kustomizations.md, "Deletion policy").
          deletionPolicy: "Orphan",
          sourceRef: { kind: "GitRepository", name: names.FLUX_OBJECTS.source },
          serviceAccountName: names.fluxLayerServiceAccount(layerName),
          ...extra,
        },
      }, crOpts);
    // `wait`: Ready only once every object is healthy, which it reports; nothing waits for that.
    layer(names.FLUX_OBJECTS.platform, cluster.gitopsPaths.platform, { wait: true, timeout: "5m" });
    const afterPlatform = { dependsOn: [{ name: names.FLUX_OBJECTS.platform, readyExpr: PLATFORM_APPLIED_ONCE }] };
    layer(names.FLUX_OBJECTS.traffic, cluster.gitopsPaths.traffic, afterPlatform);
    // `wait`: Ready says the apps are healthy at the applied commit, which the rollout gates read
    // (operations/rollout/agents.ts); nothing depends on it, and a new commit cancels the wait.
    layer(names.FLUX_OBJECTS.apps, cluster.gitopsPaths.apps, { ...afterPlatform, wait: true, timeout: "10m" });

    // A push to the repository triggers a fetch at once (fluxcd/notification-controller
    // docs/spec/v1/receivers.md, type github: the HMAC of the payload is checked against the
    // token). The Secret holding the token is created out of band; without it the Receiver
    // stays not Ready and the GitRepository's one-minute poll still picks the commit up.
    new k8s.apiextensions.CustomResource(`${name}-receiver`, {
      apiVersion: "notification.toolkit.fluxcd.io/v1",
      kind: "Receiver",
      metadata: metadata(names.FLUX_OBJECTS.receiver),
      spec: {
        type: "github",
        events: ["ping", "push"],
        secretRef: { name: WEBHOOK_SECRET.name },
        resources: [{ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name: names.FLUX_OBJECTS.source }],
      },
    }, crOpts);
    this.registerOutputs({});
  }
}
