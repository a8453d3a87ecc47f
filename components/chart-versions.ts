/** Karpenter publishes its controller chart and its CRD chart at the same version (aws/karpenter-provider-aws hack/release/common.sh). */
const KARPENTER_VERSION = "1.14.1";

/**
 * Every Helm chart the fleet installs, pinned in one place. Bump a version here and the
 * offline plan and the PR diff show the change on every cluster.
 */
export const CHARTS = {
  flux2: { repo: "https://fluxcd-community.github.io/helm-charts", chart: "flux2", version: "2.18.3" },
  argocd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1" },
  externalSecrets: { repo: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0" },
  // Chart 12.1 / Velero 1.18.1: its CRD-upgrade job runs in the Velero image. Chart 11.x ran it
  // in bitnamilegacy/kubectl:<cluster minor>, which stops at 1.33 (components/chart-images.ts).
  velero: { repo: "https://vmware-tanzu.github.io/helm-charts", chart: "velero", version: "12.1.0" },
  loadBalancerController: { repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0" },
  externalDns: { repo: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1" },
  // Published only as an OCI artifact (aws/karpenter-provider-aws charts/karpenter, v1.14.1).
  karpenter: { repo: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: KARPENTER_VERSION },
  // Its CRDs as a chart of their own, which upgrades them (Karpenter upgrade guide, "CRD Upgrades").
  karpenterCrd: { repo: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: KARPENTER_VERSION },
} as const;

/**
 * The Load Balancer Controller chart's `crds/` files, copied from the commit of aws/eks-charts
 * that published chart 3.5.0 ("aws-load-balancer-controller: v3.5.0 (#1354)"), byte-identical
 * to kubernetes-sigs/aws-load-balancer-controller v3.5.0 helm/aws-load-balancer-controller/crds,
 * as the templates of a local chart (`chart`) whose version is the controller chart's: a
 * release of its own, which Helm upgrades when that version changes. Each file carries its Git
 * blob ID at that commit (`git ls-tree <commit> stable/aws-load-balancer-controller/crds/`),
 * which a test recomputes, and the test fails a controller chart bump until the files of its
 * commit are copied in and Chart.yaml's version follows.
 *
 * Not a `kubernetes:yaml/v2:ConfigFile` of their URL: that is a component the Kubernetes
 * provider builds on every run, targeted or not (pulumi/pulumi pkg/resource/deploy/
 * source_eval.go constructs remote components outside the step generator), and its Construct
 * refuses to while the cluster is unreachable (pulumi/pulumi-kubernetes provider/pkg/provider/
 * provider_construct.go), so a deploy of the surviving side would fail while the other region is
 * down (cli/engine/outage.ts). A Helm release checks and diffs without the cluster
 * (helm_release.go: Create and Update refuse an unreachable cluster, Read and Delete call it;
 * Check loads a local chart from disk). Nor one
 * CustomResourceDefinition resource per CRD: 200 KB of schemas per cluster in every plan.
 */
export const LOAD_BALANCER_CONTROLLER_CRDS = {
  chartVersion: "3.5.0",
  source: "https://github.com/aws/eks-charts/tree/5239609242f3430be50fb0b714a24d3ef2b47983/stable/aws-load-balancer-controller/crds",
  // Relative to the project, where Pulumi runs the program and its provider plugins.
  chart: "./components/crds/aws-load-balancer-controller-crds",
  files: { "crds.yaml": "f41daf7ae70237996b8a43befd70988cdaaeec5c", "gateway-crds.yaml": "10cf4f08c24fe2d046a642872f2b3644fc692ab4" },
} as const;

/** The plugin line of Velero 1.18 is 1.14 (velero-io/velero site/content/docs/v1.18/upgrade-to-1.18.md). */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";

export type ChartName = keyof typeof CHARTS;

/** The `chart`, `version` and `repositoryOpts` of a `k8s.helm.v3.Release` for a pinned chart. */
export function chartSource(name: ChartName): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  const { chart, version, repo } = CHARTS[name];
  // An OCI chart is addressed by its full reference; Helm has no repository index for it.
  return repo.startsWith("oci://") ? { chart: `${repo}/${chart}`, version } : { chart, version, repositoryOpts: { repo } };
}
