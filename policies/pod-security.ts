import { kindOf, ManifestObject, ManifestPolicy, nameOf, namespaceOf, replicatedNamespaces } from "./manifests";

/**
 * Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards),
 * checked on the tree before Pod Security Admission rejects the pods in the cluster: each
 * namespace the fleet creates enforces `restricted` (or `baseline`, per namespace), and every
 * workload the tree applies must meet its namespace's level.
 */

export const PSA_LABEL = "pod-security.kubernetes.io/enforce";
export type PodSecurityLevel = "restricted" | "baseline";

/** Where the pod template sits in each workload kind (`podSpecOf`). */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  // The apps layer's other pod runners (policies/allow-list.ts): Argo Rollouts, KEDA ScaledJobs.
  Rollout: ["spec", "template", "spec"],
  ScaledJob: ["spec", "jobTargetRef", "template", "spec"],
};

/** Baseline: capabilities a container may add (the container runtime's defaults). */
const BASELINE_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
];
const SELINUX_TYPES = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
/** Restricted: the only volume types allowed. */
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

type Spec = Record<string, any>;

export function podSpecOf(o: ManifestObject): Spec | undefined {
  const path = POD_SPEC_PATH[kindOf(o)];
  if (!path) return undefined;
  const spec = path.reduce<any>((at, key) => (at && typeof at === "object" ? at[key] : undefined), o.object);
  return spec && typeof spec === "object" ? spec : {};
}

const containersOf = (pod: Spec): Spec[] =>
  ["initContainers", "containers", "ephemeralContainers"].flatMap((k) => (Array.isArray(pod[k]) ? pod[k] : [])).filter((c) => c && typeof c === "object");

/** What breaks the baseline level, one phrase each. */
function baselineFindings(pod: Spec): string[] {
  const found: string[] = [];
  const podContext = pod.securityContext ?? {};
  for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[key] === true) found.push(key);
  if (podContext.windowsOptions?.hostProcess === true) found.push("hostProcess");
  if (podContext.seccompProfile?.type === "Unconfined") found.push("pod seccompProfile Unconfined");
  if (podContext.appArmorProfile?.type === "Unconfined") found.push("pod appArmorProfile Unconfined");
  found.push(...seLinuxFindings(podContext.seLinuxOptions, "pod"));
  for (const sysctl of (podContext.sysctls ?? []) as { name?: string }[]) if (!SAFE_SYSCTLS.includes(String(sysctl.name))) found.push(`sysctl ${sysctl.name}`);
  for (const volume of (pod.volumes ?? []) as Spec[]) if (volume?.hostPath) found.push(`hostPath volume ${volume.name}`);
  for (const c of containersOf(pod)) {
    const context = c.securityContext ?? {};
    const at = `container ${c.name}`;
    if (context.privileged === true) found.push(`${at} privileged`);
    if (context.windowsOptions?.hostProcess === true) found.push(`${at} hostProcess`);
    const added = ((context.capabilities?.add ?? []) as string[]).filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
    if (added.length > 0) found.push(`${at} adds ${added.join(", ")}`);
    if ((c.ports ?? []).some((p: Spec) => p?.hostPort !== undefined && p.hostPort !== 0)) found.push(`${at} hostPort`);
    if (context.procMount !== undefined && context.procMount !== "Default") found.push(`${at} procMount ${context.procMount}`);
    if (context.seccompProfile?.type === "Unconfined") found.push(`${at} seccompProfile Unconfined`);
    if (context.appArmorProfile?.type === "Unconfined") found.push(`${at} appArmorProfile Unconfined`);
    found.push(...seLinuxFindings(context.seLinuxOptions, at));
  }
  return found;
}

function seLinuxFindings(options: Spec | undefined, at: string): string[] {
  if (!options) return [];
  const bad = (options.type !== undefined && !SELINUX_TYPES.includes(options.type)) || options.user !== undefined || options.role !== undefined;
  return bad ? [`${at} seLinuxOptions`] : [];
}

/** What breaks the restricted level beyond baseline. */
function restrictedFindings(pod: Spec): string[] {
  const found: string[] = [];
  const podContext = pod.securityContext ?? {};
  for (const volume of (pod.volumes ?? []) as Spec[]) {
    const type = Object.keys(volume ?? {}).find((k) => k !== "name");
    if (type && type !== "hostPath" && !RESTRICTED_VOLUMES.includes(type)) found.push(`${type} volume ${volume.name}`);
  }
  if (podContext.runAsUser === 0) found.push("pod runAsUser 0");
  const podSeccomp = ["RuntimeDefault", "Localhost"].includes(podContext.seccompProfile?.type);
  for (const c of containersOf(pod)) {
    const context = c.securityContext ?? {};
    const at = `container ${c.name}`;
    if (context.allowPrivilegeEscalation !== false) found.push(`${at} allowPrivilegeEscalation not false`);
    // runAsNonRoot: true at pod level covers a container unless the container sets it false.
    if (context.runAsNonRoot === false || (context.runAsNonRoot !== true && podContext.runAsNonRoot !== true)) found.push(`${at} runAsNonRoot not true`);
    if (context.runAsUser === 0) found.push(`${at} runAsUser 0`);
    const seccomp = context.seccompProfile?.type;
    if (seccomp === undefined ? !podSeccomp : !["RuntimeDefault", "Localhost"].includes(seccomp)) found.push(`${at} seccompProfile not RuntimeDefault or Localhost`);
    if (!((context.capabilities?.drop ?? []) as string[]).includes("ALL")) found.push(`${at} does not drop ALL capabilities`);
    // Capabilities outside the baseline set are reported by the baseline check already.
    const added = ((context.capabilities?.add ?? []) as string[]).filter((cap) => cap !== "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.includes(cap));
    if (added.length > 0) found.push(`${at} adds ${added.join(", ")}`);
  }
  return found;
}

/** The enforced level of each namespace the tree creates, by `cluster/namespace`. */
function levels(tree: Parameters<ManifestPolicy["validateTree"]>[0]): Map<string, string | undefined> {
  return new Map(replicatedNamespaces(tree).map((ns) => [`${ns.cluster}/${nameOf(ns)}`, ns.object.metadata?.labels?.[PSA_LABEL] as string | undefined]));
}

export const namespaceLabels: ManifestPolicy = {
  name: "pod-security-namespace-labels",
  description: `Checks whether every namespace the tree creates enforces Pod Security Admission at restricted or baseline (${PSA_LABEL}).`,
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const ns of replicatedNamespaces(tree)) {
      const level = ns.object.metadata?.labels?.[PSA_LABEL];
      if (level === "restricted" || level === "baseline") continue;
      reportViolation(
        `Namespace '${nameOf(ns)}' in cluster ${ns.cluster} ${level === undefined ? `has no ${PSA_LABEL} label` : `enforces '${level}'`}, so privileged pods are admitted. Set fleet.namespaces[].podSecurity (restricted by default, or baseline) and render the namespace from the fleet model.`,
        ns.file,
      );
    }
  },
};

export const workloadSecurity: ManifestPolicy = {
  name: "pod-security-workloads",
  description: "Checks whether every Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob meets its namespace's Pod Security Standard (restricted unless the namespace enforces baseline).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const enforced = levels(tree);
    for (const o of tree.objects) {
      const pod = podSpecOf(o);
      if (!pod) continue;
      const namespace = namespaceOf(o) ?? "default";
      const level: PodSecurityLevel = enforced.get(`${o.cluster}/${namespace}`) === "baseline" ? "baseline" : "restricted";
      const found = [...baselineFindings(pod), ...(level === "restricted" ? restrictedFindings(pod) : [])];
      if (found.length === 0) continue;
      reportViolation(
        `${kindOf(o)} '${namespace}/${nameOf(o)}' in cluster ${o.cluster} breaks the ${level} Pod Security Standard: ${found.join("; ")}. Run it as non-root without privileges, host namespaces or hostPath, with allowPrivilegeEscalation: false, capabilities drop [ALL] (add at most NET_BIND_SERVICE) and seccompProfile RuntimeDefault.`,
        o.file,
      );
    }
  },
};

export const podSecurityPolicies: ManifestPolicy[] = [namespaceLabels, workloadSecurity];
