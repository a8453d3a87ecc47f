import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { CHARTS, LOAD_BALANCER_CONTROLLER_CRDS } from "../../components/chart-versions";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ROOT = path.join(__dirname, "../..");
const RELEASE = "kubernetes:helm.sh/v3:Release";

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

  it.each(["c0", "c1"])("the Load Balancer Controller on %s: the chart's own CRDs as a release of their own, installed first", (cluster) => {
    const crds = find(RELEASE, `${cluster}-lbc-crds`);
    const controller = find(RELEASE, `${cluster}-lbc-release`);
    expect(crds.inputs).toMatchObject({ name: "aws-load-balancer-controller-crds", chart: LOAD_BALANCER_CONTROLLER_CRDS.chart, takeOwnership: true });
    expect(controller.inputs.skipCrds).toBe(true);
    expect(controller.dependsOn).toContain(crds.urn);
    // Resources the Kubernetes provider checks and diffs locally, not a component it builds on every run.
    expect(ev.resources.filter((r) => r.type.startsWith("kubernetes:yaml/"))).toEqual([]);
  });

  it("the local CRD chart holds the controller chart's files, byte for byte, at its version", () => {
    const chart = path.join(ROOT, LOAD_BALANCER_CONTROLLER_CRDS.chart);
    const meta = parse(fs.readFileSync(path.join(chart, "Chart.yaml"), "utf8"));
    expect([LOAD_BALANCER_CONTROLLER_CRDS.chartVersion, meta.version, meta.appVersion]).toEqual([CHARTS.loadBalancerController.version, CHARTS.loadBalancerController.version, `v${CHARTS.loadBalancerController.version}`]);
    // A commit, not a branch or tag that can move under the pinned chart.
    expect(LOAD_BALANCER_CONTROLLER_CRDS.source).toMatch(/^https:\/\/github\.com\/aws\/eks-charts\/tree\/[0-9a-f]{40}\/stable\/aws-load-balancer-controller\/crds$/);
    expect(meta.sources).toEqual([LOAD_BALANCER_CONTROLLER_CRDS.source]);
    expect(fs.readdirSync(path.join(chart, "templates")).sort()).toEqual(Object.keys(LOAD_BALANCER_CONTROLLER_CRDS.files).sort());
    for (const [file, blob] of Object.entries(LOAD_BALANCER_CONTROLLER_CRDS.files)) {
      const bytes = fs.readFileSync(path.join(chart, "templates", file));
      // `git hash-object`: what `git ls-tree` lists for the file at the pinned commit.
      const id = crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      expect({ file, id }).toEqual({ file, id: blob });
      // Served as templates: nothing in them may read as a template action.
      expect(bytes.toString("utf8")).not.toMatch(/\{\{|\}\}/);
      const kinds = parseAllDocuments(bytes.toString("utf8")).map((doc) => doc.toJS()?.kind).filter(Boolean);
      expect(new Set(kinds)).toEqual(new Set(["CustomResourceDefinition"]));
    }
  });
});
