import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { ClusterLoadBalancer } from "./cluster-load-balancer";
import { clusterTags } from "./tags";

export interface ZonalAutoshiftArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** The EKS cluster's ARN, once it is registered with zonal shift (`zonalShiftConfig`). */
  readonly clusterArn: pulumi.Input<string>;
  /** The cluster's load balancer: its gateway target group tells whether the cluster still serves. */
  readonly loadBalancer: ClusterLoadBalancer;
}

/** Minutes without a healthy gateway target before the outcome alarm fires. */
const OUTCOME_MINUTES = 3;

/**
 * ARC zonal autoshift for one cluster (`fleet.zonalAutoshift`): AWS shifts the cluster's
 * traffic away from a zone it finds impaired, and, as ARC requires of every autoshift
 * resource, practises it weekly with a 30-minute shift (Amazon Application Recovery Controller
 * developer guide, "Zonal autoshift" and "Create a practice run configuration"). A practice run
 * needs an outcome alarm in the resource's region: here, the cluster's own gateway losing its
 * last healthy target on the NLB, the answer every health check of the fleet reads. The same
 * alarm blocks a practice run from starting while the gateway is already down. The alarms
 * judge practice runs only; a real autoshift ignores them.
 */
export class ZonalAutoshift extends pulumi.ComponentResource {
  constructor(name: string, args: ZonalAutoshiftArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:ZonalAutoshift", name, {}, opts);
    const { fleet, cluster, loadBalancer } = args;
    const settings = fleet.zonalAutoshift ?? {};

    const outcome = new aws.cloudwatch.MetricAlarm(`${name}-outcome`, {
      name: `${cluster.eksClusterName}-zonal-shift-outcome`,
      alarmDescription: `${cluster.name}'s gateway has had no healthy target on its load balancer for ${OUTCOME_MINUTES} minutes: a zonal shift (practice run) left the cluster unable to answer; ARC ends the practice run and marks it FAILED.`,
      namespace: "AWS/NetworkELB",
      metricName: "HealthyHostCount",
      dimensions: { LoadBalancer: loadBalancer.arnSuffix, TargetGroup: loadBalancer.targetGroupArnSuffix },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: OUTCOME_MINUTES,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      // No data is no answer: a practice run must not pass, nor start, on silence.
      treatMissingData: "breaching",
      tags: clusterTags(fleet, cluster),
    }, { parent: this });

    const alarms = [{ type: "CLOUDWATCH", alarmIdentifier: outcome.arn }];
    new aws.arczonalshift.ZonalAutoshiftConfiguration(`${name}-config`, {
      resourceArn: args.clusterArn,
      zonalAutoshiftStatus: "ENABLED",
      outcomeAlarms: alarms,
      blockingAlarms: alarms,
      allowedWindows: settings.allowedWindows,
      blockedWindows: settings.blockedWindows,
      blockedDates: settings.blockedDates,
    }, { parent: this });
    this.registerOutputs({});
  }
}
