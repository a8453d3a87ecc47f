import * as YAML from "yaml";
import { keptTreeOf, renderRollout, RenderedFile, replicatedReplications, fleetReplications } from "../../charts";
import { FleetConfigError, FleetSpec, parseFleet } from "../../fleet";
import { treeOfRendered } from "../../cli/rendered-tree";
import { evaluateTree } from "../../policies/evaluate-tree";
import { fleetConfig } from "../fixtures/fleets";
import { Manifest, readerClusterRole, webDeployment } from "./render-helpers";

/** Three clusters (c0 primary, c1 takeover, c2 canary), pilot light, an app and a CRD whose text a change edits. */
const fleetAt = (roles: ("primary" | "secondary")[] = ["primary", "secondary", "secondary"]) => {
  const raw = fleetConfig(3, { standby: "pilot-light" });
  raw.clusters = raw.clusters.map((c: any, i: number) => ({ ...c, role: roles[i] }));
  return parseFleet(raw, "us-east-1");
};
const replications = (fleet: FleetSpec, version: string) => [
  ...fleetReplications(fleet, []),
  ...replicatedReplications([
    { file: "apps/web.yaml", layer: "apps", objects: [webDeployment(`web:${version}`)] },
    { file: "platform/reader.yaml", layer: "platform", objects: [readerClusterRole(version)] },
  ]),
];
const render = (fleet: FleetSpec, version: string, previous?: readonly RenderedFile[], change = {}) =>
  renderRollout(fleet, { replications: replications(fleet, version), kept: previous ? keptTreeOf(previous) : undefined, change });

const fileOf = (files: readonly RenderedFile[], file: string) => files.find((f) => f.path === file)?.content;
const object = (files: readonly RenderedFile[], cluster: string, layer: string, name: string): Manifest => YAML.parse(fileOf(files, `clusters/${cluster}/${layer}/${name}`)!);
const web = (files: readonly RenderedFile[], cluster: string) => object(files, cluster, "apps", "deployment-payments-web.yaml");
const changedClusters = (before: readonly RenderedFile[], after: readonly RenderedFile[]) =>
  [...new Set(after.filter((f) => f.path.startsWith("clusters/") && fileOf(before, f.path) !== f.content).map((f) => f.path.split("/")[1]))].sort();

describe("a change to the fleet's manifests reaches the first wave only", () => {
  const fleet = fleetAt();
  const v1 = render(fleet, "v1").files;
  const v2 = render(fleet, "v2", v1);

  it("renders the new files for the first wave and keeps every later wave's files byte for byte", () => {
    expect(fleet.waves.map((w) => w.clusters.join())).toEqual(["c2", "c1", "c0"]);
    expect(changedClusters(v1, v2.files)).toEqual(["c2"]);
    expect(web(v2.files, "c2").spec.template.spec.containers[0].image).toBe("web:v2");
    expect(web(v2.files, "c0").spec.template.spec.containers[0].image).toBe("web:v1");
    expect(v2.kept).toEqual(["c0", "c1"]);
  });

  it("rollout.json records each cluster's wave, version and the digest of what it runs", () => {
    const state = JSON.parse(fileOf(v2.files, "rollout.json")!);
    expect(Object.keys(state.clusters)).toEqual(["c0", "c1", "c2"]);
    expect(state.clusters.c2.digest).not.toBe(JSON.parse(fileOf(v1, "rollout.json")!).clusters.c2.digest);
    expect(state.clusters.c0).toEqual(JSON.parse(fileOf(v1, "rollout.json")!).clusters.c0);
  });

  it("re-rendering the same source changes nothing", () => {
    expect(render(fleet, "v2", v2.files).files).toEqual(v2.files);
  });

  it("a promotion gives the wave the current source and records when and from which commit", () => {
    const promoted = render(fleet, "v2", v2.files, { promote: { waves: ["standbys"], at: "2026-12-03T10:00:00Z", revision: "abc1234" } });
    expect(changedClusters(v2.files, promoted.files)).toEqual(["c1"]);
    expect(web(promoted.files, "c1").spec.template.spec.containers[0].image).toBe("web:v2");
    expect(JSON.parse(fileOf(promoted.files, "rollout.json")!).clusters.c1.promoted).toEqual({ at: "2026-12-03T10:00:00Z", revision: "abc1234" });
    expect(promoted.kept).toEqual(["c0"]);
  });

  it("the consistency rule accepts a tree in the middle of a rollout: each kept copy is recorded with its digest", () => {
    const consistency = (files: readonly RenderedFile[]) => evaluateTree(treeOfRendered(files)).filter((v) => v.policy === "manifests-fleet-consistent");
    expect(consistency(v2.files)).toEqual([]);
    const record = JSON.parse(fileOf(v2.files, "overrides.json")!);
    expect(record.overrides).toEqual(expect.arrayContaining([expect.objectContaining({ object: "ClusterRole /payments-reader", cluster: "c0", replication: "rollout: wave primary not promoted yet" })]));
    // Without the record the waves' two ClusterRoles are a drift the rule reports.
    const unrecorded = v2.files.map((f) => (f.path === "overrides.json" ? { ...f, content: JSON.stringify({ overrides: [], placements: [] }) } : f));
    expect(consistency(unrecorded).map((v) => v.file)).toEqual(expect.arrayContaining(["clusters/c2/platform/clusterrole-payments-reader.yaml"]));
  });

  it("refuses a kept file edited by hand, naming the cluster", () => {
    const edited = v2.files.map((f) => (f.path === "clusters/c0/apps/deployment-payments-web.yaml" ? { ...f, content: f.content.replace("web:v1", "web:v9") } : f));
    expect(() => render(fleet, "v2", edited)).toThrow(FleetConfigError);
    expect(() => render(fleet, "v2", edited)).toThrow("gitops/clusters/c0: differs from what wave 'primary' was promoted to (rollout.json)");
  });
});

describe("a failover in the middle of a rollout reaches every wave at once", () => {
  const before = fleetAt();
  const v1 = render(before, "v1").files;
  const v2 = render(before, "v2", v1).files;
  // c1, the takeover standby, becomes the primary; its wave has not been promoted to v2.
  const after = fleetAt(["secondary", "primary", "secondary"]);
  const failedOver = render(after, "v2", v2).files;

  it("scales the promoted pilot light up and the demoted primary down, on kept waves too", () => {
    expect([web(v2, "c0").spec.replicas, web(v2, "c1").spec.replicas]).toEqual([4, 0]);
    expect([web(failedOver, "c0").spec.replicas, web(failedOver, "c1").spec.replicas]).toEqual([0, 4]);
  });

  it("without shipping the unpromoted change: the kept waves still run v1", () => {
    for (const cluster of ["c0", "c1"]) {
      expect(web(failedOver, cluster).spec.template.spec.containers[0].image).toBe("web:v1");
      expect(object(failedOver, cluster, "platform", "clusterrole-payments-reader.yaml").rules[0].verbs).toEqual(["get"]);
    }
    expect(web(failedOver, "c2").spec.template.spec.containers[0].image).toBe("web:v2");
  });

  it("moves the health answers and fleet-info's role keys on every wave", () => {
    const answers = (files: readonly RenderedFile[], cluster: string) => Object.keys(object(files, cluster, "traffic", "configmap-ingress-health-answers.yaml").data ?? {});
    expect([answers(failedOver, "c0"), answers(failedOver, "c1")]).toEqual([[], ["serving"]]);
    expect(object(failedOver, "c1", "platform", "configmap-kube-public-fleet-info.yaml").data).toMatchObject({ role: "primary", serves: "true" });
    expect(object(failedOver, "c0", "platform", "configmap-kube-public-fleet-info.yaml").data).toMatchObject({ role: "secondary", serves: "false" });
  });

  it("keeps the kept waves' digests and versions, though the failover reshuffles the derived waves", () => {
    expect(after.waves.map((w) => w.clusters.join())).not.toEqual(before.waves.map((w) => w.clusters.join()));
    const state = (files: readonly RenderedFile[]) => JSON.parse(fileOf(files, "rollout.json")!).clusters;
    expect(state(failedOver).c0.digest).toBe(state(v2).c0.digest);
    expect(state(failedOver).c1.digest).toBe(state(v2).c1.digest);
  });
});
