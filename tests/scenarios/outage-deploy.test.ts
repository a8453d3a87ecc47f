import { promote } from "../../cli/failover/promote";
import type { PlanDocument, PlanResource } from "../../cli/plan-document";
import type { FleetSpec } from "../../fleet";
import { apiRegionOf, deployChanges, DOWN, planDuringOutage, PROD, shown } from "../support/outage-play";
import { reconcilersOf } from "../support/reconcilers";

/**
 * Deploying while us-east-1 (prod's primary's and home region) is down, after the promotion:
 * every surviving cluster keeps an agent that applies Git to it, Flux on each cluster and
 * Argo CD on a hub of a surviving region (also once another hub takes over there), and
 * `pulumi up` of the survivors needs nothing in us-east-1: their plan runs with us-east-1
 * unavailable, a change to them calls only their own region, and none of their resources
 * depends on one in us-east-1 but those this file declares, each with why it is safe.
 */
const promoted = (text: string) => promote(text, undefined).text;
/** A cluster's node group in the stack file, resized: the change an outage asks of the survivor. */
const resized = (text: string, cluster: string) => {
  const at = text.indexOf(`- name: ${cluster}\n`);
  const nodes = text.indexOf("min: 2, desired: 3, max: 6", at);
  if (at < 0 || nodes < 0) throw new Error(`no node group of ${cluster} to resize`);
  return text.slice(0, nodes) + "min: 3, desired: 6, max: 12" + text.slice(nodes + "min: 2, desired: 3, max: 6".length);
};
/** Argo CD, with a second cluster in us-west-2 (its hub is the region's first cluster, usw2, unless `gitops.hubs` pins another). */
const argoWithTwoInUsWest2 = (hubs = "") =>
  PROD.replace("gitops: { engine: flux, repoUrl: https://github.com/acme/platform.git, branch: main, path: gitops }", `gitops: { engine: argocd, repoUrl: https://github.com/acme/platform.git, branch: main, path: gitops${hubs} }`) +
  ["      - name: usw2b", "        region: us-west-2", "        role: secondary", "        vpcCidr: 10.40.0.0/16", "        nodes: { instanceTypes: [m6i.large], min: 2, desired: 3, max: 6 }", ""].join("\n");

type Planned = Awaited<ReturnType<typeof planDuringOutage>>;
let base: Planned, survivorResized: Planned, failedResized: Planned, argo: Planned, argoTakeover: Planned;

beforeAll(async () => {
  const text = promoted(PROD);
  base = await planDuringOutage(text);
  survivorResized = await planDuringOutage(resized(text, "usw2"));
  failedResized = await planDuringOutage(resized(text, "use1"));
  argo = await planDuringOutage(promoted(argoWithTwoInUsWest2()));
  argoTakeover = await planDuringOutage(promoted(argoWithTwoInUsWest2(", hubs: { us-west-2: usw2b }")));
}, 300_000);

const plannedOk = (planned: Planned): PlanDocument => {
  if (planned.code !== 0) throw new Error(`plan with ${DOWN} unavailable exited ${planned.code}:\n${planned.printed}`);
  return planned.plan!;
};
const regionOf = (spec: FleetSpec, cluster: string) => spec.clusters.find((c) => c.name === cluster)!.region;

describe("a change to the surviving cluster during the outage, after the promotion", () => {
  it("plans with us-east-1 unavailable: exit 0", () => {
    expect([survivorResized.code, survivorResized.printed]).toEqual([0, expect.stringContaining("usw2  us-west-2  primary")]);
  });

  it("changes only resources of the surviving cluster, each calling its own region", () => {
    const changes = deployChanges(plannedOk(base), plannedOk(survivorResized));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.location !== "us-west-2" || c.cluster !== "usw2").map(shown)).toEqual([]);
    // The node group itself is what grows.
    expect(changes.map(shown)).toContain("changed us-west-2 aws:eks/nodeGroup:NodeGroup usw2-nodes-group");
  });

  it("changes only the surviving cluster's folder of the tree, and its entry in the rollout state", () => {
    const before = new Map(base.tree!.map((f) => [f.path, f.content]));
    const changed = survivorResized.tree!.filter((f) => before.get(f.path) !== f.content).map((f) => f.path);
    expect(changed.filter((file) => !file.startsWith("clusters/usw2/") && file !== "rollout.json")).toEqual([]);
    const entries = (tree: Planned["tree"]) => JSON.parse(tree!.find((f) => f.path === "rollout.json")!.content).clusters;
    const [old, next] = [entries(base.tree), entries(survivorResized.tree)];
    expect(Object.keys(next).filter((c) => JSON.stringify(next[c]) !== JSON.stringify(old[c]))).toEqual(changed.some((f) => f.startsWith("clusters/usw2/")) ? ["usw2"] : []);
  });

  it("the same change to the failed cluster calls only us-east-1: the plan shows it is for after the outage", () => {
    const changes = deployChanges(plannedOk(base), plannedOk(failedResized));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.location !== DOWN).map(shown)).toEqual([]);
  });
});

describe("the surviving side depends on nothing in us-east-1 but what is declared here", () => {
  /**
   * Each declared dependency of a surviving resource on one in us-east-1, by the types on both
   * sides and why a deploy of the survivors never needs it: the dependent is unchanged in
   * such a deploy (`pulumi up --target` gives an untargeted resource its old state; docs/RUNBOOK.md, 2b).
   */
  const DECLARED = (spec: FleetSpec) => {
    const downs = spec.clusters.filter((c) => c.region === DOWN).map((c) => c.name);
    const partnersInDown = spec.clusters.filter((c) => c.region !== DOWN && downs.includes(c.backup.partner)).map((c) => c.name);
    return new Set([
      // A surviving cluster's backups replicate into its partner's bucket: S3 in us-east-1 receives them after the outage.
      ...partnersInDown.flatMap((c) => [
        `${c} aws:iam/role:Role -> aws:kms/key:Key`,
        `${c} aws:iam/role:Role -> aws:s3/bucket:Bucket`,
        `${c} aws:s3/bucketReplicationConfig:BucketReplicationConfig -> aws:kms/key:Key`,
        `${c} aws:s3/bucketReplicationConfig:BucketReplicationConfig -> aws:s3/bucket:Bucket`,
        `${c} aws:s3/bucketReplicationConfig:BucketReplicationConfig -> aws:s3/bucketVersioning:BucketVersioning`,
      ]),
      // A namespace's secret reader names the secret's ARN; the secret's primary copy lives in the home region, its replicas in every other.
      ...(spec.homeRegion === DOWN ? spec.clusters.filter((c) => c.region !== DOWN).map((c) => `${c.name} aws:iam/role:Role -> aws:secretsmanager/secret:Secret`) : []),
      // The fleet's add-on roles (EKS Pod Identity) are made through the home region's provider; a
      // survivor's association and add-on only name the role's ARN, and IAM is global (its data
      // plane answers in every region: IAM User Guide, "Resilience in AWS Identity and Access Management").
      ...(spec.homeRegion === DOWN ? spec.clusters.filter((c) => c.region !== DOWN).flatMap((c) => [
        `${c.name} aws:eks/addon:Addon -> aws:iam/role:Role`,
        `${c.name} aws:eks/podIdentityAssociation:PodIdentityAssociation -> aws:iam/role:Role`,
      ]) : []),
    ]);
  };

  it("no resource of a surviving region depends on one in us-east-1 except the declared ones", () => {
    const plan = plannedOk(base);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const inDown = (r: PlanResource) => r.region === DOWN || (r.type.startsWith("kubernetes:") && apiRegionOf(plan, r) === DOWN);
    const found = new Set<string>();
    for (const r of plan.resources.filter((r) => r.region !== null && r.region !== DOWN && r.cluster !== null)) {
      for (const target of r.dependsOn.map((urn) => byUrn.get(urn)!).filter((t) => t && inDown(t))) found.add(`${r.cluster} ${r.type} -> ${target.type}`);
    }
    expect([...found].sort()).toEqual([...DECLARED(base.spec)].sort());
    expect(found.size).toBeGreaterThan(0);
  });
});

describe("every surviving cluster keeps an agent that applies Git to it", () => {
  it("Flux: each cluster pulls its own folders, with its own controllers", () => {
    expect(reconcilersOf(base.spec, plannedOk(base))).toEqual({ use1: ["use1"], usw2: ["usw2"] });
  });

  it("Argo CD: us-west-2's hub reconciles both clusters there; us-east-1's hub is down with its region", () => {
    const plan = plannedOk(argo);
    expect(argo.spec.hubs.map((h) => h.name)).toEqual(["use1", "usw2"]);
    expect(reconcilersOf(argo.spec, plan)).toEqual({ use1: ["use1"], usw2: ["usw2"], usw2b: ["usw2"] });
  });

  it("Argo CD, a hub taking over in us-west-2 during the outage: it plans with us-east-1 unavailable and reconciles both clusters there, the old hub included", () => {
    const plan = plannedOk(argoTakeover);
    const reconcilers = reconcilersOf(argoTakeover.spec, plan);
    expect(reconcilers).toEqual({ use1: ["use1"], usw2: ["usw2b"], usw2b: ["usw2b"] });
    for (const hub of Object.values(reconcilers).flat()) expect(regionOf(argoTakeover.spec, hub)).toBe(hub === "use1" ? DOWN : "us-west-2");
  });

  it("Argo CD, the hub takeover's deploy: its Kubernetes and EKS changes call us-west-2; its IAM roles need IAM's control plane, in us-east-1", () => {
    const changes = deployChanges(plannedOk(argo), plannedOk(argoTakeover));
    const iam = changes.filter((c) => c.type.startsWith("aws:iam/"));
    expect(changes.filter((c) => !iam.includes(c) && c.location !== "us-west-2").map(shown)).toEqual([]);
    expect(changes.filter((c) => !iam.includes(c)).length).toBeGreaterThan(0);
    // The fleet's one Argo CD role (EKS Pod Identity) stays; the region's spoke roles trust it from
    // the new hub's cluster instead of the old one's: docs/RUNBOOK.md (3) says a takeover waits for
    // IAM when us-east-1 is down.
    expect(iam.map(shown).sort()).toEqual([
      "changed us-east-1 aws:iam/role:Role usw2-argocd-spoke-role",
      "changed us-east-1 aws:iam/role:Role usw2b-argocd-spoke-role",
    ]);
  });
});
