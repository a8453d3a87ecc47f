import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { known, present } from "./support";

/**
 * ELB security policies that accept TLS 1.2 and newer only (Elastic Load Balancing guide,
 * "Security policies for your Network Load Balancer"): TLS13-1-2-* and TLS13-1-3-* (TLS13-1-0
 * and TLS13-1-1 still accept older versions), TLS-1-2-* and FS-1-2-*. The default,
 * ELBSecurityPolicy-2016-08, accepts TLS 1.0.
 */
const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

export const elbListenerModernTls: ResourceValidationPolicy = {
  name: "elb-listener-modern-tls",
  description: "Checks whether TLS and HTTPS load balancer listeners use a security policy that accepts TLS 1.2 or newer only.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.lb.Listener, (listener, _args, reportViolation) => {
    const protocol = known(() => listener.protocol);
    if (protocol !== "TLS" && protocol !== "HTTPS") return;
    const policy = known(() => listener.sslPolicy);
    // Unknown until deploy: judged by `pulumi up`'s own policy run.
    if (policy === undefined && present(() => listener.sslPolicy)) return;
    if (typeof policy === "string" && MODERN_TLS_POLICY.test(policy)) return;
    reportViolation(
      `The ${protocol} listener on port ${known(() => listener.port) ?? "?"} uses ${policy ?? "the ELB default policy (ELBSecurityPolicy-2016-08)"}, which accepts TLS 1.0 and 1.1. Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy.`,
    );
  }),
};

export const elbPolicies: ResourceValidationPolicy[] = [elbListenerModernTls];
