import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { names } from "../../fleet";
import { fleetConfig, stackConfig, ZONE_ID } from "../fixtures/fleets";
import { decide, IamRequest, podIdentityTags } from "../support/iam-conditions";

/**
 * The fleet-wide roles of ExternalDNS and the Load Balancer Controller (EKS Pod Identity), asked
 * by IAM's rules whether a session of one cluster's pod reaches another cluster's records, load
 * balancers or security groups. c0 and c2 share us-east-1, c1 is in us-west-2.
 */
const ACCOUNT = "123456789012";
const RECORD = "api.example.com";

const pod = (cluster: string, namespace: string, serviceAccount: string, region = "us-east-1") =>
  ({ accountId: ACCOUNT, region, eksClusterName: `prod-${cluster}`, namespace, serviceAccount });
type Pod = ReturnType<typeof pod>;

/** A call of a session `who` holds, in `region` (`aws:RequestedRegion`), on `resource`, with further condition keys. */
const callAs = (who: Pod, action: string, resource: string, context: Record<string, string | string[]> = {}, region = who.region): IamRequest => ({
  action,
  resource,
  context: { ...podIdentityTags("aws:PrincipalTag", who), "aws:RequestedRegion": region, ...context },
});

const permissionsOf = (role: RecordedResource) => ({ Statement: (role.inputs.inlinePolicies as { policy: string }[]).flatMap((p) => JSON.parse(p.policy).Statement) });

describe("EKS Pod Identity: ExternalDNS and the Load Balancer Controller keep to their own cluster", () => {
  let ev: Evaluation;
  const fleetRole = (agent: names.AgentName) =>
    ev.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === names.podIdentityRoleName("prod", names.AGENTS[agent].role)) as RecordedResource;
  beforeAll(async () => {
    const raw = fleetConfig(3);
    raw.clusters[2].region = "us-east-1";
    ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
  });

  describe("ExternalDNS", () => {
    const dns = (cluster: string) => pod(cluster, "external-dns", "external-dns");
    const zone = `arn:aws:route53:::hostedzone/${ZONE_ID}`;
    const change = (who: Pod, names: string[], resource = zone) =>
      callAs(who, "route53:ChangeResourceRecordSets", resource, { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names });

    it("names each cluster's hostname after its EKS cluster, the name a Pod Identity session carries", () => {
      const aliases = ev.resources.filter((r) => r.type === "aws:route53/record:Record" && r.name.endsWith("-lb-hostname"));
      const healthChecks = ev.resources.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck").map((c) => c.inputs.fqdn);
      for (const cluster of ["c0", "c1", "c2"]) {
        const hostname = names.clusterHostname(names.eksClusterName("prod", cluster), RECORD);
        expect(hostname).toBe(`prod-${cluster}.${RECORD}`);
        expect(aliases.map((a) => a.inputs.name)).toContain(hostname);
        expect(healthChecks).toContain(hostname);
      }
    });

    it("lets a cluster's ExternalDNS change the names under its own hostname, with their TXT records", () => {
      const policy = permissionsOf(fleetRole("externalDns"));
      for (const own of [["app.prod-c0.api.example.com"], ["app.prod-c0.api.example.com", "a-app.prod-c0.api.example.com", "cname-app.prod-c0.api.example.com"]]) {
        expect([own, decide(policy, change(dns("c0"), own))]).toEqual([own, "allow"]);
      }
      expect(decide(policy, change(pod("c1", "external-dns", "external-dns", "us-west-2"), ["deep.app.prod-c1.api.example.com", "aaaa-deep.app.prod-c1.api.example.com"]))).toBe("allow");
    });

    it("refuses another cluster's names, its own hostname, the fleet record, another zone and another account's session", () => {
      const policy = permissionsOf(fleetRole("externalDns"));
      const refused: [string, IamRequest, string][] = [
        ["another cluster's name", change(dns("c0"), ["app.prod-c1.api.example.com"]), "implicit-deny"],
        ["another cluster's TXT record", change(dns("c0"), ["a-app.prod-c2.api.example.com"]), "implicit-deny"],
        ["a batch with one foreign name", change(dns("c0"), ["app.prod-c0.api.example.com", "app.prod-c2.api.example.com"]), "implicit-deny"],
        ["its own hostname (the program's alias)", change(dns("c0"), ["prod-c0.api.example.com"]), "implicit-deny"],
        ["the TXT record of its hostname", change(dns("c0"), ["a-prod-c0.api.example.com"]), "implicit-deny"],
        ["the fleet record", change(dns("c0"), [RECORD]), "implicit-deny"],
        ["a cluster whose name ends like its own", change(dns("c0"), ["app.xprod-c0.api.example.com"]), "implicit-deny"],
        ["the same name in another zone", change(dns("c0"), ["app.prod-c0.api.example.com"], "arn:aws:route53:::hostedzone/ZOTHERZONE"), "implicit-deny"],
        ["another namespace's pod", change(pod("c0", "default", "external-dns"), ["app.prod-c0.api.example.com"]), "explicit-deny"],
      ];
      for (const [what, request, decision] of refused) expect([what, decide(policy, request)]).toEqual([what, decision]);
    });
  });

  describe("Load Balancer Controller", () => {
    const lbc = (cluster: string, region = "us-east-1") => pod(cluster, "kube-system", "aws-load-balancer-controller", region);
    const arn = (region: string, resource: string, service = "elasticloadbalancing") => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
    const nlb = arn("us-east-1", "loadbalancer/net/k8s-app/0123456789abcdef");
    const group = arn("us-east-1", "security-group/sg-0123456789abcdef0", "ec2");
    const vpc = arn("us-east-1", "vpc/vpc-0123456789abcdef0", "ec2");
    const createdFor = (cluster: string) => ({ "aws:RequestTag/elbv2.k8s.aws/cluster": `prod-${cluster}`, "aws:TagKeys": ["elbv2.k8s.aws/cluster"] });
    const ownedBy = (cluster: string) => ({ "aws:ResourceTag/elbv2.k8s.aws/cluster": `prod-${cluster}` });

    it("tags each cluster's VPC with its EKS cluster's name, which the role's security-group creation requires", () => {
      const vpcs = ev.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc");
      expect(vpcs.map((v) => (v.inputs.tags as Record<string, string>)[names.VPC_CLUSTER_TAG]).sort()).toEqual(["prod-c0", "prod-c1", "prod-c2"]);
    });

    it("lets a cluster's controller create, change and open only what carries its own cluster's name, in its own region", () => {
      const policy = permissionsOf(fleetRole("loadBalancerController"));
      const allowed: [string, IamRequest][] = [
        ["create a load balancer tagged as its own", callAs(lbc("c0"), "elasticloadbalancing:CreateLoadBalancer", nlb, createdFor("c0"))],
        ["tag it at creation", callAs(lbc("c0"), "elasticloadbalancing:AddTags", nlb, { ...createdFor("c0"), "elasticloadbalancing:CreateAction": "CreateLoadBalancer" })],
        ["register targets in its own target group", callAs(lbc("c0"), "elasticloadbalancing:RegisterTargets", arn("us-east-1", "targetgroup/prod-c0-gw/0123456789abcdef"), ownedBy("c0"))],
        ["create a security group in its own VPC", callAs(lbc("c0"), "ec2:CreateSecurityGroup", vpc, { [`aws:ResourceTag/${names.VPC_CLUSTER_TAG}`]: "prod-c0" })],
        ["open its cluster security group", callAs(lbc("c0"), "ec2:AuthorizeSecurityGroupIngress", group, { "aws:ResourceTag/aws:eks:cluster-name": "prod-c0" })],
        ["act in us-west-2 as c1", callAs(lbc("c1", "us-west-2"), "elasticloadbalancing:DeleteLoadBalancer", arn("us-west-2", "loadbalancer/net/k8s-app/0123456789abcdef"), ownedBy("c1"))],
      ];
      for (const [what, request] of allowed) expect([what, decide(policy, request)]).toEqual([what, "allow"]);
    });

    it("refuses another cluster's load balancers, VPC and security groups, other regions and the ownership tag", () => {
      const policy = permissionsOf(fleetRole("loadBalancerController"));
      const refused: [string, IamRequest, string][] = [
        ["create a load balancer tagged for another cluster", callAs(lbc("c0"), "elasticloadbalancing:CreateLoadBalancer", nlb, createdFor("c2")), "implicit-deny"],
        ["create one with no ownership tag", callAs(lbc("c0"), "elasticloadbalancing:CreateLoadBalancer", nlb), "implicit-deny"],
        ["delete another cluster's load balancer", callAs(lbc("c0"), "elasticloadbalancing:DeleteLoadBalancer", nlb, ownedBy("c2")), "implicit-deny"],
        ["register targets in another cluster's target group", callAs(lbc("c0"), "elasticloadbalancing:RegisterTargets", arn("us-east-1", "targetgroup/prod-c2-gw/0123456789abcdef"), ownedBy("c2")), "implicit-deny"],
        ["create a security group in another cluster's VPC", callAs(lbc("c0"), "ec2:CreateSecurityGroup", vpc, { [`aws:ResourceTag/${names.VPC_CLUSTER_TAG}`]: "prod-c2" }), "implicit-deny"],
        ["create one in an untagged VPC", callAs(lbc("c0"), "ec2:CreateSecurityGroup", vpc), "implicit-deny"],
        ["open another cluster's security group", callAs(lbc("c0"), "ec2:AuthorizeSecurityGroupIngress", group, { "aws:ResourceTag/aws:eks:cluster-name": "prod-c2" }), "implicit-deny"],
        ["change the ownership tag of its own", callAs(lbc("c0"), "elasticloadbalancing:RemoveTags", nlb, { ...ownedBy("c0"), "aws:TagKeys": ["elbv2.k8s.aws/cluster"] }), "implicit-deny"],
        ["act in another region, on its own tag", callAs(lbc("c0"), "elasticloadbalancing:CreateLoadBalancer", arn("eu-west-1", "loadbalancer/net/k8s-app/0123456789abcdef"), createdFor("c0"), "eu-west-1"), "explicit-deny"],
        ["read in another region", callAs(lbc("c0"), "ec2:DescribeSubnets", "*", {}, "us-west-2"), "explicit-deny"],
        ["another service account in kube-system", callAs(pod("c0", "kube-system", "default"), "elasticloadbalancing:DeleteLoadBalancer", nlb, ownedBy("c0")), "explicit-deny"],
      ];
      for (const [what, request, decision] of refused) expect([what, decide(policy, request)]).toEqual([what, decision]);
    });
  });
});
