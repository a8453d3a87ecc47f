import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { chartSource } from "./chart-versions";

export interface FluxAgentArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  readonly kubernetesProvider: k8s.Provider;
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
    }, { parent: this, provider });

    const crOpts = { parent: this, provider, dependsOn: [release] };
    const metadata = (objectName: string) => ({ name: objectName, namespace });
    new k8s.apiextensions.CustomResource(`${name}-source`, {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: metadata(names.FLUX_OBJECTS.source),
      spec: {
        url: fleet.gitops.repoUrl,
        ref: { branch: fleet.gitops.branch },
        interval: "1m",
        // A private repository: its credentials stay in a Secret created out of band.
        ...(fleet.gitops.secretRef ? { secretRef: { name: fleet.gitops.secretRef } } : {}),
      },
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
