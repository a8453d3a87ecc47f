import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, HEALTH_CHECK, healthPaths, names } from "../fleet";
import { clusterTags } from "./tags";

/** TLS 1.3 and 1.2 only (the ELB default policy still accepts TLS 1.0). */
export const GATEWAY_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The public port clients, Route 53 health checks and Global Accelerator connect to. */
export const GATEWAY_PUBLIC_PORT = 443;
/**
 * With Global Accelerator: the port of the listener that puts the serving target group behind
 * the NLB (a target group is checked only once a listener uses it). Nothing reaches it: the
 * NLB's security group admits 443 only.
 */
export const SERVING_LISTENER_PORT = 8443;

export interface ClusterLoadBalancerArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  readonly vpcId: pulumi.Input<string>;
  /** The security group on the cluster's pod ENIs, opened to the NLB on the gateway port. */
  readonly podSecurityGroupId: pulumi.Input<string>;
  /** One public subnet per zone of the cluster's VPC. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** ACM certificate in the cluster's region covering `<fleet>-<cluster>.<record>`, issued or still pending validation. */
  readonly certificateArn: pulumi.Input<string>;
  /** The public hosted zone where `<fleet>-<cluster>.<record>` is written. */
  readonly zoneId: pulumi.Input<string>;
}

/**
 * The load balancer in front of one cluster's gateway, owned by the program rather than
 * created by a controller after deploy, so Route 53 and Global Accelerator point at an ARN
 * and a name known to the plan: an internet-facing NLB in the public subnets, a TLS
 * listener on 443 with the fleet's certificate, and an IP target group (plain HTTP on the
 * gateway port) that the AWS Load Balancer Controller fills with the gateway pods through
 * the rendered TargetGroupBinding. That group checks the gateway's live path, never its
 * role: its pods carry the controller's readiness gate, and a standby's gateway must stay
 * Ready and in service (Route 53 checks the role through it).
 *
 * With Global Accelerator, a second target group checks the serving answer through the
 * nodes (names.gatewayServingTargetGroupName), so the accelerator sees the endpoint healthy
 * exactly while the cluster serves. `<fleet>-<cluster>.<record>` is an alias of the NLB that
 * evaluates its target health.
 */
export class ClusterLoadBalancer extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  public readonly targetGroupArn: pulumi.Output<string>;
  /** `net/<name>/<id>` and `targetgroup/<name>/<id>`: the dimensions of their CloudWatch metrics. */
  public readonly arnSuffix: pulumi.Output<string>;
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** With Global Accelerator: the target group that checks the serving answer (the endpoint's health). */
  public readonly servingTargetGroupArn?: pulumi.Output<string>;

  constructor(name: string, args: ClusterLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:ingress:ClusterLoadBalancer", name, {}, opts);
    const parent = { parent: this };
    const { fleet, cluster } = args;
    const tags = clusterTags(fleet, cluster);
    const accelerated = fleet.dns.globalAccelerator;
    const paths = healthPaths(fleet.dns.healthCheckPath);

    // Only its VPC: the egress rules name the cluster's security group, which exists once the
    // control plane does, so they are resources of their own and the NLB (minutes to become
    // active) is created beside the control plane rather than after it. Inline egress stays
    // unset, so the group does not manage (and fight) them (terraform-provider-aws
    // website/docs/r/security_group.html.markdown, inline rules beside rule resources).
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-nlb`, {
      vpcId: args.vpcId,
      description: `NLB of ${cluster.eksClusterName}: HTTPS in, the gateway port out to the pods`,
      ingress: [{ protocol: "tcp", fromPort: GATEWAY_PUBLIC_PORT, toPort: GATEWAY_PUBLIC_PORT, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS from clients, Global Accelerator and Route 53 health checkers" }],
      tags: { ...tags, Name: `${name}-nlb` },
    }, parent);
    const egress: [string, number, string][] = [
      ["to-pods", names.GATEWAY_PORT, "Traffic and health checks to the gateway pods"],
      ...(accelerated ? [["to-nodes", names.GATEWAY_SERVING_NODE_PORT, "Serving health checks to the nodes"] as [string, number, string]] : []),
    ];
    for (const [role, port, description] of egress) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-nlb-${role}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: args.podSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
        tags,
      }, parent);
    }

    // The program opens the pods to the NLB itself, so the binding needs no `networking`
    // rules and the controller no right to change the cluster's security group.
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-gateway`, {
      securityGroupId: args.podSecurityGroupId,
      referencedSecurityGroupId: securityGroup.id,
      ipProtocol: "tcp",
      fromPort: names.GATEWAY_PORT,
      toPort: names.GATEWAY_PORT,
      description: `From the NLB of ${cluster.eksClusterName} to the gateway pods`,
      tags,
    }, parent);

    const loadBalancer = new aws.lb.LoadBalancer(name, {
      name: names.gatewayLoadBalancerName(fleet.name, cluster.name),
      loadBalancerType: "network",
      internal: false,
      ipAddressType: "ipv4",
      subnets: args.publicSubnetIds,
      securityGroups: [securityGroup.id],
      // Two gateway replicas over three zones: every NLB node must reach a healthy pod.
      enableCrossZoneLoadBalancing: true,
      tags,
    }, parent);

    // The controller may register targets only in target groups tagged with its cluster
    // (condition on elbv2.k8s.aws/cluster); the NLB carries no such tag, so it stays out of its reach.
    const targetGroup = new aws.lb.TargetGroup(`${name}-gateway`, {
      name: names.gatewayTargetGroupName(fleet.name, cluster.name),
      vpcId: args.vpcId,
      targetType: "ip",
      protocol: "TCP",
      port: names.GATEWAY_PORT,
      // Packets come from the NLB's own addresses (its security group), which the pods' group lets in.
      preserveClientIp: "false",
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: paths.live,
        matcher: "200",
        interval: HEALTH_CHECK.requestIntervalSeconds,
        healthyThreshold: HEALTH_CHECK.failureThreshold,
        unhealthyThreshold: HEALTH_CHECK.failureThreshold,
      },
      tags: { ...tags, "elbv2.k8s.aws/cluster": cluster.eksClusterName },
    }, parent);

    // ELB refuses a certificate still pending validation (UnsupportedCertificate: hashicorp/
    // terraform-provider-aws#26245), so the listener waits for it to be issued. Only a wait on
    // ACM (DescribeCertificate until ISSUED; deleting it is a no-op: terraform-provider-aws
    // internal/service/acm/certificate_validation.go), here beside the NLB's minutes to become
    // active, while the control plane takes a quarter of an hour: off the cluster's longest chain.
    const issued = new aws.acm.CertificateValidation(`${name}-certificate`, { certificateArn: args.certificateArn }, parent);
    new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: loadBalancer.arn,
      port: GATEWAY_PUBLIC_PORT,
      protocol: "TLS",
      certificateArn: issued.certificateArn,
      sslPolicy: GATEWAY_TLS_POLICY,
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags,
    }, parent);

    let servingGroup: aws.lb.TargetGroup | undefined;
    if (accelerated) {
      // The nodes carry the cluster security group (managed nodes by default, Karpenter's
      // through its EC2NodeClass), the same group the pods' ENIs carry.
      new aws.vpc.SecurityGroupIngressRule(`${name}-to-serving`, {
        securityGroupId: args.podSecurityGroupId,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: names.GATEWAY_SERVING_NODE_PORT,
        toPort: names.GATEWAY_SERVING_NODE_PORT,
        description: `Serving health checks from the NLB of ${cluster.eksClusterName}`,
        tags,
      }, parent);
      const serving = (servingGroup = new aws.lb.TargetGroup(`${name}-serving`, {
        name: names.gatewayServingTargetGroupName(fleet.name, cluster.name),
        vpcId: args.vpcId,
        targetType: "instance",
        protocol: "TCP",
        port: names.GATEWAY_SERVING_NODE_PORT,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: paths.serving,
          matcher: "200",
          interval: HEALTH_CHECK.requestIntervalSeconds,
          healthyThreshold: HEALTH_CHECK.failureThreshold,
          unhealthyThreshold: HEALTH_CHECK.failureThreshold,
        },
        tags: { ...tags, "elbv2.k8s.aws/cluster": cluster.eksClusterName },
      }, parent));
      new aws.lb.Listener(`${name}-serving-check`, {
        loadBalancerArn: loadBalancer.arn,
        port: SERVING_LISTENER_PORT,
        protocol: "TCP",
        defaultActions: [{ type: "forward", targetGroupArn: serving.arn }],
        tags,
      }, parent);
    }

    new aws.route53.Record(`${name}-hostname`, {
      zoneId: args.zoneId,
      name: cluster.hostname,
      type: "A",
      aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
      // Earlier versions let the cluster's ExternalDNS write this name; the program takes it over.
      allowOverwrite: true,
    }, parent);

    this.arn = loadBalancer.arn;
    this.dnsName = loadBalancer.dnsName;
    this.zoneId = loadBalancer.zoneId;
    this.targetGroupArn = targetGroup.arn;
    this.arnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    if (servingGroup) this.servingTargetGroupArn = servingGroup.arn;
    this.registerOutputs({ arn: this.arn, dnsName: this.dnsName, targetGroupArn: this.targetGroupArn });
  }
}
