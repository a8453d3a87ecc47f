import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { spokeRoleName } from "./argocd-hub";

/** One cluster to register, with the values AWS assigned it. */
export interface RegisteredCluster {
  readonly spec: ClusterSpec;
  /** The cluster's API server URL, CA bundle and VPC: from its stack (or the cluster itself in a single stack). */
  readonly endpoint: pulumi.Input<string>;
  readonly certificateAuthority: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /**
   * What its Secret waits for in a single stack: the hub's Argo CD release (its namespace), the
   * spoke's access grant and the cluster's releases whose CRDs and webhooks its tree relies on
   * (registering it starts the sync). A links stack needs none: it runs after every cluster
   * stack. @default none
   */
  readonly after?: readonly pulumi.Resource[];
  /** The Secret's parent before it moved here (the cluster's `ArgoCdSpoke`): kept as an alias, so a deployed Secret stays. */
  readonly formerParent?: pulumi.Input<string>;
}

export interface ArgoCdRegistrationArgs {
  readonly fleet: FleetSpec;
  /** Its region's hub, whose Argo CD reads the Secret. */
  readonly hub: ClusterSpec;
  /** Talks to the hub's API. */
  readonly hubProvider: k8s.Provider;
  readonly cluster: RegisteredCluster;
}

/**
 * Registers one cluster with its region's Argo CD hub: the cluster Secret in the hub's `argocd`
 * namespace (argoproj/argo-cd docs/operator-manual/declarative-setup.md, "Clusters" and "EKS":
 * `name`, `server`, and `config` with `awsAuthConfig` { clusterName, roleARN } and
 * `tlsClientConfig` { insecure: false, caData }), labels = feature flags, annotations =
 * metadata, no bearer token: Argo CD assumes the spoke's role (components/argocd-spoke.ts) and
 * signs a token for its cluster. Built apart from the cluster because it lives on the hub: in a
 * per-cluster fleet, in the links stack of the region, which names the cluster's endpoint and CA
 * through its stack's outputs. Named `<cluster>-argocd-registration`, so plan.json and the
 * policies count it as the cluster's (fleet/ownership.ts). Nothing here depends on the cluster's
 * role: what it serves and runs is in Git, so a promotion changes no registration.
 */
export class ArgoCdRegistration extends pulumi.ComponentResource {
  constructor(name: string, args: ArgoCdRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdRegistration", name, {}, opts);
    register(args.fleet, args.hub, args.cluster, { parent: this, provider: args.hubProvider });
    this.registerOutputs({});
  }
}

function register(fleet: FleetSpec, hub: ClusterSpec, registered: RegisteredCluster, opts: pulumi.CustomResourceOptions): void {
  const cluster = registered.spec;
  const config = pulumi.jsonStringify({
    awsAuthConfig: { clusterName: cluster.eksClusterName, roleARN: names.roleArn(fleet.accountId, spokeRoleName(fleet, cluster.name)) },
    tlsClientConfig: { insecure: false, caData: registered.certificateAuthority },
  });
  const registration = {
    metadata: {
      name: cluster.name,
      namespace: names.AGENTS.argocd.namespace,
      labels: {
        "argocd.argoproj.io/secret-type": "cluster",
        environment: fleet.name,
        aws_cluster_name: cluster.eksClusterName,
        enable_external_secrets: "true",
        enable_velero: "true",
        enable_external_dns: "true",
        enable_aws_load_balancer_controller: "true",
      },
      annotations: {
        aws_account_id: fleet.accountId,
        aws_region: cluster.region,
        aws_cluster_name: cluster.eksClusterName,
        aws_vpc_id: registered.vpcId,
        velero_bucket: cluster.backup.bucket,
        gitops_platform_path: cluster.gitopsPaths.platform,
        gitops_traffic_path: cluster.gitopsPaths.traffic,
        gitops_apps_path: cluster.gitopsPaths.apps,
        velero_role_arn: names.roleArn(fleet.accountId, names.agentRoleName(fleet.name, cluster.name, names.AGENTS.velero.role)),
      },
    },
    type: "Opaque",
    stringData: { name: cluster.name, server: registered.endpoint, config: pulumi.secret(config) },
  };
  // Named by the hub cluster: a cluster whose hub stays the same keeps its Secret; a takeover
  // creates it on the new hub and deletes it from the old one.
  new k8s.core.v1.Secret(`${cluster.name}-argocd-spoke-registration-${hub.name}`, registration, {
    ...opts,
    dependsOn: [...(registered.after ?? [])],
    aliases: registered.formerParent ? [{ parent: registered.formerParent }] : [],
  });
}
