import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, GITOPS_PICKUP_SECONDS, names } from "../fleet";
import { chartSource } from "./chart-versions";

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
 * Flux in one cluster, pulling that cluster's two folders of the GitOps tree. Both layers
 * always reconcile and prune, whatever the cluster's role: what a standby runs is decided
 * in the rendered tree (charts/standby.ts), because a suspended Kustomization would leave
 * applied workloads running (fluxcd/kustomize-controller docs, "Suspend"). A failover
 * therefore changes nothing here.
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
      },
    }, { parent: this, provider, dependsOn: [args.serviceWebhook] });

    const crOpts = { parent: this, provider, dependsOn: [release, ...args.treePrerequisites] };
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
          ...extra,
        },
      }, crOpts);
    // `wait`: Ready only once every object is healthy, so `apps` (which depends on it) never
    // races the platform's CRDs, namespaces and secrets.
    layer(names.FLUX_OBJECTS.platform, cluster.gitopsPaths.platform, { wait: true, timeout: "5m" });
    layer(names.FLUX_OBJECTS.apps, cluster.gitopsPaths.apps, { dependsOn: [{ name: names.FLUX_OBJECTS.platform }] });
    this.registerOutputs({});
  }
}
