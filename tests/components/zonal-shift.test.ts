import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const EKS = "aws:eks/cluster:Cluster";
const AUTOSHIFT = "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);

describe("zonal shift", () => {
  let plain: Evaluation;
  let autoshift: Evaluation;
  beforeAll(async () => {
    plain = await evaluateProgram(stackConfig(fleetConfig(2)), ACCOUNT);
    autoshift = await evaluateProgram(stackConfig(fleetConfig(2, { zonalAutoshift: { blockedWindows: ["Mon:00:00-Mon:08:00"], blockedDates: ["2026-12-24"] } })), ACCOUNT);
  });

  it("registers every cluster with ARC zonal shift, so its traffic can be moved off an impaired zone", () => {
    for (const ev of [plain, autoshift]) {
      const clusters = ofType(ev, EKS);
      expect(clusters).toHaveLength(2);
      for (const c of clusters) expect([c.inputs.name, c.inputs.zonalShiftConfig]).toEqual([c.inputs.name, { enabled: true }]);
    }
  });

  it("leaves zonal autoshift off unless the stack asks for it", () => {
    expect(ofType(plain, AUTOSHIFT)).toEqual([]);
    expect(ofType(plain, ALARM).filter((a) => String(a.inputs.name).includes("zonal"))).toEqual([]);
  });

  it("with zonalAutoshift, lets AWS shift each cluster, practising weekly against an alarm on its own gateway", () => {
    const graph = new DependencyGraph(autoshift.resources);
    const configs = ofType(autoshift, AUTOSHIFT);
    expect(configs).toHaveLength(2);
    for (const config of configs) {
      const cluster = ofType(autoshift, EKS).find((c) => config.inputs.resourceArn === `arn:aws:eks:${c.region}:${ACCOUNT}:cluster/${c.inputs.name}`)!;
      expect(cluster).toBeDefined();
      expect(config.region).toBe(cluster.region);
      expect(config.inputs).toMatchObject({ zonalAutoshiftStatus: "ENABLED", blockedWindows: ["Mon:00:00-Mon:08:00"], blockedDates: ["2026-12-24"] });
      expect(config.inputs.allowedWindows).toBeUndefined();
      // ARC needs the cluster registered for zonal shift first.
      expect(graph.waitsFor(config.urn, cluster.urn)).toBe(true);

      // The outcome alarm: in the cluster's region (ARC requires it), on the healthy gateway
      // targets of the cluster's own load balancer; it also blocks a practice run from starting
      // while the gateway is already down.
      const [outcome] = config.inputs.outcomeAlarms as any[];
      expect(config.inputs.outcomeAlarms).toHaveLength(1);
      expect(config.inputs.blockingAlarms).toEqual(config.inputs.outcomeAlarms);
      const alarm = ofType(autoshift, ALARM).find((a) => outcome.alarmIdentifier === `arn:aws:cloudwatch:${a.region}:${ACCOUNT}:alarm:${a.inputs.name}`)!;
      expect(outcome.type).toBe("CLOUDWATCH");
      expect(alarm.region).toBe(cluster.region);
      expect(alarm.inputs).toMatchObject({ namespace: "AWS/NetworkELB", metricName: "HealthyHostCount", comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
      const clusterName = String(cluster.inputs.name).replace(/^prod-/, "");
      const targetGroup = autoshift.resources.find((r) => r.name === `${clusterName}-lb-gateway`)!;
      const loadBalancer = autoshift.resources.find((r) => r.name === `${clusterName}-lb` && r.type === "aws:lb/loadBalancer:LoadBalancer")!;
      expect(graph.waitsFor(alarm.urn, targetGroup.urn) && graph.waitsFor(alarm.urn, loadBalancer.urn)).toBe(true);
      expect(alarm.inputs.dimensions).toEqual({ LoadBalancer: expect.stringMatching(/^net\//), TargetGroup: expect.stringMatching(/^targetgroup\//) });
    }
  });
});
