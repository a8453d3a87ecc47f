import { renderTree } from "../../charts";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { names, parseFleet } from "../../fleet";
import { SERVING_LISTENER_PORT } from "../../components/cluster-load-balancer";
import { fleetConfig, stackConfig, ZONE_ID } from "../fixtures/fleets";
import * as YAML from "yaml";

const ACCOUNT = "123456789012";
/** Resources of one type in name order (the engine records them as they resolve). */
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
const byName = (ev: Evaluation, name: string) => ev.resources.find((r) => r.name === name && r.custom)!;

/** c0 primary and c2 standby share us-east-1; c1 is the standby in us-west-2. */
const raw = fleetConfig(3, { dns: { zone: "example.com", zoneId: ZONE_ID, record: "api.example.com", globalAccelerator: true } });
raw.clusters[2].region = "us-east-1";

describe("program-owned load balancers and Global Accelerator (active-passive)", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
  });

  it("gives each cluster an internet-facing NLB in its public subnets with a TLS listener on its region's certificate", () => {
    const nlbs = ofType(ev, "aws:lb/loadBalancer:LoadBalancer");
    expect(nlbs.map((lb) => [lb.inputs.name, lb.region, lb.inputs.loadBalancerType, lb.inputs.internal])).toEqual([
      ["prod-c0-nlb", "us-east-1", "network", false],
      ["prod-c1-nlb", "us-west-2", "network", false],
      ["prod-c2-nlb", "us-east-1", "network", false],
    ]);
    const publicSubnets = ofType(ev, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("c1-public-")).map((s) => s.urn);
    expect(byName(ev, "c1-lb").dependsOn).toEqual(expect.arrayContaining(publicSubnets));
    const listener = byName(ev, "c1-lb-https");
    expect(listener.inputs).toMatchObject({ port: 443, protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    expect(listener.inputs.certificateArn).toMatch(/^arn:aws:acm:us-west-2:/);
    const certificates = ofType(ev, "aws:acm/certificate:Certificate");
    expect(certificates.map((c) => [c.region, c.inputs.domainName, c.inputs.subjectAlternativeNames])).toEqual([
      ["us-east-1", "*.api.example.com", ["api.example.com"]],
      ["us-west-2", "*.api.example.com", ["api.example.com"]],
    ]);
    // One validation record in the zone serves every region's certificate.
    expect(byName(ev, "gateway-certificates-validation").inputs).toMatchObject({ zoneId: ZONE_ID, type: "CNAME" });
    // Each listener waits for its region's certificate to be issued (ELB refuses one pending
    // validation) through a waiter of its own cluster, in that cluster's region.
    for (const lb of ["c0-lb", "c1-lb", "c2-lb"]) {
      const waiter = byName(ev, `${lb}-certificate`);
      const certificate = certificates.find((c) => c.region === waiter.region)!;
      expect(waiter).toMatchObject({ type: "aws:acm/certificateValidation:CertificateValidation", region: byName(ev, lb).region });
      expect(waiter.dependsOn).toContain(certificate.urn);
      expect(byName(ev, `${lb}-https`).dependsOn).toContain(waiter.urn);
    }
  });

  it("health-checks the gateway pods on their live path, never the role, in a target group the controller may fill", () => {
    const groups = ofType(ev, "aws:lb/targetGroup:TargetGroup").filter((g) => g.inputs.targetType === "ip");
    expect(groups.map((g) => [g.inputs.name, (g.inputs.tags as any)["elbv2.k8s.aws/cluster"]])).toEqual([
      ["prod-c0-gw", "prod-c0"],
      ["prod-c1-gw", "prod-c1"],
      ["prod-c2-gw", "prod-c2"],
    ]);
    // The pods carry the controller's readiness gate on this group: a standby's must stay healthy.
    expect(groups[1].inputs).toMatchObject({ targetType: "ip", protocol: "TCP", port: 8080, healthCheck: { protocol: "HTTP", path: "/healthz/live", matcher: "200" } });
    for (const lb of ofType(ev, "aws:lb/loadBalancer:LoadBalancer")) expect(lb.inputs.tags).not.toHaveProperty(["elbv2.k8s.aws/cluster"]);
  });

  it("puts a serving target group behind each NLB: the nodes, checked on the serving answer, behind a listener nothing reaches", () => {
    const serving = ofType(ev, "aws:lb/targetGroup:TargetGroup").filter((g) => g.inputs.targetType === "instance");
    expect(serving.map((g) => [g.inputs.name, g.region, g.inputs.port, (g.inputs.healthCheck as any).path, (g.inputs.tags as any)["elbv2.k8s.aws/cluster"]])).toEqual([
      ["prod-c0-serving", "us-east-1", names.GATEWAY_SERVING_NODE_PORT, "/healthz", "prod-c0"],
      ["prod-c1-serving", "us-west-2", names.GATEWAY_SERVING_NODE_PORT, "/healthz", "prod-c1"],
      ["prod-c2-serving", "us-east-1", names.GATEWAY_SERVING_NODE_PORT, "/healthz", "prod-c2"],
    ]);
    for (const cluster of ["c0", "c1", "c2"]) {
      const listener = byName(ev, `${cluster}-lb-serving-check`);
      expect(listener.inputs).toMatchObject({ protocol: "TCP", port: SERVING_LISTENER_PORT });
      expect(listener.dependsOn).toEqual(expect.arrayContaining([byName(ev, `${cluster}-lb`).urn, byName(ev, `${cluster}-lb-serving`).urn]));
      expect((byName(ev, `${cluster}-lb-nlb`).inputs.ingress as any[]).map((r) => r.fromPort)).toEqual([443]);
    }
    const rule = byName(ev, "c1-lb-to-serving");
    expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: names.GATEWAY_SERVING_NODE_PORT, toPort: names.GATEWAY_SERVING_NODE_PORT });
  });

  it("lets only the NLB's security group reach the pods, on the gateway port", () => {
    const nlbGroup = byName(ev, "c1-lb-nlb");
    expect(nlbGroup.inputs.ingress).toEqual([expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443 })]);
    // Egress is rule resources, so the group itself never waits for the cluster's security group.
    expect(nlbGroup.inputs.egress).toBeUndefined();
    const egress = ev.resources.filter((r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" && r.name.startsWith("c1-"));
    expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.ipProtocol]).sort()).toEqual([[8080, 8080, "tcp"], [names.GATEWAY_SERVING_NODE_PORT, names.GATEWAY_SERVING_NODE_PORT, "tcp"]].sort());
    const rule = byName(ev, "c1-lb-to-gateway");
    expect(rule.inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 8080, toPort: 8080 });
    for (const out of egress) {
      expect(out.dependsOn).toContain(nlbGroup.urn);
      expect(out.inputs.securityGroupId).toBe(rule.inputs.referencedSecurityGroupId);
      // Out to the very group the pods' rule opens to the NLB.
      expect(out.inputs.referencedSecurityGroupId).toBe(rule.inputs.securityGroupId);
    }
    expect(rule.dependsOn).toContain(nlbGroup.urn);
  });

  it("binds each cluster's gateway to its own NLB's target groups, serving ones through the nodes", () => {
    const planned = ofType(ev, "aws:lb/targetGroup:TargetGroup");
    const spec = parseFleet(raw, "us-east-1");
    const tree = renderTree(spec);
    const bindings = tree
      .filter((f) => /\/targetgroupbinding-/.test(f.path))
      .map((f) => ({ cluster: f.path.split("/")[1], binding: YAML.parse(f.content) }));
    expect(bindings.map((b) => [b.cluster, b.binding.spec.targetType])).toEqual([
      ["c0", "instance"], ["c0", "ip"], ["c1", "instance"], ["c1", "ip"], ["c2", "instance"], ["c2", "ip"],
    ]);
    for (const { cluster, binding } of bindings) {
      // The group a binding fills is the one behind this cluster's own NLB (its listener's forward target).
      const group = planned.find((g) => g.inputs.name === binding.spec.targetGroupName)!;
      const listener = ofType(ev, "aws:lb/listener:Listener").find((l) => l.dependsOn.includes(group.urn))!;
      expect([cluster, listener.dependsOn]).toEqual([cluster, expect.arrayContaining([byName(ev, `${cluster}-lb`).urn])]);
      const service = tree.find((f) => f.path === `clusters/${cluster}/platform/service-ingress-${binding.spec.serviceRef.name}.yaml`)!;
      expect(YAML.parse(service.content).spec.selector).toEqual({ "app.kubernetes.io/name": "ingress-gateway" });
      if (binding.spec.targetType === "instance") {
        // Instance targets: the node port the program's target group and security group use.
        expect(YAML.parse(service.content).spec).toMatchObject({ type: "NodePort", ports: [{ nodePort: group.inputs.port }] });
      }
    }
  });

  it("points each cluster's hostname at its own NLB, evaluating target health", () => {
    for (const cluster of ["c0", "c1", "c2"]) {
      const record = ofType(ev, "aws:route53/record:Record").find((r) => r.inputs.name === `prod-${cluster}.api.example.com`)!;
      const lb = byName(ev, `${cluster}-lb`);
      expect(record.inputs.type).toBe("A");
      expect(record.inputs.aliases).toEqual([{ name: expect.stringMatching(new RegExp(`^prod-${cluster}-nlb-[0-9a-f]+\\.elb\\.${lb.region}\\.amazonaws\\.com$`)), zoneId: expect.any(String), evaluateTargetHealth: true }]);
      expect(record.dependsOn).toContain(lb.urn);
    }
  });

  it("plans an accelerator with one endpoint group per region and the NLBs as endpoints, the same whatever the roles", () => {
    // Disabled, an accelerator keeps its static IPs but "no longer accepts or routes traffic"
    // (Global Accelerator API reference, UpdateAccelerator); the provider's default is enabled.
    expect(ofType(ev, "aws:globalaccelerator/accelerator:Accelerator").map((a) => a.inputs.enabled ?? true)).toEqual([true]);
    expect(ofType(ev, "aws:globalaccelerator/listener:Listener").map((l) => [l.inputs.protocol, l.inputs.portRanges])).toEqual([["TCP", [{ fromPort: 443, toPort: 443 }]]]);
    const groups = ofType(ev, "aws:globalaccelerator/endpointGroup:EndpointGroup");
    const nlbArn = (cluster: string, region: string) => expect.stringMatching(new RegExp(`^arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/net/${names.gatewayLoadBalancerName("prod", cluster)}/`));
    expect(groups.map((g) => [g.inputs.endpointGroupRegion, g.inputs.trafficDialPercentage, g.inputs.endpointConfigurations])).toEqual([
      ["us-east-1", 100, [
        { endpointId: nlbArn("c0", "us-east-1"), weight: 100, clientIpPreservationEnabled: false },
        { endpointId: nlbArn("c2", "us-east-1"), weight: 100, clientIpPreservationEnabled: false },
      ]],
      ["us-west-2", 100, [{ endpointId: nlbArn("c1", "us-west-2"), weight: 100, clientIpPreservationEnabled: false }]],
    ]);
    // Each endpoint is its own cluster's NLB, whose serving group checks that cluster's answer.
    for (const group of groups) {
      for (const endpoint of group.inputs.endpointConfigurations as { endpointId: string }[]) {
        const cluster = endpoint.endpointId.match(/loadbalancer\/net\/prod-(c\d)-nlb\//)![1];
        const nlb = byName(ev, `${cluster}-lb`);
        expect(group.dependsOn).toContain(nlb.urn);
        expect([cluster, nlb.region]).toEqual([cluster, group.inputs.endpointGroupRegion]);
      }
    }
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ healthCheckProtocol: "HTTPS", healthCheckPort: 443, healthCheckPath: "/healthz", healthCheckIntervalSeconds: 10, thresholdCount: 3 });
    }
  });

  it("points the fleet record at the accelerator instead of Route 53's health-checked sets", () => {
    // The failover PRIMARY every DNS mode keeps at `<record>`, here without a health check (always answered) and no SECONDARY.
    const fleetRecords = ofType(ev, "aws:route53/record:Record").filter((r) => r.inputs.name === "api.example.com");
    expect(fleetRecords.map((r) => r.inputs)).toEqual([
      expect.objectContaining({ type: "CNAME", setIdentifier: "primary", failoverRoutingPolicies: [{ type: "PRIMARY" }], records: [expect.stringMatching(/\.awsglobalaccelerator\.com$/)] }),
    ]);
    expect(fleetRecords[0].inputs.healthCheckId).toBeUndefined();
    expect(ofType(ev, "aws:route53/healthCheck:HealthCheck")).toEqual([]);
    const outputs = ev.outputs.globalAccelerator as { dnsName: string; ipAddresses: string[] };
    expect(outputs.dnsName).toMatch(/\.awsglobalaccelerator\.com$/);
    expect(outputs.ipAddresses).toHaveLength(2);
  });
});

