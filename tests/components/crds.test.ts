import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { CHARTS, LOAD_BALANCER_CONTROLLER_CRDS } from "../../components/chart-versions";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

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

  it.each(["c0", "c1"])("the Load Balancer Controller on %s: the chart's own CRDs, applied first", (cluster) => {
    const crds = ev.resources.filter((r) => r.type === CRD && r.name.startsWith(`${cluster}-lbc-`));
    expect(crds.map((c) => (c.inputs.metadata as { name: string }).name).sort()).toEqual([
      "albtargetcontrolconfigs.elbv2.k8s.aws", "globalaccelerators.aga.k8s.aws", "ingressclassparams.elbv2.k8s.aws", "listenerruleconfigurations.gateway.k8s.aws",
      "loadbalancerconfigurations.gateway.k8s.aws", "targetgroupbindings.elbv2.k8s.aws", "targetgroupconfigurations.gateway.k8s.aws",
    ]);
    const controller = find(RELEASE, `${cluster}-lbc-release`);
    expect(controller.inputs.skipCrds).toBe(true);
    for (const crd of crds) expect(controller.dependsOn).toContain(crd.urn);
    // Resources the Kubernetes provider diffs locally, not a component it builds on every run.
    expect(ev.resources.filter((r) => r.type.startsWith("kubernetes:yaml/"))).toEqual([]);
  });

  it("the copied CRD files are the chart's, byte for byte, at the pinned chart version", () => {
    expect(LOAD_BALANCER_CONTROLLER_CRDS.chartVersion).toBe(CHARTS.loadBalancerController.version);
    // A commit, not a branch or tag that can move under the pinned chart.
    expect(LOAD_BALANCER_CONTROLLER_CRDS.source).toMatch(/^https:\/\/github\.com\/aws\/eks-charts\/tree\/[0-9a-f]{40}\/stable\/aws-load-balancer-controller\/crds$/);
    for (const [file, blob] of Object.entries(LOAD_BALANCER_CONTROLLER_CRDS.files)) {
      const bytes = fs.readFileSync(path.join(__dirname, "../../components", LOAD_BALANCER_CONTROLLER_CRDS.directory, file));
      // `git hash-object`: what `git ls-tree` lists for the file at the pinned commit.
      const id = crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      expect({ file, id }).toEqual({ file, id: blob });
    }
  });
});
