import type { PlanDocument, PlanResource } from "../../cli/plan-document";
import { mockState } from "../../cli/engine/mock-state";
import type { FleetSpec } from "../../fleet";
import { eksClusterOf, kubernetesProviderOf } from "./outage-play";

/**
 * Which clusters run an agent that applies a cluster's folder of the tree, read from plan.json
 * the way the agents and AWS wire it (nothing here asks the code that built it):
 * - Flux: a GitRepository of the fleet's repository and branch and a Kustomization for each
 *   layer's path, sourced from it, on the cluster itself (their provider's kubeconfig comes
 *   from that cluster's EKS cluster), beside the flux2 release that runs the controllers.
 * - Argo CD: a cluster Secret (`argocd.argoproj.io/secret-type: cluster`) on a hub whose
 *   `argo-cd` release runs an application controller, naming the cluster's EKS name and a
 *   role that trusts the controller's role, with an EKS access entry on the cluster for that
 *   role, and the cluster's public endpoint open to the hub's NAT addresses unless the hub is
 *   the cluster itself (it then goes through the private endpoint). Argo CD assumes that role
 *   and calls the endpoint from the hub (argoproj/argo-cd docs, "Declarative setup", EKS
 *   `awsAuthConfig`).
 */
export function reconcilersOf(spec: FleetSpec, plan: PlanDocument): Record<string, string[]> {
  const on = (r: PlanResource) => {
    const provider = kubernetesProviderOf(plan, r);
    return provider && eksClusterOf(plan, provider);
  };
  const eksName = (eks: PlanResource | undefined) => eks?.inputs.name as string | undefined;
  const clusterNamed = (name: string | undefined) => spec.clusters.find((c) => c.eksClusterName === name);
  const found: Record<string, Set<string>> = Object.fromEntries(spec.clusters.map((c) => [c.name, new Set<string>()]));
  const kind = (r: PlanResource) => r.inputs.kind as string | undefined;
  const releases = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");

  if (spec.gitops.engine === "flux") {
    for (const source of plan.resources.filter((r) => kind(r) === "GitRepository")) {
      const eks = on(source);
      const cluster = clusterNamed(eksName(eks));
      const { url, ref } = source.inputs.spec as { url: string; ref: { branch: string } };
      if (!cluster || url !== spec.gitops.repoUrl || ref.branch !== spec.gitops.branch) continue;
      const running = releases.some((r) => r.inputs.chart === "flux2" && on(r) === eks);
      const layers = plan.resources.filter((r) => kind(r) === "Kustomization" && on(r) === eks && (r.inputs.spec as any).sourceRef.name === (source.inputs.metadata as any).name);
      const paths = new Set(layers.map((k) => String((k.inputs.spec as any).path).replace(/^\.\//, "")));
      if (running && Object.values(cluster.gitopsPaths).every((p) => paths.has(p))) found[cluster.name].add(cluster.name);
    }
  } else {
    const roles = plan.resources.filter((r) => r.type === "aws:iam/role:Role");
    const arnOf = (r: PlanResource) => String(mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region!, accountId: spec.accountId }).state.arn);
    const natAddresses = (cluster: string) =>
      plan.resources.filter((r) => r.type === "aws:ec2/eip:Eip" && (r.inputs.tags as any)?.["eks-fleet/cluster"] === cluster).map((r) => `${mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region!, accountId: spec.accountId }).state.publicIp}/32`);
    for (const secret of plan.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as any)?.labels?.["argocd.argoproj.io/secret-type"] === "cluster")) {
      const hubEks = on(secret);
      const hub = clusterNamed(eksName(hubEks));
      const controller = releases.find((r) => r.inputs.chart === "argo-cd" && on(r) === hubEks && (r.inputs.values as any).controller?.replicas > 0);
      const { awsAuthConfig } = JSON.parse((secret.inputs.stringData as any).config);
      const spoke = clusterNamed(awsAuthConfig.clusterName);
      if (!hub || !controller || !spoke) continue;
      // The controller's role: an EKS Pod Identity association of its service account on the hub
      // (or, with IRSA, the account's role annotation). A Pod Identity session carries the hub's
      // EKS name as its transitive `eks-cluster-name` tag (EKS User Guide, "Grant pods access to
      // AWS resources based on tags"), which a spoke's trust may require.
      const controllerAccount = (controller.inputs.values as any).controller?.serviceAccount ?? {};
      const association = plan.resources.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.inputs.clusterName === hub.eksClusterName && r.inputs.serviceAccount === (controllerAccount.name ?? "argocd-application-controller"));
      const controllerRole = association ? association.inputs.roleArn : controllerAccount.annotations?.["eks.amazonaws.com/role-arn"];
      const sessionTags: Record<string, string> = association ? { "aws:PrincipalTag/eks-cluster-name": hub.eksClusterName } : {};
      const conditionHolds = (condition: any) => Object.entries(condition?.StringEquals ?? {}).every(([key, value]) => sessionTags[key] === value) && Object.keys(condition ?? {}).every((op) => op === "StringEquals");
      const role = roles.find((r) => arnOf(r) === awsAuthConfig.roleARN);
      const trusted = role && JSON.parse(String(role.inputs.assumeRolePolicy)).Statement.some((s: any) => s.Effect === "Allow" && s.Principal?.AWS === controllerRole && [s.Action].flat().includes("sts:AssumeRole") && conditionHolds(s.Condition));
      const entry = plan.resources.some((r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.inputs.clusterName === spoke.eksClusterName && r.inputs.principalArn === awsAuthConfig.roleARN);
      const endpoint = (plan.resources.find((r) => r.type === "aws:eks/cluster:Cluster" && r.inputs.name === spoke.eksClusterName)!.inputs.vpcConfig as any);
      const addresses = natAddresses(hub.name);
      const reachable = hub.name === spoke.name ? endpoint.endpointPrivateAccess : addresses.length > 0 && addresses.every((a) => (endpoint.publicAccessCidrs ?? []).includes(a));
      if (trusted && entry && reachable) found[spoke.name].add(hub.name);
    }
  }
  return Object.fromEntries(Object.entries(found).map(([c, set]) => [c, [...set].sort()]));
}
