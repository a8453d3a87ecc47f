import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";

/** What an add-on of one cluster with its own IAM identity (IRSA) takes. */
export interface IrsaAddonArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** The cluster's OIDC provider ARN and issuer (without https://), for IRSA. */
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
}

/** What every in-cluster add-on of one cluster takes: where it runs, and its IAM identity. */
export interface ClusterAddonArgs extends IrsaAddonArgs {
  /** Talks to the cluster's API. */
  readonly kubernetesProvider: k8s.Provider;
}

/** An add-on whose chart creates Services, which the Load Balancer Controller's webhook mutates (failurePolicy: Fail). */
export interface ServiceCreatingAddonArgs extends ClusterAddonArgs {
  /** The cluster's Load Balancer Controller release: the add-on waits for it. */
  readonly serviceWebhook: pulumi.Resource;
}
