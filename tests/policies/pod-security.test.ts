import { evaluateTree } from "../../policies/evaluate";
import { ManifestPolicy } from "../../policies/manifests";
import { namespaceLabels, podSecurityPolicies, workloadSecurity } from "../../policies/pod-security";
import { loadTree } from "../../policies/tree";
import { changed } from "./harness";
import { goodTree, hardenedDeployment, writeTree } from "./tree-fixture";

type Files = Record<string, any>;
const run = (policy: ManifestPolicy, files: Files) => evaluateTree(loadTree(writeTree(files)), [policy]).map((v) => ({ file: v.file, message: v.message }));

const APPS = "clusters/use1/apps";
const DEPLOYMENT = `${APPS}/deployment-payments-api.yaml`;
const FIX = "Run it as non-root without privileges, host namespaces or hostPath, with allowPrivilegeEscalation: false, capabilities drop [ALL] (add at most NET_BIND_SERVICE) and seccompProfile RuntimeDefault.";
const pod = (f: Files) => f[DEPLOYMENT].spec.template.spec;
const container = (f: Files) => pod(f).containers[0];

describe("pod security", () => {
  it("pass a hardened Deployment in a restricted namespace", () => {
    expect(evaluateTree(loadTree(writeTree(goodTree())), podSecurityPolicies)).toEqual([]);
  });

  const evasions: [string, (f: Files) => void, string][] = [
    ["privileged", (f) => (container(f).securityContext.privileged = true), "container api privileged"],
    ["hostNetwork", (f) => (pod(f).hostNetwork = true), "hostNetwork"],
    ["hostPID", (f) => (pod(f).hostPID = true), "hostPID"],
    ["hostIPC", (f) => (pod(f).hostIPC = true), "hostIPC"],
    ["hostPath", (f) => pod(f).volumes.push({ name: "root", hostPath: { path: "/" } }), "hostPath volume root"],
    ["SYS_ADMIN added", (f) => container(f).securityContext.capabilities.add.push("SYS_ADMIN"), "container api adds SYS_ADMIN"],
    ["CHOWN added", (f) => container(f).securityContext.capabilities.add.push("CHOWN"), "container api adds CHOWN"],
    ["runAsNonRoot unset", (f) => delete pod(f).securityContext.runAsNonRoot, "container api runAsNonRoot not true"],
    ["runAsNonRoot false in the container", (f) => (container(f).securityContext.runAsNonRoot = false), "container api runAsNonRoot not true"],
    ["runAsUser 0", (f) => (pod(f).securityContext.runAsUser = 0), "pod runAsUser 0"],
    ["allowPrivilegeEscalation", (f) => delete container(f).securityContext.allowPrivilegeEscalation, "container api allowPrivilegeEscalation not false"],
    ["no seccomp profile", (f) => delete pod(f).securityContext.seccompProfile, "container api seccompProfile not RuntimeDefault or Localhost"],
    ["an NFS volume", (f) => pod(f).volumes.push({ name: "share", nfs: { server: "nfs", path: "/" } }), "nfs volume share"],
    ["capabilities not dropped", (f) => (container(f).securityContext.capabilities.drop = []), "container api does not drop ALL capabilities"],
    ["a root init container", (f) => (pod(f).initContainers = [{ ...container(f), name: "init", securityContext: { ...container(f).securityContext, runAsUser: 0 } }]), "container init runAsUser 0"],
  ];
  it.each(evasions)("pod-security-workloads: %s", (_, change, found) => {
    expect(run(workloadSecurity, changed(goodTree(), change))).toEqual([{
      file: DEPLOYMENT,
      message: `Deployment 'payments/api' in cluster use1 breaks the restricted Pod Security Standard: ${found}. ${FIX}`,
    }]);
  });

  it.each([
    ["Pod", (spec: object) => ({ spec })],
    ["StatefulSet", (spec: object) => ({ spec: { template: { spec } } })],
    ["DaemonSet", (spec: object) => ({ spec: { template: { spec } } })],
    ["ReplicaSet", (spec: object) => ({ spec: { template: { spec } } })],
    ["Job", (spec: object) => ({ spec: { template: { spec } } })],
    ["CronJob", (spec: object) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } })],
  ])("pod-security-workloads: a privileged %s inside a List", (kind, shape) => {
    const spec = changed({ s: hardenedDeployment().spec.template.spec }, (x) => (x.s.containers[0].securityContext.privileged = true)).s;
    const object = { apiVersion: "v1", kind, metadata: { name: "w", namespace: "payments" }, ...shape(spec) };
    const file = `${APPS}/list.json`;
    expect(run(workloadSecurity, { ...goodTree(), [file]: JSON.stringify({ apiVersion: "v1", kind: "List", items: [object] }) })).toEqual([{
      file,
      message: `${kind} 'payments/w' in cluster use1 breaks the restricted Pod Security Standard: container api privileged. ${FIX}`,
    }]);
  });

  it("pod-security-workloads: a baseline namespace admits root but not host access", () => {
    const baseline = changed(goodTree(), (f) => {
      f["clusters/use1/platform/namespace-payments.yaml"].metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
      pod(f).securityContext = {};
      container(f).securityContext = {};
    });
    expect(run(workloadSecurity, baseline)).toEqual([]);
    expect(run(workloadSecurity, changed(baseline, (f) => (pod(f).hostNetwork = true)))).toEqual([{
      file: DEPLOYMENT,
      message: `Deployment 'payments/api' in cluster use1 breaks the baseline Pod Security Standard: hostNetwork. ${FIX}`,
    }]);
  });

  it("pod-security-namespace-labels: a namespace without enforce, or enforcing privileged", () => {
    const ns = "clusters/use1/platform/namespace-payments.yaml";
    const fix = "so privileged pods are admitted. Set fleet.namespaces[].podSecurity (restricted by default, or baseline) and render the namespace from the fleet model.";
    expect(run(namespaceLabels, changed(goodTree(), (f) => delete f[ns].metadata.labels["pod-security.kubernetes.io/enforce"]))).toEqual([
      { file: ns, message: `Namespace 'payments' in cluster use1 has no pod-security.kubernetes.io/enforce label, ${fix}` },
    ]);
    expect(run(namespaceLabels, changed(goodTree(), (f) => (f[ns].metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged")))).toEqual([
      { file: ns, message: `Namespace 'payments' in cluster use1 enforces 'privileged', ${fix}` },
    ]);
  });
});
