/**
 * The images a Velero release pulls, computed as the chart's templates compute them at a
 * pinned version. Some tags are in no values file: the chart derives them from the cluster's
 * Kubernetes version (`chart.KubernetesVersion` in templates/_helpers.tpl), so an image that
 * exists on one cluster version can be missing on the next, and the release then times out
 * on its pre-install hook. Read from vmware-tanzu/helm-charts charts/velero at the tags
 * `velero-<version>`: templates/upgrade-crds/upgrade-crds.yaml, cleanup-crds.yaml,
 * label-namespace/labelnamespace.yaml, deployment.yaml, node-agent-daemonset.yaml, values.yaml.
 */

interface VeleroTemplates {
  /** values.yaml `image`: the server, node agent and (from 12.0) CRD-upgrade job image. */
  readonly image: string;
  /** values.yaml `kubectl.image.repository`. */
  readonly kubectlRepository: string;
  /** The kubectl tag the templates derive when `kubectl.image.tag` is unset. */
  readonly kubectlTag: (kubernetesVersion: string) => string;
  /** Whether the pre-install CRD-upgrade job (`upgradeCRDs`, default true) runs kubectl. */
  readonly upgradeJobRunsKubectl: boolean;
}

const VELERO_TEMPLATES: Record<string, VeleroTemplates> = {
  // The job's init container copies `sh` and `kubectl` out of `<repository>:<major>.<minor>`;
  // bitnamilegacy/kubectl stops at 1.33 (vmware-tanzu/helm-charts#727, velero-io/velero#9339).
  "11.4.0": {
    image: "docker.io/velero/velero:v1.17.1",
    kubectlRepository: "docker.io/bitnamilegacy/kubectl",
    kubectlTag: (version) => version,
    upgradeJobRunsKubectl: true,
  },
  // The job runs `/velero install --crds-only --apply` in the Velero image; kubectl
  // (`v<major>.<minor>.<patch>` of the API server, a patch EKS chooses) only in the opt-in
  // cleanup and namespace-label jobs.
  "12.1.0": {
    image: "docker.io/velero/velero:v1.18.1",
    kubectlRepository: "registry.k8s.io/kubectl",
    kubectlTag: (version) => `v${version}.<patch EKS runs>`,
    upgradeJobRunsKubectl: false,
  },
};

/** `velero/velero:v1` → `docker.io/velero/velero:v1`: Docker Hub is the default registry. */
export function canonicalImage(ref: string): string {
  const first = ref.split("/")[0];
  return first.includes(".") || first.includes(":") || first === "localhost" ? ref : `docker.io/${ref}`;
}

/** Every image the pinned Velero chart pulls on a cluster of `kubernetesVersion`, with `values`. */
export function veleroImages(chartVersion: string, values: Record<string, any>, kubernetesVersion: string): string[] {
  const templates = VELERO_TEMPLATES[chartVersion];
  if (!templates) {
    throw new Error(`the templates of Velero chart ${chartVersion} were not read: read them and record in components/chart-images.ts which images they pull`);
  }
  const image = values.image?.repository ? `${values.image.repository}:${values.image.tag}` : templates.image;
  const kubectl = `${values.kubectl?.image?.repository ?? templates.kubectlRepository}:${values.kubectl?.image?.tag ?? templates.kubectlTag(kubernetesVersion)}`;
  const kubectlJobs = [
    values.upgradeCRDs !== false && templates.upgradeJobRunsKubectl,
    values.cleanUpCRDs === true,
    Object.keys(values.namespace?.labels ?? {}).length > 0,
  ].some(Boolean);
  const plugins = (values.initContainers ?? []).map((c: { image: string }) => c.image);
  return [...new Set([image, ...plugins, ...(kubectlJobs ? [kubectl] : [])].map(canonicalImage))].sort();
}
