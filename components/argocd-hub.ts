import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ARGOCD_SPOKE_ROLE, FleetSpec, names, WEBHOOK_SECRET } from "../fleet";
import { appProjectName, ArgoCdProjects } from "./argocd-projects";
import { chartSource } from "./chart-versions";
import { associateServiceAccount, FleetRole } from "./pod-identity-role";
import { RegionalCluster } from "./regional-cluster";
import { clusterTags } from "./tags";

/** Service accounts of the chart that talk to spokes, so all three use the Argo CD role. */
export const ARGOCD_SERVICE_ACCOUNTS = ["argocd-application-controller", "argocd-server", "argocd-applicationset-controller"];

export interface ArgoCdHubArgs {
  readonly fleet: FleetSpec;
  /** The cluster this install runs in: its region's hub (`fleet.hubs`). */
  readonly hub: RegionalCluster;
  /** The hub's Load Balancer Controller release: the chart creates Services its webhook mutates. */
  readonly serviceWebhook: pulumi.Resource;
  /** The fleet-wide Argo CD role (`FleetAddonRoles.argocd`), which every hub's service accounts use. */
  readonly role: FleetRole;
}


/**
 * Argo CD on a region's hub cluster (the GitOps-bridge pattern), managing the clusters of
 * its region, itself included. One active install per region, rather than one hub with a
 * standby: a standby must be scaled up by someone and reaches every region's API endpoints,
 * while a hub per region keeps running whatever other region is lost, so every surviving
 * cluster always has an active reconciler; the cost grows with the regions, never as a mesh.
 * Its service accounts use the fleet-wide Argo CD role through EKS Pod Identity (supported since
 * argoproj/argo-cd#17063, which moved to an AWS SDK with the container credential provider;
 * docs/operator-manual/declarative-setup.md, "EKS"), and each spoke role trusts that role only
 * from its own hub's cluster (the session's transitive `eks-cluster-name` tag), so a hub
 * manages its region's spokes only (IAM auth, no tokens). `argocd-k8s-auth` signs for the
 * pod's own region (EKS sets AWS_REGION in pods it gives credentials), so a hub needs
 * nothing from another region. ApplicationSets fan the three layers out to the registered clusters.
 */
export class ArgoCdHub extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ArgoCdHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdHub", name, {}, opts);
    const { fleet, hub } = args;
    const namespace = names.AGENTS.argocd.namespace;
    const provider = hub.kubernetesProvider;
    const associations = ARGOCD_SERVICE_ACCOUNTS.map((serviceAccount) => associateServiceAccount(`${name}-${serviceAccount}`, {
      clusterName: hub.clusterName,
      namespace,
      serviceAccount,
      role: args.role,
      tags: clusterTags(fleet, hub.spec),
      dependsOn: [hub.podIdentityAgent],
    }, { parent: this }));

    this.release = new k8s.helm.v3.Release(`${name}-argocd`, {
      name: "argocd",
      ...chartSource("argocd"),
      namespace,
      createNamespace: true,
      values: {
        crds: { install: true },
        controller: { replicas: 1 },
        applicationSet: { replicas: 1 },
        // The push webhook's shared secret, read from a Secret created out of band (labelled
        // app.kubernetes.io/part-of: argocd): argocd-secret holds only a reference to it
        // (argoproj/argo-cd docs/operator-manual/webhook.md, "$<secret>:<key>"), so the token
        // is neither in Git nor in Pulumi's state.
        configs: { secret: { githubSecret: `$${WEBHOOK_SECRET.name}:${WEBHOOK_SECRET.key}` } },
      },
    }, { parent: this, provider, dependsOn: [args.serviceWebhook, ...associations] });

    if (fleet.gitops.secretRef) registerRepository(`${name}-repository`, fleet, { parent: this, provider, dependsOn: [this.release] });

    const projects = new ArgoCdProjects(`${name}-projects`, { fleet, kubernetesProvider: provider, release: this.release }, { parent: this });
    const appSetOpts = { parent: this, provider, dependsOn: [this.release, ...projects.resources] };
    for (const layer of names.TREE_LAYERS) {
      new k8s.apiextensions.CustomResource(`${name}-fleet-${layer}`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "ApplicationSet",
        metadata: { name: `fleet-${layer}`, namespace },
        spec: fleetApplicationSetSpec(fleet, layer),
      }, appSetOpts);
    }
    this.registerOutputs({});
  }
}

/** Retries of a failed sync, e.g. a first sync that races the platform's CRDs (argoproj/argo-cd docs/user-guide/auto_sync.md). */
export const SYNC_RETRY = { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } } as const;

/**
 * One ApplicationSet per layer, generating `<cluster>-<layer>` for every registered cluster
 * with the same automated sync whatever the role: what a standby runs and what its gateway
 * answers are decided in the rendered tree (charts/standby.ts, charts/platform/traffic.ts),
 * so a role flip changes no Application and two sets never fight over one name. The layers
 * sync independently (no sync waves between them): the apps and the health answers never
 * wait for the platform's health; a first sync that races the platform's namespaces or CRDs
 * retries. Deletion is decided on purpose: `preserveResourcesOnDeletion` generates
 * Applications without the resources finalizer, so removing a set or a cluster Secret never
 * deletes running workloads; stopping apps is a Git change, never a deletion.
 */
export function fleetApplicationSetSpec(fleet: FleetSpec, layer: names.TreeLayer) {
  return {
    goTemplate: true,
    goTemplateOptions: ["missingkey=error"],
    generators: [{ clusters: { selector: { matchLabels: { "argocd.argoproj.io/secret-type": "cluster", environment: fleet.name } } } }],
    syncPolicy: { preserveResourcesOnDeletion: true },
    template: {
      metadata: {
        name: `{{.name}}-${layer}`,
        labels: { "eks-fleet.io/cluster": "{{.name}}", "eks-fleet.io/layer": layer },
      },
      spec: {
        // Each layer's AppProject whitelists that layer's kinds (components/argocd-projects.ts).
        project: appProjectName(layer),
        source: { repoURL: fleet.gitops.repoUrl, targetRevision: fleet.gitops.branch, path: `{{index .metadata.annotations "gitops_${layer}_path"}}` },
        destination: { server: "{{.server}}" },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          // Objects whose CRD the same sync (or a controller) is about to create.
          syncOptions: ["SkipDryRunOnMissingResource=true"],
          retry: SYNC_RETRY,
        },
      },
    },
  };
}

export const spokeRoleName = (fleet: FleetSpec, cluster: string) => names.agentRoleName(fleet.name, cluster, ARGOCD_SPOKE_ROLE);
/** Every spoke role of the fleet, as an IAM resource pattern: which one a hub may assume is each spoke's trust to decide. */
export const spokeRoleNamePattern = (fleet: FleetSpec) => names.agentRoleName(fleet.name, "*", ARGOCD_SPOKE_ROLE);

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
