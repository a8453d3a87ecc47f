import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { ARGOCD_SERVICE_ACCOUNTS } from "../../components/argocd-hub";
import { SESSION_TAGS } from "../../components/pod-identity-role";
import { CORE_ADDON_VERSIONS, names } from "../../fleet";
import { CURRENT_VERSION, fleetConfig, stackConfig } from "../fixtures/fleets";
import { decide, IamRequest, podIdentityTags } from "../support/iam-conditions";

const ACCOUNT = "123456789012";
const ROLE = "aws:iam/role:Role";
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const roleNamed = (ev: Evaluation, roleName: string) => ofType(ev, ROLE).find((r) => r.inputs.name === roleName) as RecordedResource;
const permissionsOf = (role: RecordedResource) => ({ Statement: (role.inputs.inlinePolicies as { policy: string }[]).flatMap((p) => JSON.parse(p.policy).Statement) });
const trustOf = (role: RecordedResource) => (typeof role.inputs.assumeRolePolicy === "string" ? role.inputs.assumeRolePolicy : JSON.stringify(role.inputs.assumeRolePolicy));

/** A fleet with Argo CD whose c0 and c2 share us-east-1 (c0 is their hub), c1 alone in us-west-2; `size` 4 adds c3 to us-east-1. */
function argocdFleet(size: 3 | 4) {
  const raw = fleetConfig(4, { gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } });
  raw.clusters = raw.clusters.slice(0, size).map((c: any, i: number) => ({ ...c, region: i === 1 ? "us-west-2" : "us-east-1" }));
  return raw;
}

/** A pod of `cluster` running as `namespace/serviceAccount`, as EKS Pod Identity tags its session. */
const pod = (cluster: string, namespace: string, serviceAccount: string, region = "us-east-1") =>
  ({ accountId: ACCOUNT, region, eksClusterName: `prod-${cluster}`, namespace, serviceAccount });

/** EKS Pod Identity assuming a role for `who`, with the session tags it passes. */
const assumeFor = (who: ReturnType<typeof pod> | undefined, action = "sts:AssumeRole"): IamRequest => ({
  action,
  principal: { Service: "pods.eks.amazonaws.com" },
  context: who ? podIdentityTags("aws:RequestTag", who) : {},
});

/** A call of a session `who` holds, in its cluster's region unless told (`aws:RequestedRegion`), on `resource`, with further condition keys. */
const callAs = (who: ReturnType<typeof pod>, action: string, resource: string, context: Record<string, string | string[]> = {}): IamRequest => ({
  action,
  resource,
  context: { ...podIdentityTags("aws:PrincipalTag", who), "aws:RequestedRegion": who.region, ...context },
});

describe("EKS Pod Identity: one role per add-on for the whole fleet", () => {
  let three: Evaluation;
  let four: Evaluation;
  let graph: DependencyGraph;
  beforeAll(async () => {
    three = await evaluateProgram(stackConfig(argocdFleet(3)), ACCOUNT);
    four = await evaluateProgram(stackConfig(argocdFleet(4)), ACCOUNT);
    graph = new DependencyGraph(four.resources);
  });

  const fleetRole = (ev: Evaluation, agent: names.AgentName) => roleNamed(ev, names.podIdentityRoleName("prod", names.AGENTS[agent].role));

  it("replaces the per-cluster roles of every add-on but Velero by one role each, whatever the number of clusters", () => {
    for (const ev of [three, four]) {
      const clusters = ev.resources.filter((r) => r.type === "aws:eks/cluster:Cluster").map((r) => String(r.inputs.name).replace("prod-", ""));
      const roleNames = ofType(ev, ROLE).map((r) => String(r.inputs.name));
      expect(roleNames.filter((n) => n.endsWith("-pod-identity")).sort()).toEqual([
        "prod-argocd-pod-identity", "prod-aws-load-balancer-controller-pod-identity", "prod-ebs-csi-driver-pod-identity", "prod-external-dns-pod-identity", "prod-karpenter-pod-identity",
      ]);
      // The one add-on role that remains per cluster (IRSA): Velero's (docs/REFERENCE.md, "Pod identity").
      const perCluster = (["velero", "externalDns", "loadBalancerController", "karpenter", "ebsCsiDriver", "argocd"] as const)
        .flatMap((agent) => clusters.map((c) => names.agentRoleName("prod", c, names.AGENTS[agent].role)))
        .filter((n) => roleNames.includes(n));
      expect(perCluster).toEqual(clusters.map((c) => `prod-${c}-velero`));
    }
  });

  it("never tags a fleet-wide role with a session tag's key, which would stand in for a missing session tag", () => {
    for (const agent of names.POD_IDENTITY_AGENTS) {
      expect(Object.keys(fleetRole(four, agent).inputs.tags as object).filter((k) => (Object.values(SESSION_TAGS) as string[]).includes(k))).toEqual([]);
    }
  });

  it("associates each cluster's service accounts with the fleet role, after the cluster's Pod Identity Agent, and starts the add-on after the association", () => {
    const agents = ofType(four, "aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "eks-pod-identity-agent");
    expect(agents.map((a) => [a.inputs.clusterName, a.inputs.addonVersion])).toEqual(["c0", "c1", "c2", "c3"].map((c) => [`prod-${c}`, CORE_ADDON_VERSIONS[CURRENT_VERSION].podIdentityAgent]));
    const associations = ofType(four, ASSOCIATION);
    const karpenter = associations.filter((a) => a.inputs.namespace === "karpenter");
    expect(karpenter.map((a) => [a.inputs.clusterName, a.inputs.serviceAccount, a.inputs.roleArn])).toEqual(
      ["c0", "c1", "c2", "c3"].map((c) => [`prod-${c}`, "karpenter", names.roleArn(ACCOUNT, "prod-karpenter-pod-identity")]),
    );
    for (const association of associations) {
      expect(association.inputs.disableSessionTags).toBeUndefined();
      const agent = agents.find((a) => a.inputs.clusterName === association.inputs.clusterName)!;
      expect(graph.waitsFor(association.urn, agent.urn)).toBe(true);
    }
    // Argo CD's three service accounts on each hub (c0 for us-east-1, c1 for us-west-2).
    expect(associations.filter((a) => a.inputs.namespace === "argocd").map((a) => `${a.inputs.clusterName}/${a.inputs.serviceAccount}`).sort()).toEqual(
      ["prod-c0", "prod-c1"].flatMap((c) => ARGOCD_SERVICE_ACCOUNTS.map((sa) => `${c}/${sa}`)).sort(),
    );
    const release = four.resources.find((r) => r.name === "c2-karpenter-release")!;
    expect(graph.waitsFor(release.urn, karpenter.find((a) => a.inputs.clusterName === "prod-c2")!.urn)).toBe(true);
    // No IRSA annotation is left to take precedence over Pod Identity in the SDK's credential chain.
    expect(JSON.stringify((release.inputs.values as any).serviceAccount)).not.toContain("role-arn");
    const ebs = ofType(four, "aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "aws-ebs-csi-driver");
    for (const addon of ebs) {
      expect([addon.inputs.serviceAccountRoleArn, addon.inputs.podIdentityAssociations]).toEqual([undefined, [{ roleArn: names.roleArn(ACCOUNT, "prod-ebs-csi-driver-pod-identity"), serviceAccount: "ebs-csi-controller-sa" }]]);
    }
  });

  it("lets EKS Pod Identity assume a fleet role only for the add-on's own service account in one of the fleet's clusters", () => {
    const cases: [names.AgentName, string, string][] = [
      ["karpenter", "karpenter", "karpenter"], ["ebsCsiDriver", "kube-system", "ebs-csi-controller-sa"], ["argocd", "argocd", "argocd-server"],
      ["externalDns", "external-dns", "external-dns"], ["loadBalancerController", "kube-system", "aws-load-balancer-controller"],
    ];
    for (const [agent, namespace, serviceAccount] of cases) {
      const trust = trustOf(fleetRole(four, agent));
      expect([agent, decide(trust, assumeFor(pod("c3", namespace, serviceAccount)))]).toEqual([agent, "allow"]);
      expect([agent, decide(trust, assumeFor(pod("c1", namespace, serviceAccount, "us-west-2"), "sts:TagSession"))]).toEqual([agent, "allow"]);
      const refused = [
        assumeFor(pod("c0", "default", serviceAccount)), // another namespace, same account name
        assumeFor(pod("c0", namespace, "default")), // another account in the namespace
        assumeFor(undefined), // an association with its session tags disabled
        assumeFor({ ...pod("c0", namespace, serviceAccount), eksClusterName: "staging-c0" }), // a cluster of another fleet
        { ...assumeFor(pod("c0", namespace, serviceAccount)), principal: { Service: "ec2.amazonaws.com" } },
      ];
      for (const request of refused) expect([agent, JSON.stringify(request.context), decide(trust, request)]).toEqual([agent, JSON.stringify(request.context), "implicit-deny"]);
    }
  });

  it("denies every action to a session of another namespace's or service account's pod, whatever it asks", () => {
    const karpenter = permissionsOf(fleetRole(four, "karpenter"));
    const ownQueue = `arn:aws:sqs:us-east-1:${ACCOUNT}:prod-c0`;
    expect(decide(karpenter, callAs(pod("c0", "karpenter", "karpenter"), "sqs:ReceiveMessage", ownQueue))).toBe("allow");
    expect(decide(karpenter, callAs(pod("c0", "default", "karpenter"), "sqs:ReceiveMessage", ownQueue))).toBe("explicit-deny");
    expect(decide(karpenter, callAs(pod("c0", "karpenter", "intruder"), "sqs:ReceiveMessage", ownQueue))).toBe("explicit-deny");
  });

  it("scopes Karpenter's launches, deletions, node role and queue to the calling pod's own cluster", () => {
    const policy = permissionsOf(fleetRole(four, "karpenter"));
    const c0 = pod("c0", "karpenter", "karpenter");
    const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
    const launch = (cluster: string) => ({ "aws:RequestTag/eks:eks-cluster-name": `prod-${cluster}`, "aws:RequestTag/karpenter.sh/nodepool": "workloads" });
    const owned = (cluster: string) => ({ "aws:ResourceTag/eks:eks-cluster-name": `prod-${cluster}`, "aws:ResourceTag/karpenter.sh/nodepool": "workloads" });
    expect(decide(policy, callAs(c0, "ec2:RunInstances", instance, launch("c0")))).toBe("allow");
    expect(decide(policy, callAs(c0, "ec2:RunInstances", instance, launch("c1")))).toBe("implicit-deny");
    // Its own tag, in another region: refused, as a per-cluster role's regional ARNs refused it.
    const elsewhere = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(decide(policy, callAs(c0, "ec2:RunInstances", elsewhere, { ...launch("c0"), "aws:RequestedRegion": "eu-west-1" }))).toBe("explicit-deny");
    expect(decide(policy, callAs(c0, "ec2:TerminateInstances", instance, owned("c0")))).toBe("allow");
    expect(decide(policy, callAs(c0, "ec2:TerminateInstances", instance, owned("c2")))).toBe("implicit-deny");
    expect(decide(policy, callAs(c0, "iam:PassRole", names.roleArn(ACCOUNT, "prod-c0-karpenter-node"), { "iam:PassedToService": "ec2.amazonaws.com" }))).toBe("allow");
    expect(decide(policy, callAs(c0, "iam:PassRole", names.roleArn(ACCOUNT, "prod-c1-karpenter-node"), { "iam:PassedToService": "ec2.amazonaws.com" }))).toBe("implicit-deny");
    expect(decide(policy, callAs(c0, "sqs:DeleteMessage", `arn:aws:sqs:us-west-2:${ACCOUNT}:prod-c1`))).toBe("implicit-deny");
    expect(decide(policy, callAs(c0, "eks:DescribeCluster", `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod-c2`))).toBe("implicit-deny");
  });

  it("lets the EBS CSI driver change and encrypt only its own cluster's volumes, in IAM and in each volume key's policy", () => {
    const policy = permissionsOf(fleetRole(four, "ebsCsiDriver"));
    const driver = (cluster: string) => pod(cluster, "kube-system", "ebs-csi-controller-sa");
    const volume = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
    const taggedFor = (cluster: string) => ({ "ec2:ResourceTag/ebs.csi.aws.com/cluster-name": `prod-${cluster}` });
    expect(decide(policy, callAs(driver("c2"), "ec2:DeleteVolume", volume, taggedFor("c2")))).toBe("allow");
    expect(decide(policy, callAs(driver("c0"), "ec2:DeleteVolume", volume, taggedFor("c2")))).toBe("implicit-deny");
    expect(decide(policy, callAs(driver("c2"), "ec2:DeleteVolume", volume.replace("us-east-1", "us-west-2"), { ...taggedFor("c2"), "aws:RequestedRegion": "us-west-2" }))).toBe("explicit-deny");
    expect(decide(policy, callAs(driver("c0"), "ec2:CreateVolume", volume, { "aws:RequestTag/ebs.csi.aws.com/cluster-name": "prod-c2" }))).toBe("implicit-deny");
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(decide(policy, callAs(driver("c2"), "kms:GenerateDataKeyWithoutPlaintext", key, { "kms:ResourceAliases": ["alias/prod-c2-ebs"] }))).toBe("allow");
    expect(decide(policy, callAs(driver("c0"), "kms:Decrypt", key, { "kms:ResourceAliases": ["alias/prod-c2-ebs"] }))).toBe("implicit-deny");
    // c2's key policy: the fleet role, through EC2 in c2's region, from c2's sessions only.
    const keyPolicy = String(four.resources.find((r) => r.name === "c2-ebs-csi-key" && r.type === "aws:kms/key:Key")!.inputs.policy);
    const viaEc2 = (cluster: string) => ({
      ...callAs(driver(cluster), "kms:Decrypt", key, { "kms:ViaService": "ec2.us-east-1.amazonaws.com", "kms:CallerAccount": ACCOUNT, "aws:PrincipalArn": names.roleArn(ACCOUNT, "prod-ebs-csi-driver-pod-identity") }),
      principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    });
    // Only the users' statements: the first is the account's administration of the key.
    const users = { Statement: JSON.parse(keyPolicy).Statement.slice(1) };
    expect(decide(users, viaEc2("c2"))).toBe("allow");
    expect(decide(users, viaEc2("c0"))).toBe("implicit-deny");
  });

  it("lets the Argo CD role into a spoke only from a session of that spoke's own hub", () => {
    const spokeTrust = trustOf(roleNamed(four, names.agentRoleName("prod", "c2", "argocd-spoke")));
    const argocd = names.roleArn(ACCOUNT, "prod-argocd-pod-identity");
    const chained = (hub: string): IamRequest => ({ action: "sts:AssumeRole", principal: { AWS: argocd }, context: podIdentityTags("aws:PrincipalTag", pod(hub, "argocd", "argocd-application-controller")) });
    expect(decide(spokeTrust, chained("c0"))).toBe("allow");
    expect(decide(spokeTrust, { ...chained("c0"), action: "sts:TagSession" })).toBe("allow");
    expect(decide(spokeTrust, chained("c1"))).toBe("implicit-deny");
    const assume = permissionsOf(fleetRole(four, "argocd"));
    expect(decide(assume, callAs(pod("c1", "argocd", "argocd-server"), "sts:AssumeRole", names.roleArn(ACCOUNT, "prod-c3-argocd-spoke")))).toBe("allow");
    expect(decide(assume, callAs(pod("c1", "argocd", "argocd-server"), "sts:AssumeRole", names.roleArn(ACCOUNT, "prod-c3-velero")))).toBe("implicit-deny");
  });

  it("changes no existing trust policy, and no fleet role, when a cluster is added", () => {
    const before = new Map(ofType(three, ROLE).map((r) => [String(r.inputs.name), r]));
    const changed = ofType(four, ROLE).filter((r) => before.has(String(r.inputs.name)) && trustOf(before.get(String(r.inputs.name))!) !== trustOf(r)).map((r) => r.inputs.name);
    expect(before.size).toBeGreaterThan(10);
    expect(changed).toEqual([]);
    for (const agent of names.POD_IDENTITY_AGENTS) {
      expect(fleetRole(four, agent).inputs).toEqual(fleetRole(three, agent).inputs);
    }
    expect(ofType(four, ROLE).filter((r) => !before.has(String(r.inputs.name))).map((r) => String(r.inputs.name)).every((n) => n.startsWith("prod-c3-"))).toBe(true);
  });

  it("keeps an OIDC provider per cluster only for what authenticates by web identity: Velero and the secrets readers", () => {
    const providers = ofType(four, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    // A provider's ARN is `oidc-provider/<issuer without https://>`.
    const trustedBy = (provider: RecordedResource) => ofType(four, ROLE)
      .filter((r) => JSON.parse(trustOf(r)).Statement.some((s: any) => s.Principal?.Federated === `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(provider.inputs.url).replace("https://", "")}`))
      .map((r) => String(r.inputs.name));
    expect(providers).toHaveLength(4);
    for (const provider of providers) {
      const cluster = provider.name.split("-")[0];
      // Velero's own role (its repository password reaches it through External Secrets' web-identity
      // store) and the namespace's secrets reader: nothing else trusts the provider.
      expect(trustedBy(provider).sort()).toEqual([names.agentRoleName("prod", cluster, "velero"), names.namespaceSecretsRoleName("prod", cluster, "payments")].sort());
    }
  });
});
