import { parseFleet } from "../../fleet";
import { LiveSource } from "../../operations/rollout/live-source";
import { fleetConfig } from "../fixtures/fleets";

describe("the live status source", () => {
  const outputs = {
    clusters: [],
    kubeconfigs: {},
    healthSignals: Object.fromEntries(["c0", "c1", "c2"].map((c) => [c, {
      healthChecks: { serving: `hc-${c}`, takeover: `tk-${c}` },
      loadBalancer: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/prod-${c}-nlb/0123456789abcdef`,
      gatewayTargetGroup: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-${c}-gw/fedcba9876543210`,
    }])),
  };

  it("reads the health checks of the answers Git says are yes now, not the roles of the last deploy", async () => {
    const before = parseFleet(fleetConfig(3), "us-east-1");
    const raw = fleetConfig(3);
    raw.clusters = raw.clusters.map((c: any) => ({ ...c, role: c.name === before.takeover!.name ? "primary" : "secondary" }));
    const after = parseFleet(raw, "us-east-1");
    const names = async (spec: typeof before, cluster: string) => (await new LiveSource(spec, outputs, process.cwd()).healthSignals(cluster)).map((s) => `${s.name} ${s.id}`);
    expect(await names(before, "c0")).toEqual(["Route 53 serving check route53:hc-c0", "gateway target group elb:us-east-1:net/prod-c0-nlb/0123456789abcdef:targetgroup/prod-c0-gw/fedcba9876543210"]);
    expect(await names(after, "c0")).toEqual(["gateway target group elb:us-east-1:net/prod-c0-nlb/0123456789abcdef:targetgroup/prod-c0-gw/fedcba9876543210"]);
    expect((await names(after, before.takeover!.name))[0]).toBe(`Route 53 serving check route53:hc-${before.takeover!.name}`);
  });
});
