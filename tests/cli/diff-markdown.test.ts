import { parseFleet } from "../../fleet";
import { changedPaths, emptyPlan } from "../../cli/diff/compare-plans";
import { ManifestTree } from "../../cli/diff/compare-trees";
import { DiffInput, renderComment, renderDiff } from "../../cli/diff/markdown";
import { mermaidTopology, topologyOf } from "../../cli/diff/topology";
import { PlanDocument, PlanResource } from "../../cli/plan-document";
import { Violation } from "../../policies/violation";
import { fleetConfig } from "../fixtures/fleets";

const REGIONS: Record<string, string> = { c0: "us-east-1", c1: "us-west-2", c2: "eu-west-1" };

function resource(cluster: string | null, type: string, name: string, inputs: Record<string, unknown> = {}): PlanResource {
  return { urn: `urn:pulumi:prod::eks-fleet::${type}::${name}`, type, name, parent: null, cluster, region: cluster ? REGIONS[cluster] : null, dependsOn: [], inputs };
}

function plan(roles: Record<string, string>, resources: PlanResource[] = [], extra: Partial<PlanDocument> = {}): PlanDocument {
  return {
    ...emptyPlan("prod"),
    clusters: Object.entries(roles).map(([name, role]) => ({ name, region: REGIONS[name], role })),
    resources,
    dr: { rtoSeconds: 90, rpoSeconds: 4500, notes: ["RTO: detection plus TTL."] },
    ...extra,
  };
}

const clusterResources = (c: string) => [
  resource(c, "aws:ec2/vpc:Vpc", `${c}-vpc`),
  resource(c, "aws:ec2/subnet:Subnet", `${c}-private-0`),
  resource(c, "aws:ec2/subnet:Subnet", `${c}-private-1`),
  resource(c, "aws:eks/nodeGroup:NodeGroup", `${c}-nodes-group`, { scalingConfig: { desiredSize: 3, maxSize: 6, minSize: 2 } }),
];

const topology = topologyOf(parseFleet(fleetConfig(3), "us-east-1"));
const noTree: ManifestTree = new Map();

function input(base: PlanDocument, head: PlanDocument, trees: { base?: ManifestTree; head?: ManifestTree } = {}, note?: string): DiffInput {
  return {
    base: { label: "origin/main", plan: base, tree: trees.base ?? noTree, note },
    head: { label: "working tree", plan: head, tree: trees.head ?? noTree },
    topology,
  };
}

describe("renderDiff", () => {
  const twoClusters = plan({ c0: "primary", c1: "secondary" }, [...clusterResources("c0"), ...clusterResources("c1")]);

  it("names an added cluster with its region and lists its resources by type", () => {
    const head = plan({ c0: "primary", c1: "secondary", c2: "secondary" }, [...twoClusters.resources, ...clusterResources("c2")]);
    const md = renderDiff(input(twoClusters, head));
    expect(md).toContain("| `c2` | eu-west-1 | secondary | added |");
    expect(md).toContain("#### `c2` · eu-west-1 (new cluster) — +4 −0 ~0");
    expect(md).toContain("- `aws:ec2/subnet:Subnet` ×2: `c2-private-0`, `c2-private-1`");
    expect(md).toContain("**2 → 3 clusters**");
    expect(md).not.toContain("`c0` · us-east-1");
  });

  it("reports a role swap and says when nothing changed", () => {
    const swapped = plan({ c0: "secondary", c1: "primary" }, twoClusters.resources);
    const md = renderDiff(input(twoClusters, swapped));
    expect(md).toContain("| `c0` | us-east-1 | primary → **secondary** | role changed |");
    expect(md).toContain("| `c1` | us-west-2 | secondary → **primary** | role changed |");
    expect(renderDiff(input(twoClusters, twoClusters))).toContain("No cluster added, removed or changing role.");
    expect(renderDiff(input(twoClusters, twoClusters))).toContain("No resource changes.");
  });

  it("lists a removed cluster and its resources", () => {
    const md = renderDiff(input(twoClusters, plan({ c0: "primary" }, clusterResources("c0"))));
    expect(md).toContain("| `c1` | us-west-2 | secondary | removed |");
    expect(md).toContain("#### `c1` · us-west-2 (removed cluster) — +0 −4 ~0");
  });

  it("names the changed input keys of a changed resource, and only those", () => {
    const scaled = clusterResources("c0").map((r) => (r.name === "c0-nodes-group" ? { ...r, inputs: { scalingConfig: { desiredSize: 4, maxSize: 6, minSize: 2 } } } : r));
    const md = renderDiff(input(plan({ c0: "primary" }, clusterResources("c0")), plan({ c0: "primary" }, scaled)));
    expect(md).toContain("- `aws:eks/nodeGroup:NodeGroup` `c0-nodes-group`: `inputs.scalingConfig.desiredSize`");
    expect(md).not.toContain("inputs.scalingConfig.maxSize");
  });

  it("shows manifest files added, removed and changed per cluster, with a compact diff", () => {
    const base = new Map([
      ["clusters/c0/apps/deployment-web.yaml", "kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"],
      ["clusters/c0/platform/old.yaml", "kind: ConfigMap\n"],
    ]);
    const head = new Map([
      ["clusters/c0/apps/deployment-web.yaml", "kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"],
      ["clusters/c1/platform/namespace-payments.yaml", "kind: Namespace\n"],
    ]);
    const md = renderDiff(input(twoClusters, twoClusters, { base, head }));
    expect(md).toContain("#### `c0` · us-east-1 — +0 −1 ~1 files");
    expect(md).toContain("- `clusters/c0/platform/old.yaml`");
    expect(md).toContain("#### `c1` · us-west-2 — +1 −0 ~0 files");
    expect(md).toContain("<summary>Changed <code>clusters/c0/apps/deployment-web.yaml</code></summary>");
    expect(md).toMatch(/```diff\n@@ -3,3 \+3,3 @@\n   name: web\n spec:\n-  replicas: 2\n\+  replicas: 3\n```/);
    expect(renderDiff(input(twoClusters, twoClusters, { base: head, head }))).toContain("No manifest changes.");
  });

  it("lists the head's violations, marks new ones and reports fixed ones", () => {
    const v = (policy: string, enforcement: Violation["enforcement"], message: string): Violation => ({ policy, enforcement, urn: null, file: "clusters/c0/platform/x.yaml", message });
    const existing = v("no-secret-objects", "advisory", "a | b");
    const fixed = v("s3-bucket-replicated", "mandatory", "bucket is not replicated");
    const introduced = v("eks-private-endpoint", "mandatory", "endpoint is public");
    const md = renderDiff(input(plan({ c0: "primary" }, [], { violations: [existing, fixed] }), plan({ c0: "primary" }, [], { violations: [existing, introduced] })));
    expect(md).toContain("| ❌ mandatory | `eks-private-endpoint` | clusters/c0/platform/x.yaml | endpoint is public | new |");
    expect(md).toContain("| ⚠️ advisory | `no-secret-objects` | clusters/c0/platform/x.yaml | a \\| b | existing |");
    expect(md).toContain("Fixed by this change (1):");
    expect(md).toContain("- `s3-bucket-replicated`: clusters/c0/platform/x.yaml: bucket is not replicated");
    expect(md).toContain("policies **1 mandatory · 1 advisory**");
    expect(renderDiff(input(twoClusters, twoClusters))).toContain("✅ No policy violations at head.");
  });

  it("shows DR figures before → after, and a dash for an empty base", () => {
    const slower = plan({ c0: "primary" }, [], { dr: { rtoSeconds: 330, rpoSeconds: 87300, notes: [] } });
    const md = renderDiff(input(plan({ c0: "primary" }), slower));
    expect(md).toContain("| RTO | 90 s | 330 s |");
    expect(md).toContain("| RPO | 4500 s | 87300 s |");
    expect(md).toContain("RTO **90 s → 330 s**");
    const fromNothing = renderDiff(input(emptyPlan("prod"), slower, {}, "`Pulumi.prod.yaml` does not exist at the base: everything is new."));
    expect(fromNothing).toContain("| RTO | — | 330 s |");
    expect(fromNothing).toContain("> **Note:** `Pulumi.prod.yaml` does not exist at the base");
  });

  it("ends with the Mermaid topology of the head fleet", () => {
    const md = renderDiff(input(twoClusters, plan({ c0: "primary", c1: "secondary", c2: "secondary" })));
    const mermaid = md.slice(md.indexOf("```mermaid"));
    expect(mermaid).toContain('subgraph r_eu_west_1["eu-west-1"]');
    expect(mermaid).toContain('c_c2["c2<br/>secondary"]');
    expect(mermaid).toContain("dns -->|PRIMARY| c_c0");
    expect(mermaid).toContain("c_c2 -.->|backups| c_c0");
    expect(renderDiff(input(twoClusters, emptyPlan("prod")))).not.toContain("```mermaid");
  });

  it("collapses long lists into <details> and keeps short ones open", () => {
    const many = Array.from({ length: 11 }, (_, i) => resource("c0", `aws:test/t${i}:T`, `c0-r${i}`));
    expect(renderDiff(input(plan({ c0: "primary" }), plan({ c0: "primary" }, many)))).toContain("<details>\n<summary>Added (11)</summary>");
    expect(renderDiff(input(plan({ c0: "primary" }), plan({ c0: "primary" }, many.slice(0, 10))))).toContain("Added (10):");
  });
});

describe("renderComment", () => {
  it("drops manifest diffs, not the summary, when the comment would be too long", () => {
    const big = (n: number) => Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(100)} ${n}`).join("\n");
    const base = new Map([["clusters/c0/apps/a.yaml", big(1)]]);
    const head = new Map([["clusters/c0/apps/a.yaml", big(2)]]);
    const md = renderComment(input(plan({ c0: "primary" }), plan({ c0: "primary" }), { base, head }), 4_000);
    expect(md.length).toBeLessThanOrEqual(4_000);
    expect(md).toContain("- changed `clusters/c0/apps/a.yaml`");
    expect(md).toContain("Manifest diffs were left out");
    expect(renderComment(input(plan({ c0: "primary" }), plan({ c0: "primary" }), { base, head }))).toContain("```diff");
  });
});

describe("changedPaths", () => {
  it("recurses into objects and equal-length arrays, and treats a resized array as one change", () => {
    expect(changedPaths({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } }, "inputs")).toEqual(["inputs.a.c"]);
    expect(changedPaths({ s: ["x", "y"] }, { s: ["x", "z"] }, "inputs")).toEqual(["inputs.s[1]"]);
    expect(changedPaths({ s: ["x"] }, { s: ["x", "z"] }, "inputs")).toEqual(["inputs.s"]);
    expect(changedPaths({ a: 1 }, { b: 1 }, "inputs")).toEqual(["inputs.a", "inputs.b"]);
  });
});

describe("mermaidTopology", () => {
  it("draws latency answers for active-active and routes Argo CD through its hub", () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    raw.gitops = { ...raw.gitops, engine: "argocd", hub: "c0" };
    const chart = mermaidTopology(topologyOf(parseFleet(raw, "us-east-1")));
    expect(chart).toContain("dns -->|latency| c_c1");
    expect(chart).not.toContain("PRIMARY");
    expect(chart).toContain("git -->|argocd| c_c0");
    expect(chart).toContain("c_c0 -->|syncs| c_c2");
    expect(chart).not.toContain("git -->|argocd| c_c1");
  });
});
