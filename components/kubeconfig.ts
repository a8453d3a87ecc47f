import * as pulumi from "@pulumi/pulumi";

export interface KubeconfigArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly endpoint: pulumi.Input<string>;
  /** Base64 CA bundle of the API server. */
  readonly certificateAuthority: pulumi.Input<string>;
  readonly region: string;
}

/**
 * A kubeconfig for one cluster, built from its endpoint and CA, that authenticates with
 * `aws eks get-token` as whoever runs it (the deploy role under `pulumi up`, the preview role
 * in previews). get-token presigns an STS request locally and calls nothing, so building the
 * config or a token needs no region (AWS CLI reference, `aws eks get-token`). A secret: it
 * names the cluster's endpoint.
 */
export function kubeconfigFor(args: KubeconfigArgs): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([args.clusterName, args.endpoint, args.certificateAuthority]).apply(([name, server, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server, "certificate-authority-data": ca } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [{
          name,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", name, "--region", args.region, "--output", "json"],
            },
          },
        }],
      }),
    ),
  );
}
