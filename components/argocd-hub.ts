import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import { chartSource } from "./chart-versions";
import { IrsaRole } from "./irsa-role";
import { RegionalCluster } from "./regional-cluster";
import { clusterTags } from "./tags";

/** Service accounts of the chart that talk to spokes, so all three assume the hub role. */
const ARGOCD_SERVICE_ACCOUNTS = ["argocd-application-controller", "argocd-server", "argocd-applicationset-controller"];

export interface ArgoCdHubArgs {
  readonly fleet: FleetSpec;
  readonly hub: RegionalCluster;
}

/** The hub role's name: spokes trust exactly this ARN, known before anything is deployed. */
export const hubRoleName = (fleet: FleetSpec) => names.agentRoleName(fleet.name, fleet.hub!.name, names.AGENTS.argocd.role);

/**
 * Argo CD on the hub cluster (the GitOps-bridge pattern): one install manages every
 * cluster. Its IRSA role may only assume the spokes' roles; ApplicationSets fan the
 * platform and apps layers out to the registered clusters by label.
 */
export class ArgoCdHub extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoCdHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdHub", name, {}, opts);
    const { fleet, hub } = args;
    const namespace = names.AGENTS.argocd.namespace;
    const provider = hub.kubernetesProvider;
    const spokeRoleArns = fleet.clusters.map((c) => names.roleArn(fleet.accountId, spokeRoleName(fleet, c.name)));

    const role = new IrsaRole(`${name}-irsa`, {
      roleName: hubRoleName(fleet),
      oidcProviderArn: hub.oidcProviderArn,
      oidcIssuer: hub.oidcIssuer,
      namespace,
      serviceAccount: ARGOCD_SERVICE_ACCOUNTS,
      statements: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: spokeRoleArns }],
      tags: clusterTags(fleet, hub.spec),
    }, { parent: this });

    const annotations = { "eks.amazonaws.com/role-arn": role.arn };
    this.release = new k8s.helm.v3.Release(`${name}-argocd`, {
      name: "argocd",
      ...chartSource("argocd"),
      namespace,
      createNamespace: true,
      values: {
        crds: { install: true },
        controller: { serviceAccount: { annotations } },
        server: { serviceAccount: { annotations } },
        applicationSet: { serviceAccount: { annotations } },
      },
    }, { parent: this, provider });

    if (fleet.gitops.secretRef) registerRepository(`${name}-repository`, fleet, { parent: this, provider, dependsOn: [this.release] });

    const appSetOpts = { parent: this, provider, dependsOn: [this.release] };
    const applicationSet = (setName: string, layer: "platform" | "apps", selector: Record<string, string>, automated: boolean) =>
      new k8s.apiextensions.CustomResource(`${name}-${setName}`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        metadata: { name: setName, namespace },
        spec: {
          generators: [{ clusters: { selector: { matchLabels: { "argocd.argoproj.io/secret-type": "cluster", ...selector } } } }],
          template: {
            metadata: { name: `{{name}}-${layer}` },
            spec: {
              project: "default",
              source: { repoURL: fleet.gitops.repoUrl, targetRevision: fleet.gitops.branch, path: `${fleet.gitops.path}/clusters/{{name}}/${layer}` },
              destination: { server: "{{server}}" },
              // A passive cluster's apps are registered but not synced: promotion turns this on.
              syncPolicy: automated ? { automated: { prune: true, selfHeal: true } } : {},
            },
          },
        },
      }, appSetOpts);
    applicationSet("fleet-platform", "platform", {}, true);
    applicationSet("fleet-apps", "apps", { fleet_serves: "true" }, true);
    applicationSet("fleet-apps-standby", "apps", { fleet_serves: "false" }, false);
    this.registerOutputs({});
  }
}

export const spokeRoleName = (fleet: FleetSpec, cluster: string) => names.agentRoleName(fleet.name, cluster, "argocd-spoke");

/**
 * A private repository: the Secret `gitops.secretRef` (created out of band in `argocd`,
 * holding `sshPrivateKey` or `username`/`password`) becomes Argo CD's repository
 * credentials once it carries the repository label and `url` (argoproj/argo-cd
 * `docs/operator-manual/declarative-setup.md`, "Repositories"). Server-side apply adds only
 * those fields; the credentials never pass through Pulumi.
 */
function registerRepository(name: string, fleet: FleetSpec, opts: pulumi.CustomResourceOptions): k8s.core.v1.SecretPatch {
  const encode = (text: string) => Buffer.from(text).toString("base64");
  return new k8s.core.v1.SecretPatch(name, {
    metadata: { name: fleet.gitops.secretRef, namespace: names.AGENTS.argocd.namespace, labels: { "argocd.argoproj.io/secret-type": "repository" } },
    data: { url: encode(fleet.gitops.repoUrl), type: encode("git") },
  }, opts);
}
