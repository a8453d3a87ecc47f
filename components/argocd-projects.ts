import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declaredReplicatedKinds } from "../charts/replicated-files";
import { FleetSpec, names } from "../fleet";
import { DeclaredKind, LAYER_NAMES, layerNamespaces, LayerName } from "../policies/allow-list";
import { layerKinds } from "./layer-rights";

const APPPROJECT = { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject" } as const;

/** The AppProject each layer's Applications belong to. */
export const appProjectName = names.argocdLayerProject;

/**
 * A layer's AppProject (argoproj/argo-cd docs/operator-manual/project.yaml,
 * docs/user-guide/projects.md): the fleet's repository only; exactly the layer's kinds from
 * the allow-list (a namespaced whitelist, so any other namespaced kind is refused too, and a
 * cluster-scoped one, which Argo CD refuses unless listed); and only the layer's namespaces
 * (policies/allow-list.ts layerNamespaces: the fleet's, plus for the platform those of its
 * fixed objects such as `kube-public/fleet-info`; for the traffic layer the gateway's alone).
 * A namespaced whitelist names kinds, not objects (only `clusterResourceWhitelist` entries
 * take a `name`), so the traffic project admits any ConfigMap in `ingress`: the manifest rules
 * refuse all but the health answers. Argo CD checks the namespace of each namespaced object against
 * `destinations` and the Application's own destination too: the generated Applications name no
 * namespace, hence the entry with an empty one (every object names its own; the manifest rules
 * refuse one that does not).
 */
export function appProjectSpec(fleet: FleetSpec, layer: LayerName, declared: readonly DeclaredKind[]) {
  const kinds = layerKinds(layer, declared);
  const namespaces = layerNamespaces(fleet, layer);
  const groupKinds = (namespaced: boolean) => kinds.filter((k) => k.namespaced === namespaced).map((k) => ({ group: k.group, kind: k.kind }));
  return {
    description: `The ${layer} layer of fleet ${fleet.name}: only the kinds policies/allow-list.ts admits, in the fleet's namespaces.`,
    sourceRepos: [fleet.gitops.repoUrl],
    destinations: [{ server: "*", namespace: "" }, ...namespaces.map((namespace) => ({ server: "*", namespace }))],
    clusterResourceWhitelist: groupKinds(false),
    namespaceResourceWhitelist: groupKinds(true),
  };
}

/**
 * What Argo CD gives the `default` project once the fleet's Applications use their own:
 * nothing (docs/user-guide/projects.md, "The Default Project"). Argo CD creates `default`
 * with every repository, destination and kind allowed, so an Application that slips in
 * without a project would otherwise apply anything anywhere.
 */
export const LOCKED_DEFAULT_PROJECT = {
  sourceRepos: [],
  sourceNamespaces: [],
  destinations: [],
  clusterResourceWhitelist: [],
  namespaceResourceBlacklist: [{ group: "*", kind: "*" }],
};

export interface ArgoCdProjectsArgs {
  readonly fleet: FleetSpec;
  readonly kubernetesProvider: k8s.Provider;
  /** The hub's Argo CD release: it installs the AppProject CRD and creates `default`. */
  readonly release: pulumi.Resource;
  /** Kinds the CRDs of `replicated/platform/` declare. @default those of the repository's replicated/ */
  readonly declared?: readonly DeclaredKind[];
}

/** One AppProject per layer on an Argo CD hub, and the `default` project emptied. */
export class ArgoCdProjects extends pulumi.ComponentResource {
  /** What the ApplicationSets wait for. */
  public readonly resources: pulumi.Resource[];

  constructor(name: string, args: ArgoCdProjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdProjects", name, {}, opts);
    const namespace = names.AGENTS.argocd.namespace;
    const declared = args.declared ?? declaredReplicatedKinds();
    const childOpts = { parent: this, provider: args.kubernetesProvider, dependsOn: [args.release] };
    this.resources = LAYER_NAMES.map((layer) => new k8s.apiextensions.CustomResource(`${name}-${layer}`, {
      ...APPPROJECT,
      metadata: { name: appProjectName(layer), namespace },
      spec: appProjectSpec(args.fleet, layer, declared),
    }, childOpts));
    // Server-side apply over the project Argo CD created; forced, since argocd-server owns its fields.
    this.resources.push(new k8s.apiextensions.CustomResourcePatch(`${name}-default`, {
      ...APPPROJECT,
      metadata: { name: "default", namespace, annotations: { "pulumi.com/patchForce": "true" } },
      spec: LOCKED_DEFAULT_PROJECT,
    }, childOpts));
    this.registerOutputs({});
  }
}
