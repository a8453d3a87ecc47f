import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { CHARTS, LOAD_BALANCER_CONTROLLER_CRDS } from "../../components/chart-versions";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";

describe("CRDs that upgrade with their controllers, not through Helm's crds/", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), "123456789012");
  });
  const find = (type: string, name: string) => ev.resources.find((r) => r.type === type && r.name === name) as RecordedResource;

  it.each(["c0", "c1"])("Karpenter on %s: the karpenter-crd chart at the controller's version, installed first", (cluster) => {
    const crds = find(RELEASE, `${cluster}-karpenter-crds`);
    const controller = find(RELEASE, `${cluster}-karpenter-release`);
    expect(crds.inputs).toMatchObject({ name: "karpenter-crd", chart: `${CHARTS.karpenterCrd.repo}/karpenter-crd`, version: CHARTS.karpenter.version, takeOwnership: true });
    expect(CHARTS.karpenterCrd.version).toBe(CHARTS.karpenter.version);
    expect(controller.inputs.skipCrds).toBe(true);
    expect(controller.dependsOn).toContain(crds.urn);
  });

  it.each(["c0", "c1"])("the Load Balancer Controller on %s: the chart's own CRD files at a pinned commit, applied first", (cluster) => {
    const files = ev.resources.filter((r) => r.type === CONFIG_FILE && r.name.startsWith(`${cluster}-lbc-`));
    expect(files.map((f) => f.inputs.file).sort()).toEqual([...LOAD_BALANCER_CONTROLLER_CRDS].sort());
    // A commit, not a branch or tag that can move under the pinned chart.
    for (const url of LOAD_BALANCER_CONTROLLER_CRDS) expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/aws\/eks-charts\/[0-9a-f]{40}\/stable\/aws-load-balancer-controller\/crds\/[a-z-]+\.yaml$/);
    const controller = find(RELEASE, `${cluster}-lbc-release`);
    expect(controller.inputs.skipCrds).toBe(true);
    for (const file of files) expect(controller.dependsOn).toContain(file.urn);
  });
});
