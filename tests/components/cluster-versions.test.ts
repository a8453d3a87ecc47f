import { comparePlans } from "../../cli/diff/compare-plans";
import { replacingKeys } from "../../cli/diff/replacement";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { planDocument } from "../../cli/plan-document";
import { ebsCsiStatements, EBS_CSI_CLUSTER_TAG } from "../../components/ebs-csi-driver";
import { CHARTS } from "../../components/chart-versions";
import { controllerVersionsProblem, CORE_ADDON_VERSIONS, EBS_CSI_CLUSTER_TAG_SINCE, KARPENTER_KUBERNETES, parseFleet } from "../../fleet";
import { EKS_VERSIONS, offeredVersions } from "../../fleet/versions";
import { CURRENT_VERSION, fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ADDON = "aws:eks/addon:Addon";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const EKS = "aws:eks/cluster:Cluster";

/** `v1.64.0-eksbuild.1` → [1, 64, 0]. */
const semver = (addonVersion: string) => /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.\d+$/.exec(addonVersion)?.slice(1).map(Number);
const atLeast = (version: number[], floor: number[]) => {
  for (let i = 0; i < floor.length; i++) if (version[i] !== floor[i]) return version[i] > floor[i];
  return true;
};

/** Every version a cluster may run today: EKS offers it (released, not past extended support). */
const offered = offeredVersions(new Date());

describe("the add-on versions table", () => {
  it("pins, for every version EKS offers, an EBS CSI driver that tags the volumes its role requires", () => {
    // The role's write statements are conditioned on the tag; a driver older than the floor never sets it.
    const conditions = JSON.stringify(ebsCsiStatements(ACCOUNT).map((s: any) => s.Condition ?? {}));
    expect(conditions).toContain(`aws:RequestTag/${EBS_CSI_CLUSTER_TAG}`);
    const floor = EBS_CSI_CLUSTER_TAG_SINCE.split(".").map(Number);
    expect(offered.length).toBeGreaterThan(0);
    for (const version of offered) {
      const pinned = CORE_ADDON_VERSIONS[version]?.ebsCsiDriver;
      expect({ version, pinned, tagsVolumes: pinned !== undefined && semver(pinned) !== undefined && atLeast(semver(pinned)!, floor) }).toEqual({ version, pinned, tagsVolumes: true });
    }
  });
});

describe("the controllers' supported Kubernetes versions", () => {
  it("reads the range of the Karpenter version the charts pin", () => {
    expect(CHARTS.karpenter.version.split(".").slice(0, 2).join(".")).toBe(KARPENTER_KUBERNETES.karpenter);
  });

  it("covers every version EKS offers today or later, and refuses one outside it", () => {
    const now = new Date();
    const current = EKS_VERSIONS.filter((v) => new Date(v.endOfExtended) > now).map((v) => v.version);
    expect(current.length).toBeGreaterThan(0);
    for (const version of current) expect([version, controllerVersionsProblem(version)]).toEqual([version, undefined]);
    const above = `1.${Number(KARPENTER_KUBERNETES.max.split(".")[1]) + 1}`;
    expect(controllerVersionsProblem(above)).toBe(
      `Karpenter ${KARPENTER_KUBERNETES.karpenter}, the version the fleet pins, supports Kubernetes ${KARPENTER_KUBERNETES.min} to ${KARPENTER_KUBERNETES.max} only: bump it in components/chart-versions.ts (and KARPENTER_KUBERNETES in fleet/versions.ts, from Karpenter's compatibility matrix) before moving to ${above}`,
    );
    expect(controllerVersionsProblem("1.25")).toBeDefined();
  });
});

describe("add-ons and nodes follow their cluster's version", () => {
  let ev: Evaluation;
  let graph: DependencyGraph;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2)), ACCOUNT);
    graph = new DependencyGraph(ev.resources);
  });

  it("installs the EBS CSI add-on at its pinned version, after the control plane, resetting edits made out of band", () => {
    const addons = ev.resources.filter((r) => r.type === ADDON && r.inputs.addonName === "aws-ebs-csi-driver");
    expect(addons).toHaveLength(2);
    for (const addon of addons) {
      expect(addon.inputs).toMatchObject({ addonVersion: CORE_ADDON_VERSIONS[CURRENT_VERSION].ebsCsiDriver, resolveConflictsOnUpdate: "OVERWRITE" });
      const cluster = ev.resources.find((r) => r.type === EKS && r.inputs.name === addon.inputs.clusterName)!;
      expect(graph.waitsFor(addon.urn, cluster.urn)).toBe(true);
    }
  });

  it("runs every managed node group at its cluster's Kubernetes version, updated after the control plane", () => {
    const groups = ev.resources.filter((r) => r.type === NODE_GROUP);
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      const cluster = ev.resources.find((r) => r.type === EKS && r.inputs.name === group.inputs.clusterName)!;
      expect([group.name, group.inputs.version]).toEqual([group.name, cluster.inputs.version]);
      expect(graph.waitsFor(group.urn, cluster.urn)).toBe(true);
      // The AMI release is EKS's latest for that version, chosen at creation and at each version update.
      expect(group.inputs.releaseVersion).toBeUndefined();
    }
  });

  it("moves the nodes and every add-on with a control-plane upgrade, in place", async () => {
    // From the version before CURRENT_VERSION (both offered today) to CURRENT_VERSION.
    const previous = offered[offered.indexOf(CURRENT_VERSION) - 1];
    expect(previous).toBeDefined();
    const baseConfig = fleetConfig(2, { kubernetesVersion: previous, extendedSupport: true });
    const before = await evaluateProgram(stackConfig(baseConfig), ACCOUNT);
    const base = planDocument("test", parseFleet(baseConfig, "us-east-1"), before.resources, []);
    const head = planDocument("test", parseFleet(fleetConfig(2), "us-east-1"), ev.resources, []);
    const changed = new Map([...comparePlans(base, head).resources.values()].flatMap((g) => g.changed).map((c) => [c.resource.urn, c]));
    for (const [type, addonName, key, expected] of [
      [EKS, undefined, "version", CURRENT_VERSION],
      [NODE_GROUP, undefined, "version", CURRENT_VERSION],
      [ADDON, "aws-ebs-csi-driver", "addonVersion", CORE_ADDON_VERSIONS[CURRENT_VERSION].ebsCsiDriver],
      [ADDON, "vpc-cni", "addonVersion", CORE_ADDON_VERSIONS[CURRENT_VERSION].vpcCni],
      [ADDON, "kube-proxy", "addonVersion", CORE_ADDON_VERSIONS[CURRENT_VERSION].kubeProxy],
      [ADDON, "coredns", "addonVersion", CORE_ADDON_VERSIONS[CURRENT_VERSION].coreDns],
    ] as const) {
      const resources = head.resources.filter((r) => r.type === type && (addonName === undefined || r.inputs.addonName === addonName));
      expect([type, addonName, resources.length]).toEqual([type, addonName, 2]);
      for (const r of resources) {
        expect([r.name, r.inputs[key]]).toEqual([r.name, expected]);
        const before = base.resources.find((b) => b.urn === r.urn)!;
        if (before.inputs[key] === expected) continue;
        // Changed with the upgrade, and updated where it stands (no replacement, no new nodes group).
        expect([r.name, changed.get(r.urn)?.keys, replacingKeys(type, changed.get(r.urn)!.keys)]).toEqual([r.name, expect.arrayContaining([`inputs.${key}`]), []]);
      }
    }
    // The control plane and the nodes always move; the node group after the control plane.
    expect(head.resources.filter((r) => r.type === NODE_GROUP).every((r) => changed.has(r.urn))).toBe(true);
  });
});
