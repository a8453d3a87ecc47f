import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declaredReplicatedKinds } from "../charts/replicated-files";
import { names } from "../fleet";
import { DeclaredKind, LAYER_NAMES } from "../policies/allow-list";
import { layerRules } from "./layer-rights";

/**
 * flux2 chart values for Flux's multi-tenancy lockdown (fluxcd-community/helm-charts
 * `charts/flux2` at flux2-2.18.3: values.yaml, templates/kustomize-controller.yaml,
 * cluster-reconciler-*.yaml, aggregate-clusterroles.yaml; Flux docs "Multi-tenancy lockdown"):
 * - `multitenancy.enabled`: kustomize- and helm-controller run with `--no-cross-namespace-refs`
 *   (no Kustomization may use another namespace's source) and `--default-service-account`
 *   (one that names no account applies as `default`, which may do nothing);
 * - `multitenancy.privileged: false`: the controllers lose the cluster-admin binding and may
 *   only impersonate service accounts, so every layer applies with its own account's rights;
 * - `--no-remote-bases`: a kustomization can only build files of the fetched source;
 * - `rbac.createAggregation: false`: no flux-edit/flux-view in the built-in admin and edit
 *   roles, so a namespace admin cannot create Kustomizations.
 */
export const FLUX_LOCKDOWN_VALUES = {
  multitenancy: { enabled: true, defaultServiceAccount: "default", privileged: false },
  rbac: { createAggregation: false },
  kustomizeController: { container: { additionalArgs: ["--no-remote-bases=true"] } },
} as const;

export interface FluxLayerAccessArgs {
  readonly kubernetesProvider: k8s.Provider;
  /** The flux2 release: it creates the `flux-system` namespace the accounts live in. */
  readonly release: pulumi.Resource;
  /** Kinds the CRDs of `replicated/platform/` declare. @default those of the repository's replicated/ */
  readonly declared?: readonly DeclaredKind[];
}

/**
 * One service account per layer in `flux-system`, each Kustomization applying as its own
 * layer's account, and a ClusterRole per layer generated from the allow-list: the platform
 * layer's is bound across the cluster; the others are bound by the platform layer itself
 * (charts/platform/rbac.ts) where they write: the apps layer's in each fleet namespace, the
 * traffic layer's (the health-answers ConfigMap, by name) in the gateway's namespace alone.
 */
export class FluxLayerAccess extends pulumi.ComponentResource {
  /** What the layers' Kustomizations wait for: their accounts and rights. */
  public readonly resources: pulumi.Resource[] = [];

  constructor(name: string, args: FluxLayerAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:FluxLayerAccess", name, {}, opts);
    const namespace = names.AGENTS.flux.namespace;
    const declared = args.declared ?? declaredReplicatedKinds();
    const childOpts = { parent: this, provider: args.kubernetesProvider, dependsOn: [args.release] };
    for (const layer of LAYER_NAMES) {
      const account = names.fluxLayerServiceAccount(layer);
      const rules = layerRules(layer, declared);
      this.resources.push(
        new k8s.core.v1.ServiceAccount(`${name}-${layer}`, { metadata: { name: account, namespace }, automountServiceAccountToken: false }, childOpts),
        new k8s.rbac.v1.ClusterRole(`${name}-${layer}-role`, { metadata: { name: names.layerRoleName(layer) }, rules }, childOpts),
      );
      if (layer !== "platform") continue;
      this.resources.push(new k8s.rbac.v1.ClusterRoleBinding(`${name}-${layer}-binding`, {
        metadata: { name: names.layerRoleName(layer) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.layerRoleName(layer) },
        subjects: [{ kind: "ServiceAccount", name: account, namespace }],
      }, childOpts));
    }
    this.registerOutputs({});
  }
}
