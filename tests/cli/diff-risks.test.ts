import { parseFleet } from "../../fleet";
import { comparePlans, emptyPlan } from "../../cli/diff/compare-plans";
import { renderDiff } from "../../cli/diff/markdown";
import { assessRisks, foldRisks, Risk } from "../../cli/diff/risks";
import { topologyOf } from "../../cli/diff/topology";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { PlanDocument, planDocument } from "../../cli/plan-document";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/**
 * Each scenario is the `eks-fleet:fleet` value of a stack file before and after a change.
 * Two heads carry two independent changes each, so four plans cover six risks.
 */
const twoClusters = fleetConfig(2);
const argocdActiveActive = () => {
  const raw = fleetConfig(2, { mode: "active-active", gitops: { ...twoClusters.gitops, engine: "argocd" } });
  raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
  return raw;
};
const STACKS: Record<string, Record<string, any>> = {
  twoClusters,
  threeClusters: fleetConfig(3),
  // Engine switch flux → argocd, and DNS mode active-passive → active-active.
  argocdActiveActive: argocdActiveActive(),
  // Role flip, and a new secret (External Secrets may read one more ARN).
  flippedMoreSecrets: fleetConfig(2, {
    clusters: twoClusters.clusters.map((c: any) => ({ ...c, role: c.role === "primary" ? "secondary" : "primary" })),
    secrets: [...twoClusters.secrets, { name: "payments/api-key", namespace: "payments" }],
  }),
};

const plans = new Map<string, PlanDocument>();
beforeAll(async () => {
  // Sequential: the mock engine is one process-wide runtime.
  for (const [name, raw] of Object.entries(STACKS)) {
    const spec = parseFleet(raw, "us-east-1");
    const { resources } = await evaluateProgram(stackConfig(raw, "us-east-1", "prod"), spec.accountId);
    plans.set(name, planDocument("prod", spec, resources, []));
  }
}, 60_000);

function risks(from: string, to: string): Risk[] {
  const base = plans.get(from)!;
  const head = plans.get(to)!;
  return assessRisks(base, head, comparePlans(base, head));
}
const texts = (list: readonly Risk[], kind: Risk["kind"]) => list.filter((r) => r.kind === kind).map((r) => r.text);

describe("what needs attention, from real plans of before/after stack files", () => {
  it("a third cluster re-partners the backup ring and says where old backups stay", () => {
    const found = risks("twoClusters", "threeClusters");
    expect(texts(found, "backup-partner")).toEqual([
      "backup partner of `c1` changes: `c0` → **`c2`**; backups already replicated stay only in `c0`'s bucket, and `c2` can restore none of `c1`'s volume backups until S3 Batch Replication copies its existing objects (docs/RUNBOOK.md, \"When a backup partner changes\")",
    ]);
    expect(texts(found, "deleted")).toEqual([]);
    // The new cluster joins both answer sets (its own checks decide whether it is ever
    // answered), and its own name aliases its NLB; the failover records stay as they are.
    expect(texts(found, "dns")).toEqual([
      "DNS answer joins: _serving.api.example.com (`c2`) → `prod-c2.api.example.com` (weighted 1)",
      "DNS answer joins: _takeover.api.example.com (`c2`) → `prod-c2.api.example.com` (weighted 1)",
      expect.stringMatching(/^DNS answer joins: prod-c2\.api\.example\.com → `prod-c2-nlb-\w+\.elb\.eu-west-1\.amazonaws\.com` \(simple\)$/),
    ]);
  });

  it("an engine switch flux → argocd deletes Kustomizations that orphan what they applied: no risk of lost objects", () => {
    const found = risks("twoClusters", "argocdActiveActive");
    expect(texts(found, "deleted").filter((t) => t.includes("Kustomization"))).toEqual([]);
  });

  it("removing a cluster names the cluster, its retained bucket and key, and how to really delete them", () => {
    const found = risks("threeClusters", "twoClusters");
    expect(texts(found, "cluster-removed")).toEqual([expect.stringContaining("cluster `c2` (eu-west-1, secondary) **leaves the fleet**")]);
    const deleted = texts(found, "deleted");
    expect(deleted).toContainEqual(expect.stringMatching(/^`c2-eks-cluster` deletes EKS cluster `prod-c2`/));
    const bucket = deleted.find((t) => t.startsWith("`c2-backup-bucket`"));
    expect(bucket).toBe("`c2-backup-bucket` `s3://prod-c2-velero-123456789012` leaves the stack but stays in AWS (`retainOnDelete`), with its data; to really delete it see docs/RUNBOOK.md (\"Removing a cluster\")");
    expect(deleted.find((t) => t.startsWith("`c2-backup-key`"))).toContain("stays in AWS (`retainOnDelete`)");
    // The EKS secrets key dies with its cluster: no retention, and its loss is named.
    expect(deleted.find((t) => t.startsWith("`c2-secrets`"))).toBe("`c2-secrets` schedules KMS key deletion (30 days): whatever it encrypts becomes unreadable");
    // The secret loses its eu-west-1 replica: an in-place change, not a deletion.
    expect(deleted.some((t) => t.includes("payments/db-credentials"))).toBe(false);
  });

  it("a new secret widens its namespace's secrets reader's IAM policy on every cluster, statement by statement", () => {
    const found = risks("twoClusters", "flippedMoreSecrets");
    const widened = found.filter((r) => r.kind === "iam-widened");
    expect(widened.map((r) => r.cluster).sort()).toEqual(["c0", "c1"]);
    // The exact ARN of the new secret's replica in the cluster's region, its random suffix included.
    const text = widened.find((r) => r.cluster === "c1")!.text.replace(/api-key-[0-9a-f]{6}`/g, "api-key-<suffix>`");
    expect(text).toBe(
      "`c1-external-secrets-payments-reader-role` `inlinePolicies[0].policy` grants more: `secretsmanager:DescribeSecret`, `secretsmanager:GetSecretValue` on `arn:aws:secretsmanager:us-west-2:123456789012:secret:payments/api-key-<suffix>`",
    );
    expect(foldRisks(widened)).toHaveLength(1);
  });

  it("a role flip names both clusters and moves no DNS record: the health answers in the tree move the traffic", () => {
    const found = risks("twoClusters", "flippedMoreSecrets");
    expect(texts(found, "role-flip")).toEqual([
      "role flip: `c0` primary → **secondary**, is demoted: its apps scale down to standby scale (none in pilot-light)",
      "role flip: `c1` secondary → **primary**, is promoted: it takes traffic and runs the apps",
    ]);
    expect(texts(found, "dns")).toEqual([]);
  });

  it("a DNS mode switch active-passive → active-active changes every answer's routing policy", () => {
    const found = texts(risks("twoClusters", "argocdActiveActive"), "dns");
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(/failover PRIMARY.*latency us-east-1|latency us-east-1.*failover PRIMARY/s);
  });

  it("puts Needs attention first in the comment, one line per risk, nothing for a no-op", () => {
    const base = plans.get("threeClusters")!;
    const head = plans.get("twoClusters")!;
    const md = renderDiff({ base: { label: "main", plan: base, tree: new Map() }, head: { label: "working tree", plan: head, tree: new Map() }, topology: topologyOf(parseFleet(STACKS.twoClusters, "us-east-1")) });
    expect(md.indexOf("### ⚠️ Needs attention")).toBeLessThan(md.indexOf("### Clusters"));
    expect(md).toContain("- `c2-backup-bucket` `s3://prod-c2-velero-123456789012` leaves the stack but stays in AWS");
    expect(md).toContain("- `c2-eks-cluster` deletes EKS cluster `prod-c2` and everything running in it — on `c2`");
    const same = renderDiff({ base: { label: "main", plan: head, tree: new Map() }, head: { label: "working tree", plan: head, tree: new Map() }, topology: topologyOf(parseFleet(STACKS.twoClusters, "us-east-1")) });
    expect(same).toContain("### ✅ Nothing needs attention");
    if (process.env.SHOW_DIFF) console.log(md);
  });
});

describe("a cluster that changes region", () => {
  it("says one pulumi up cannot move it, and how to", () => {
    const side = (region: string): PlanDocument => ({ ...emptyPlan("prod"), clusters: [{ name: "c0", region: "us-east-1", role: "primary" }, { name: "c1", region, role: "secondary" }] });
    const [base, head] = [side("us-west-2"), side("eu-central-1")];
    const found = assessRisks(base, head, comparePlans(base, head));
    expect(found.filter((r) => r.kind === "refused").map((r) => [r.cluster, r.region, r.text])).toEqual([[
      "c1", "eu-central-1",
      expect.stringMatching(/^cluster `c1` moves from us-west-2 to \*\*eu-central-1\*\*: one `pulumi up` \*\*cannot move\*\* .*pulumi\/pulumi-aws#5656.*remove the cluster in one change and add it in the new region, under a new name, in another$/),
    ]]);
    expect(assessRisks(base, base, comparePlans(base, base)).filter((r) => r.kind === "refused")).toEqual([]);
  });
});
