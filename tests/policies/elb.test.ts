import { elbListenerModernTls } from "../../policies/elb";
import { changed, resource, resourceMessages } from "./harness";

const listener = () =>
  resource("aws:lb/listener:Listener", "use1-lb-https", {
    port: 443,
    protocol: "TLS",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    defaultActions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-use1-gw/1" }],
  });

describe("elb-listener-modern-tls", () => {
  it("passes a TLS listener on a TLS 1.2+ policy, and a plain TCP listener", async () => {
    expect(await resourceMessages(elbListenerModernTls, listener())).toEqual([]);
    expect(await resourceMessages(elbListenerModernTls, changed(listener(), (r) => { r.inputs.protocol = "TCP"; delete r.inputs.sslPolicy; }))).toEqual([]);
  });

  it("reports the ELB default policy and an old one, which accept TLS 1.0", async () => {
    expect(await resourceMessages(elbListenerModernTls, changed(listener(), (r) => delete r.inputs.sslPolicy))).toEqual([
      "The TLS listener on port 443 uses the ELB default policy (ELBSecurityPolicy-2016-08), which accepts TLS 1.0 and 1.1. Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy.",
    ]);
    expect(await resourceMessages(elbListenerModernTls, changed(listener(), (r) => (r.inputs.sslPolicy = "ELBSecurityPolicy-TLS13-1-0-2021-06")))).toHaveLength(1);
    expect(await resourceMessages(elbListenerModernTls, changed(listener(), (r) => (r.inputs.sslPolicy = "ELBSecurityPolicy-2016-08")))).toHaveLength(1);
  });
});
