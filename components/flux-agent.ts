import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
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

/**
 * Flux in one cluster, pulling that cluster's two folders of the GitOps tree. The
 * platform layer always reconciles; on a passive cluster the apps layer is suspended,
 * so a warm standby has its RBAC, CRDs and secrets ready but runs no workloads.
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
      spec: { url: fleet.gitops.repoUrl, ref: { branch: fleet.gitops.branch }, interval: "1m" },
    }, crOpts);

    const layer = (layerName: string, path: string, suspend: boolean, dependsOn?: string) =>
      new k8s.apiextensions.CustomResource(`${name}-${layerName}`, {
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: metadata(layerName),
        spec: {
          interval: "5m",
          path: `./${path}`,
          prune: true,
          suspend,
          sourceRef: { kind: "GitRepository", name: names.FLUX_OBJECTS.source },
          ...(dependsOn ? { dependsOn: [{ name: dependsOn }] } : {}),
        },
      }, crOpts);
    layer(names.FLUX_OBJECTS.platform, cluster.gitopsPaths.platform, false);
    layer(names.FLUX_OBJECTS.apps, cluster.gitopsPaths.apps, !cluster.serves, names.FLUX_OBJECTS.platform);
    this.registerOutputs({});
  }
}
