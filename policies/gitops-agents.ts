import { ResourceValidationPolicy } from "@pulumi/policy";
import * as names from "../fleet/names";
import { asArray, known, validateResourceOfTypes } from "./support";

/**
 * The agents that apply the GitOps tree, as the program installs them: locked down so that
 * what gets past review still cannot escalate (components/flux-lockdown.ts,
 * argocd-projects.ts, external-secrets.ts). These rules read the Helm values and objects the
 * program creates, under `pulumi preview` and offline alike.
 */

const RELEASE = "kubernetes:helm.sh/v3:Release";
const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";
const ARGO_TYPES = ["kubernetes:argoproj.io/v1alpha1:ApplicationSet", "kubernetes:argoproj.io/v1alpha1:Application"];
const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";

/** The chart of a release: its name, or the last segment of an OCI reference. */
const chartOf = (props: Record<string, any>) => String(known(() => props.chart) ?? "").split("/").pop();
/** A value at a path of a release's values; undefined when absent or not known yet. */
const valueAt = (props: Record<string, any>, ...path: string[]) => known(() => path.reduce<any>((at, key) => (at === undefined || at === null ? undefined : at[key]), props.values));

export const fluxLockdown: ResourceValidationPolicy = {
  name: "flux-multitenancy-lockdown",
  description: "Checks whether the flux2 chart runs Flux's multi-tenancy lockdown: no cross-namespace references, a default service account, no cluster-admin for the controllers, no remote bases, no aggregation into admin/edit.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([RELEASE], (props, _args, reportViolation) => {
    if (chartOf(props) !== "flux2") return;
    const problems: string[] = [];
    if (valueAt(props, "multitenancy", "enabled") !== true) problems.push("multitenancy.enabled is not true (every Kustomization may use any namespace's source and applies as the controller)");
    if (valueAt(props, "multitenancy", "privileged") !== false) problems.push("multitenancy.privileged is not false (the controllers keep cluster-admin)");
    if (!valueAt(props, "multitenancy", "defaultServiceAccount")) problems.push("multitenancy.defaultServiceAccount is empty");
    if (valueAt(props, "rbac", "createAggregation") !== false) problems.push("rbac.createAggregation is not false (flux-edit is aggregated into admin and edit)");
    if (!asArray(valueAt(props, "kustomizeController", "container", "additionalArgs")).includes("--no-remote-bases=true")) problems.push("kustomizeController.container.additionalArgs lacks --no-remote-bases=true");
    if (problems.length > 0) reportViolation(`Flux is not locked down: ${problems.join("; ")}. Use components/flux-lockdown.ts FLUX_LOCKDOWN_VALUES.`);
  }),
};

/** The tree layer a folder is (`./gitops/clusters/use1/traffic` → traffic), if it is one. */
const layerOfPath = (folder: unknown): names.TreeLayer | undefined => {
  const last = String(folder ?? "").replace(/\/+$/, "").split("/").pop();
  return names.TREE_LAYERS.find((layer) => layer === last);
};

export const fluxLayerAccount: ResourceValidationPolicy = {
  name: "flux-layer-service-account",
  description: "Checks whether every Flux Kustomization applies as a service account of its own (a layer's folder as that layer's account), from a source in its own namespace.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([KUSTOMIZATION], (props, _args, reportViolation) => {
    const account = known(() => props.spec?.serviceAccountName);
    const layer = layerOfPath(known(() => props.spec?.path));
    if (account === undefined && known(() => props.spec) !== undefined) {
      reportViolation("The Kustomization names no serviceAccountName: it would apply as the controller (or the powerless default account). Give each layer its own account (names.fluxLayerServiceAccount).");
    } else if (account === "default") {
      reportViolation("The Kustomization applies as 'default', an account every workload of the namespace may use. Give each layer its own account.");
    } else if (layer !== undefined && typeof account === "string" && account !== names.fluxLayerServiceAccount(layer)) {
      reportViolation(`The Kustomization applies the ${layer} layer as '${account}', not as that layer's account '${names.fluxLayerServiceAccount(layer)}': it would write with another layer's rights (components/flux-lockdown.ts).`);
    }
    const sourceNamespace = known(() => props.spec?.sourceRef?.namespace);
    const namespace = known(() => props.metadata?.namespace);
    if (sourceNamespace !== undefined && sourceNamespace !== namespace) reportViolation(`The Kustomization uses a source in namespace '${sourceNamespace}', not its own: the lockdown (--no-cross-namespace-refs) refuses it.`);
  }),
};

/**
 * The tree layer an Argo CD source applies: its path (an Application's folder), or the cluster
 * Secret annotation an ApplicationSet template reads it from (`gitops_<layer>_path`).
 */
function layerOfSource(path: unknown): names.TreeLayer | undefined {
  const annotation = /gitops_([a-z]+)_path/.exec(String(path ?? ""))?.[1];
  return names.TREE_LAYERS.find((layer) => layer === annotation) ?? layerOfPath(path);
}

export const argocdProject: ResourceValidationPolicy = {
  name: "argocd-layer-project",
  description: "Checks whether every Argo CD Application (and ApplicationSet template) belongs to a project of its own, never 'default' (which allows every repository, destination and kind), and a layer's to that layer's project.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(ARGO_TYPES, (props, args, reportViolation) => {
    const spec = args.type.endsWith(":ApplicationSet") ? known(() => props.spec?.template?.spec) : known(() => props.spec);
    if (spec === undefined) return;
    const what = args.type.split(":").pop();
    const project = known(() => spec.project);
    const layer = layerOfSource(known(() => spec.source?.path));
    if (project === undefined || project === "" || project === "default") {
      reportViolation(`The ${what} uses the '${project || "default"}' project, which allows every repository, destination and kind. Use the layer's AppProject (components/argocd-projects.ts).`);
    } else if (layer !== undefined && typeof project === "string" && project !== names.argocdLayerProject(layer)) {
      reportViolation(`The ${what} applies the ${layer} layer in project '${project}', not in that layer's '${names.argocdLayerProject(layer)}': it would apply with another layer's kinds and namespaces (components/argocd-projects.ts).`);
    }
  }),
};

export const externalSecretsLockdown: ResourceValidationPolicy = {
  name: "external-secrets-lockdown",
  description: "Checks whether the external-secrets chart aggregates nothing into admin/edit, mints no token for any service account of its own accord, and ignores cluster-wide stores and secrets.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([RELEASE], (props, _args, reportViolation) => {
    if (chartOf(props) !== "external-secrets") return;
    const required: [string[], boolean, string][] = [
      [["rbac", "aggregateToAdmin"], false, "namespace admins could create SecretStores"],
      [["rbac", "aggregateToEdit"], false, "editors could create SecretStores"],
      [["rbac", "serviceAccountTokenCreate"], false, "the controller may mint a token for any service account"],
      [["processClusterStore"], false, "a ClusterSecretStore would serve every namespace"],
      [["processClusterExternalSecret"], false, "the controller may update namespaces"],
    ];
    const problems = required.filter(([path, value]) => valueAt(props, ...path) !== value).map(([path, value, why]) => `${path.join(".")} is not ${value} (${why})`);
    if (problems.length > 0) reportViolation(`External Secrets is not locked down: ${problems.join("; ")}. Use components/external-secrets.ts EXTERNAL_SECRETS_LOCKDOWN.`);
  }),
};

export const accessEntryGroups: ResourceValidationPolicy = {
  name: "eks-access-entry-no-system-group",
  description: "Checks whether no EKS access entry maps a principal to a group Kubernetes defines (system:*; system:masters bypasses RBAC).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([ACCESS_ENTRY], (props, _args, reportViolation) => {
    const system = (asArray(known(() => props.kubernetesGroups)) as unknown[]).filter((g) => typeof g === "string" && g.startsWith("system:"));
    if (system.length > 0) reportViolation(`The access entry of ${known(() => props.principalArn) ?? "a principal"} maps it to ${system.join(", ")}, a group Kubernetes defines. Grant cluster-wide administration with fleet.clusterAdmins and namespaces with fleet.namespaces[].admins.`);
  }),
};

export const gitopsAgentPolicies: ResourceValidationPolicy[] = [fluxLockdown, fluxLayerAccount, argocdProject, externalSecretsLockdown, accessEntryGroups];
