import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import type { FleetRole } from "./pod-identity-role";

/** What every in-cluster add-on of one cluster takes: where it runs. */
export interface ClusterAddonArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** Talks to the cluster's API. */
  readonly kubernetesProvider: k8s.Provider;
}

/** An add-on whose chart creates Services, which the Load Balancer Controller's webhook mutates (failurePolicy: Fail). */
export interface ServiceCreatingAddonArgs extends ClusterAddonArgs {
  /** The cluster's Load Balancer Controller release: the add-on waits for it. */
  readonly serviceWebhook: pulumi.Resource;
}

/** An add-on with IAM roles of its own in this cluster (IRSA): Velero and the secrets readers (docs/REFERENCE.md, "Pod identity"). */
export interface IrsaAddonArgs extends ServiceCreatingAddonArgs {
  /** The cluster's OIDC provider ARN and issuer (without https://), for IRSA. */
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
}

/** An add-on on its fleet-wide role through EKS Pod Identity (components/pod-identity-role.ts). */
export interface PodIdentityAddonArgs extends ClusterAddonArgs {
  /** The EKS cluster's name as its output: the Pod Identity association follows a replaced cluster. */
  readonly clusterName: pulumi.Input<string>;
  /** The add-on's fleet-wide role (`FleetAddonRoles`), scoped to each cluster by its session tags. */
  readonly role: FleetRole;
  /** The cluster's Pod Identity Agent, which hands the add-on its credentials. */
  readonly podIdentityAgent: pulumi.Resource;
}
