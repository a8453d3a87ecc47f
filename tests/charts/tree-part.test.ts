import * as fs from "fs";
import * as path from "path";
import { ApiObject } from "cdk8s";
import { fleetReplications, keptTreeOf, renderRollout, RenderedFile, replicatedReplications, Select, writeTreeAtomic } from "../../charts";
import { treeOfRendered } from "../../cli/rendered-tree";
import { FleetConfigError, FleetSpec, names, parseFleet } from "../../fleet";
import { evaluateTree } from "../../policies/evaluate-tree";
import { loadTree } from "../../policies/tree";
import { Violation } from "../../policies/violation";
import { fleetConfig } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";
import { Manifest, readerClusterRole, webDeployment } from "./render-helpers";

/**
 * The part of the tree one stack's agents apply (`plan --only-stack`, the stack's CrossGuard
 * run): rendered alone, each cluster's folder is byte for byte what the whole render gives it,
 * and the manifest rules find in it what they find in that folder of the whole tree.
 */

/** Four clusters in three waves (c2 canary; c1, c3 standbys; c0 primary), pilot light. */
const raw = fleetConfig(4, { standby: "pilot-light" });
const fleet: FleetSpec = parseFleet(raw, "us-east-1");
/** A Role that grants everything: a violation wherever it is rendered. */
const everything: Manifest = {
  apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "everything", namespace: "payments" },
  rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
};

/**
 * The fleet's charts and: an app and a ClusterRole a new version changes, the ClusterRole
 * overridden on c1 (a recorded override), a ConfigMap placed on c0 and c2 only (a recorded
 * placement), and with `bad`, the wildcard Role on c3 only.
 */
const replications = (version: string, bad = false) => {
  const [web, role, placed, wildcard] = replicatedReplications([
    { file: "apps/web.yaml", layer: "apps", objects: [webDeployment(`web:${version}`)] },
    { file: "platform/reader.yaml", layer: "platform", objects: [readerClusterRole(version)] },
    { file: "platform/placed.yaml", layer: "platform", objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "placed", namespace: "payments" }, data: { version } }] },
    { file: "platform/everything.yaml", layer: "platform", objects: [everything] },
  ]);
  return [
    ...fleetReplications(fleet, []),
    web,
    role.override(Select.name("c1"), (object: ApiObject) => object.metadata.addLabel("reader", "c1")),
    placed.toClusters("c0", "c2"),
    ...(bad ? [wildcard.toClusters("c3")] : []),
  ];
};

const renders = new Map<string, RenderedFile[]>();
/** The tree (or the part `clusters` names) at `version`, after `previous`; each rendered once per file. */
function render(version: string, previous?: readonly RenderedFile[], clusters?: readonly string[], bad = false): RenderedFile[] {
  const key = JSON.stringify([version, previous?.find((f) => f.path === names.ROLLOUT_STATE_FILE)?.content, clusters, bad]);
  if (!renders.has(key)) renders.set(key, renderRollout(fleet, { replications: replications(version, bad), kept: previous ? keptTreeOf(previous) : undefined, clusters }).files);
  return renders.get(key)!;
}
const folderOf = (files: readonly RenderedFile[], cluster: string) => files.filter((f) => f.path.startsWith(`clusters/${cluster}/`));
const byRuleAndFile = (violations: readonly Violation[]) => violations.map((v) => `${v.policy} ${v.file}: ${v.message}`).sort();

/** The whole tree, committed (written once per tree). */
const committed = new Map<readonly RenderedFile[], string>();
/** What the stack's CrossGuard run judges of the tree: the part of the committed tree on disk. */
function packView(files: readonly RenderedFile[], cluster: string): Violation[] {
  let dir = committed.get(files);
  if (!dir) {
    committed.set(files, (dir = path.join(tempDir("tree-part-"), "gitops")));
    writeTreeAtomic(dir, files);
  }
  return evaluateTree(loadTree(dir, [cluster]));
}

describe("the part of the tree a cluster's stack applies", () => {
  const v1 = render("v1");
  // v2 reaches the canary (c2) only: c0, c1 and c3 keep v1's files, in the running form of their role.
  const v2 = render("v2", v1);
  // The wildcard Role on c3, in a first render (a later one keeps c3's files until its wave is promoted).
  const bad = render("v1", undefined, undefined, true);

  it("is each cluster's folder of the whole render, byte for byte: first wave, kept waves, an override and a placement", () => {
    expect(fleet.waves.map((w) => w.clusters.join())).toEqual(["c2", "c1,c3", "c0"]);
    // The states the comparison covers: c2 takes v2, the others keep v1; c1's ClusterRole is overridden; the placed ConfigMap is on c0 and c2 only.
    expect(folderOf(v2, "c2")).not.toEqual(folderOf(v1, "c2"));
    expect(folderOf(v2, "c0")).toEqual(folderOf(v1, "c0"));
    expect(folderOf(v2, "c1").find((f) => f.path.endsWith("clusterrole-payments-reader.yaml"))!.content).toContain("reader: c1");
    expect(v2.filter((f) => f.path.endsWith("configmap-payments-placed.yaml")).map((f) => f.path.split("/")[1])).toEqual(["c0", "c2"]);
    for (const [version, previous, whole] of [["v1", undefined, v1], ["v2", v1, v2]] as const) {
      for (const cluster of fleet.clusters.map((c) => c.name)) {
        const part = render(version, previous, [cluster]);
        expect(folderOf(part, cluster)).toEqual(folderOf(whole, cluster));
        // Nothing of another cluster's, and none of the fleet's own files but the override record's entries.
        expect([...new Set(part.map((f) => (f.path.startsWith("clusters/") ? f.path.split("/")[1] : f.path)))].sort()).toEqual(part.some((f) => f.path === names.OVERRIDE_RECORD_FILE) ? [cluster, names.OVERRIDE_RECORD_FILE] : [cluster]);
      }
    }
  });

  it("is judged as the stack's CrossGuard run judges that part of the committed tree", () => {
    for (const [version, previous, whole, withBad] of [["v1", undefined, v1, false], ["v2", v1, v2, false], ["v1", undefined, bad, true]] as const) {
      for (const cluster of fleet.clusters.map((c) => c.name)) {
        const part = render(version, previous, [cluster], withBad);
        expect(byRuleAndFile(evaluateTree(treeOfRendered(part)))).toEqual(byRuleAndFile(packView(whole, cluster)));
      }
    }
  });

  it("reports a violation in its own folder, and leaves one in another cluster's folder to that cluster's stack", () => {
    const wildcard = (violations: readonly Violation[]) => [...new Set(violations.filter((v) => v.policy === "rbac-no-wildcard").map((v) => v.file))];
    expect(wildcard(evaluateTree(treeOfRendered(bad)))).toEqual(["clusters/c3/platform/role-payments-everything.yaml"]);
    expect(wildcard(evaluateTree(treeOfRendered(render("v1", undefined, ["c3"], true))))).toEqual(["clusters/c3/platform/role-payments-everything.yaml"]);
    for (const other of ["c0", "c1", "c2"]) expect(wildcard(evaluateTree(treeOfRendered(render("v1", undefined, [other], true))))).toEqual([]);
    // The CrossGuard run of c3's stack reports it too; c0's does not.
    expect(wildcard(packView(bad, "c3"))).toEqual(["clusters/c3/platform/role-payments-everything.yaml"]);
    expect(wildcard(packView(bad, "c0"))).toEqual([]);
  });

  it("refuses a hand edit to its own kept files, and is not the judge of another cluster's", () => {
    const edited = v2.map((f) => (f.path === "clusters/c0/apps/deployment-payments-web.yaml" ? { ...f, content: f.content.replace("web:v1", "web:v9") } : f));
    const problems = (clusters?: string[]) => {
      try {
        renderRollout(fleet, { replications: replications("v2"), kept: keptTreeOf(edited), clusters });
        return [];
      } catch (err) {
        if (!(err instanceof FleetConfigError)) throw err;
        return err.problems.map((p) => p.path);
      }
    };
    expect(problems()).toEqual(["gitops/clusters/c0"]);
    expect(problems(["c0"])).toEqual(["gitops/clusters/c0"]);
    expect(problems(["c2"])).toEqual([]);
    expect(problems(["c3"])).toEqual([]);
  });
});

describe("loadTree of a part", () => {
  it("reads those clusters' folders and the override record, nothing of the fleet's other files", () => {
    const dir = path.join(tempDir("tree-part-"), "gitops");
    writeTreeAtomic(dir, render("v1"));
    fs.writeFileSync(path.join(dir, "stray.yaml"), "kind: ConfigMap\n");
    const whole = loadTree(dir);
    const part = loadTree(dir, ["c1"]);
    expect(part.clusters).toEqual(["c1"]);
    expect([...new Set(part.objects.map((o) => o.cluster))]).toEqual(["c1"]);
    expect(part.objects).toEqual(whole.objects.filter((o) => o.cluster === "c1"));
    expect(part.overrides).toEqual(whole.overrides);
    // The stray file at the root is the whole tree's concern.
    expect(whole.layout!.map((l) => l.file)).toContain("stray.yaml");
    expect(part.layout).toEqual([]);
  });
});
