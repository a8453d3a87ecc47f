import { eksVersion } from "../../fleet/versions";
import { resourcePolicies } from "../../policies/evaluate";
import { versionPolicies } from "../../policies/versions";
import { changed, resource, resourceMessages } from "./harness";

/** The cluster as aws.eks.Cluster takes it (the program builds no @pulumi/eks component). */
const awsCluster = (version: string, supportType?: string) =>
  resource("aws:eks/cluster:Cluster", "use1-eks", { name: "prod-use1", version, ...(supportType ? { upgradePolicy: { supportType } } : {}) });

const on = (iso: string) => {
  const [standard, ending] = versionPolicies(() => new Date(`${iso}T12:00:00Z`));
  return { standard, ending };
};

describe("the version policies, judged on the day they run", () => {
  const { endOfStandard, endOfExtended } = eksVersion("1.35")!;

  it("pass a version well inside standard support", async () => {
    const { standard, ending } = on("2026-12-03");
    expect(await resourceMessages(standard, awsCluster("1.35"))).toEqual([]);
    expect(await resourceMessages(ending, awsCluster("1.35"))).toEqual([]);
  });

  it("warn, without failing, in the last 60 days of standard support", async () => {
    const { standard, ending } = on("2027-02-15");
    expect(await resourceMessages(standard, awsCluster("1.35"))).toEqual([]);
    expect(await resourceMessages(ending, awsCluster("1.35"))).toEqual([
      `Kubernetes 1.35 leaves EKS standard support on ${endOfStandard} (in 40 days); from then on the plan fails unless the stack opts in to extended support ($0.60 instead of $0.10 per cluster-hour). Upgrade to 1.36 before then.`,
    ]);
    // 61 days before: still quiet.
    expect(await resourceMessages(on("2027-01-25").ending, awsCluster("1.35"))).toEqual([]);
  });

  it("fail a version past its standard support unless the stack opted in to extended support", async () => {
    const { standard, ending } = on("2027-04-01");
    const message = `Kubernetes 1.35 left EKS standard support on ${endOfStandard}: the cluster bills extended support ($0.60 instead of $0.10 per cluster-hour) until ${endOfExtended}. Upgrade one minor version at a time (next: 1.36) to one in standard support (1.36), or opt in with fleet key extendedSupport: true.`;
    expect(await resourceMessages(standard, awsCluster("1.35"))).toEqual([message]);
    expect(await resourceMessages(ending, awsCluster("1.35"))).toEqual([]);

    expect(await resourceMessages(standard, awsCluster("1.35", "STANDARD"))).toEqual([
      `Kubernetes 1.35 left EKS standard support on ${endOfStandard}: with upgradePolicy STANDARD, EKS upgrades the control plane on its own, behind this program. Upgrade one minor version at a time (next: 1.36) to one in standard support (1.36), or opt in with fleet key extendedSupport: true.`,
    ]);

    // Opted in: allowed, and the advisory names the price until the end.
    expect(await resourceMessages(standard, awsCluster("1.35", "EXTENDED"))).toEqual([]);
    expect(await resourceMessages(ending, awsCluster("1.35", "EXTENDED"))).toEqual([
      `Kubernetes 1.35 runs on EKS extended support ($0.60 instead of $0.10 per cluster-hour) until ${endOfExtended}, when EKS upgrades the control plane itself. Upgrade one minor version at a time (next: 1.36).`,
    ]);
  });

  it("fail, even opted in, a version past its end of extended support, an unknown one and an unpinned one", async () => {
    const { standard } = on("2028-04-01");
    expect(await resourceMessages(standard, awsCluster("1.35", "EXTENDED"))).toEqual([expect.stringMatching(/^Kubernetes version '1\.35' reached the end of extended support on 2028-03-27 /)]);
    expect(await resourceMessages(standard, awsCluster("1.99"))).toEqual([expect.stringMatching(/^Kubernetes version '1\.99' is not a version EKS offers; /)]);
    expect(await resourceMessages(on("2027-04-01").standard, changed(awsCluster("1.36"), (r) => delete r.inputs.version))).toEqual([
      "No Kubernetes version is pinned, so EKS picks one. Set version (fleet key kubernetesVersion) to one in standard support (1.36).",
    ]);
  });

  it("run in every plan and in the CrossGuard pack", () => {
    expect(resourcePolicies.map((p) => p.name)).toEqual(expect.arrayContaining(["eks-version-standard-support", "eks-version-support-ending"]));
  });
});
