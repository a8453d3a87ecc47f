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
  return { urn: `urn:pulumi:prod::eks-fleet::${type}::${name}`, stack: "prod", type, name, parent: null, cluster, region: cluster ? REGIONS[cluster] : null, dependsOn: [], inputs };
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
    expect(md).toContain("- + 4 resource(s) added — on `c2`\n  - `aws:ec2/subnet:Subnet` ×2: `c2-private-0`, `c2-private-1`");
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
    expect(md).toContain("- − 4 resource(s) removed — on `c1`");
  });

  it("shows the changed input keys of a changed resource, and only those, old → new", () => {
    const scaled = clusterResources("c0").map((r) => (r.name === "c0-nodes-group" ? { ...r, inputs: { scalingConfig: { desiredSize: 4, maxSize: 6, minSize: 2 } } } : r));
    const md = renderDiff(input(plan({ c0: "primary" }, clusterResources("c0")), plan({ c0: "primary" }, scaled)));
    expect(md).toContain("- ~ `aws:eks/nodeGroup:NodeGroup` `c0-nodes-group` — on `c0`\n  - `scalingConfig.desiredSize`: `3` → `4`\n");
    expect(md).not.toContain("scalingConfig.maxSize");
    expect(renderDiff(input(plan({ c0: "primary" }, clusterResources("c0")), plan({ c0: "primary" }, scaled)), { values: false }))
      .toContain("- ~ `aws:eks/nodeGroup:NodeGroup` `c0-nodes-group`: `scalingConfig.desiredSize` — on `c0`");
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
    expect(md).toContain("- − 1 file(s): `clusters/c0/platform/old.yaml` — on `c0`");
    expect(md).toContain("- + 1 file(s): `clusters/c1/platform/namespace-payments.yaml` — on `c1`");
    expect(md).toContain("- ~ `clusters/c0/apps/deployment-web.yaml` — on `c0`");
    expect(md).toMatch(/  ```diff\n  @@ -3,3 \+3,3 @@\n     name: web\n   spec:\n  -  replicas: 2\n  \+  replicas: 3\n  ```/);
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

  it("shows the RTO of each recovery path: health checks alone, and the promotion", () => {
    const dr = (promotion: number) => ({
      rtoSeconds: 90,
      rpoSeconds: 4500,
      automatic: { seconds: 90, terms: [], capacity: "reduced" as const },
      deliberate: { seconds: promotion, terms: [], withWebhookSeconds: promotion - 50 },
      notes: [],
    });
    const md = renderDiff(input(plan({ c0: "primary" }, [], { dr: dr(630) }), plan({ c0: "primary" }, [], { dr: dr(750) })));
    expect(md).toContain("| RTO, automatic | 90 s (reduced capacity) | 90 s (reduced capacity) |");
    expect(md).toContain("| RTO, promotion | 630 s (580 s with the webhook) | 750 s (700 s with the webhook) |");
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
    expect(renderDiff(input(plan({ c0: "primary" }), plan({ c0: "primary" }, many)))).toContain("<details>\n<summary>Resource changes</summary>");
    expect(renderDiff(input(plan({ c0: "primary" }), plan({ c0: "primary" }, many.slice(0, 8))))).toContain("Resource changes:");
  });
});

describe("renderComment", () => {
  it("drops manifest diffs, not the summary, when the comment would be too long", () => {
    const big = (n: number) => Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(100)} ${n}`).join("\n");
    const base = new Map([["clusters/c0/apps/a.yaml", big(1)]]);
    const head = new Map([["clusters/c0/apps/a.yaml", big(2)]]);
    const md = renderComment(input(plan({ c0: "primary" }), plan({ c0: "primary" }), { base, head }), 4_000);
    expect(md.length).toBeLessThanOrEqual(4_000);
    expect(md).toContain("- ~ `clusters/c0/apps/a.yaml` — on `c0`");
    expect(md).toContain("**Folded to fit a comment:** per-cluster detail, manifest diffs.");
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
  it("draws latency answers for active-active and routes Argo CD through each region's hub", () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    raw.gitops = { ...raw.gitops, engine: "argocd" };
    raw.clusters[2].region = "us-east-1";
    const chart = mermaidTopology(topologyOf(parseFleet(raw, "us-east-1")));
    expect(chart).toContain("dns -->|latency| c_c1");
    expect(chart).not.toContain("PRIMARY");
    expect(chart).toContain("git -->|argocd| c_c0");
    expect(chart).toContain("git -->|argocd| c_c1");
    expect(chart).toContain("c_c0 -->|syncs| c_c2");
    expect(chart).not.toContain("git -->|argocd| c_c2");
    expect(chart).not.toMatch(/c_c[01] -->\|syncs\| c_c1/);
  });
});

describe("values and folding across clusters", () => {
  const policy = (actions: string[], bucket: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: `arn:aws:s3:::${bucket}/*` }] });
  const role = (c: string, actions: string[]) => resource(c, "aws:iam/role:Role", `${c}-velero-role`, { inlinePolicies: [{ name: "velero", policy: policy(actions, `prod-${c}-velero`) }] });

  it("shows a JSON policy as the grants it adds and removes, long text as a unified diff, secrets redacted", () => {
    const before = [role("c0", ["s3:GetObject"]), resource(null, "kubernetes:core/v1:ConfigMap", "motd", { data: { text: "line one\nline two\nline three" }, token: "[secret]" })];
    const after = [role("c0", ["s3:GetObject", "s3:PutObject"]), resource(null, "kubernetes:core/v1:ConfigMap", "motd", { data: { text: "line one\nline 2\nline three" }, token: "[secret]", password: "[secret]" })];
    const md = renderDiff(input(plan({ c0: "primary" }, before), plan({ c0: "primary" }, after)));
    expect(md).toContain("  - `inlinePolicies[0].policy`: policy statements\n    ```diff\n    + grants s3:PutObject on arn:aws:s3:::prod-c0-velero/*\n    ```");
    expect(md).toContain("  - `data.text`:\n    ```diff\n    @@ -1,3 +1,3 @@\n     line one\n    -line two\n    +line 2\n     line three\n    ```");
    expect(md).toContain("  - `password`: _(unset)_ → `[secret]`");
    expect(md).toContain("`c0-velero-role` `inlinePolicies[0].policy` grants more: `s3:PutObject` on `arn:aws:s3:::prod-c0-velero/*`");
  });

  it("shows a change identical on several clusters once, naming them, with per-cluster detail collapsed", () => {
    const roles = (actions: string[]) => ["c0", "c1", "c2"].map((c) => role(c, actions));
    const three = { c0: "primary", c1: "secondary", c2: "secondary" };
    const md = renderDiff(input(plan(three, roles(["s3:GetObject"])), plan(three, roles(["s3:GetObject", "s3:DeleteObject"]))));
    expect(md).toContain("- ~ `aws:iam/role:Role` `{cluster}-velero-role` — on 3 clusters: `c0`, `c1`, `c2`");
    expect(md.match(/\+ grants s3:DeleteObject/g)).toHaveLength(4); // once folded, three times in the detail
    expect(md).toContain("- `{cluster}-velero-role` `inlinePolicies[0].policy` grants more: `s3:DeleteObject` on `arn:aws:s3:::prod-{cluster}-velero/*` — on 3 clusters: `c0`, `c1`, `c2`");
    expect(md).toMatch(/<details>\n<summary>Per-cluster detail \(3 clusters\)<\/summary>\n\n\*\*`c0` · us-east-1\*\*/);
  });

  it("says how to really delete a protected resource a change removes, and flags a replaced bucket, named by the program so deleted first", () => {
    const secret = { ...resource(null, "aws:secretsmanager/secret:Secret", "secrets-payments-api-key", { name: "payments/api-key" }), protect: true };
    const bucket = (name: string) => resource("c0", "aws:s3/bucket:Bucket", "c0-logs", { bucket: name });
    const md = renderDiff(input(plan({ c0: "primary" }, [secret, bucket("old-logs")]), plan({ c0: "primary" }, [bucket("new-logs")])));
    expect(md).toContain(`- \`secrets-payments-api-key\` deletes secret \`payments/api-key\` (recoverable only within its recovery window) — **protected**: \`pulumi up\` fails until \`pulumi state unprotect '${secret.urn}'\``);
    expect(md).toContain("- `c0-logs` (`aws:s3/bucket:Bucket`) is **replaced**: `bucket` cannot change in place (hashicorp/terraform-provider-aws internal/service/s3/bucket.go); replacing it deletes bucket `old-logs` and every object version in it — deleted **before** its replacement exists (its `bucket` is fixed, so the provider deletes it first): it is missing in between — on `c0`");
    expect(md).toContain("- ± **replace** `aws:s3/bucket:Bucket` `c0-logs` — on `c0`\n  - `bucket`: `old-logs` → `new-logs`");
  });

  it("shows a change to a type without a replacement rule as \"may replace\", never as in place", () => {
    const widget = (size: number) => resource("c0", "aws:example/widget:Widget", "c0-widget", { size });
    const md = renderDiff(input(plan({ c0: "primary" }, [widget(1)]), plan({ c0: "primary" }, [widget(2)])));
    expect(md).toContain("- ± **may replace** `aws:example/widget:Widget` `c0-widget` — on `c0`\n  - `size`: `1` → `2`");
    expect(md).not.toContain("- ~ `aws:example/widget:Widget`");
    expect(md).toContain("- `c0-widget` (`aws:example/widget:Widget`) **may be replaced**: the preview has no replacement rule for this type (cli/diff/replacement.ts), so it cannot say the change is in place — may be replaced: `size` — on `c0`");
  });

  it("traces an update to the replacement it follows, and a replacement through replaceWith", () => {
    const vpc = (cidr: string) => resource("c0", "aws:ec2/vpc:Vpc", "c0-vpc", { cidrBlock: cidr });
    const group = (vpcId: string) => ({ ...resource("c0", "aws:ec2/securityGroup:SecurityGroup", "c0-sg", { vpcId }), propertyDependencies: { vpcId: [vpc("").urn] } });
    const queue = (id: string) => ({ ...resource("c0", "aws:sqs/queue:Queue", "c0-queue", { tags: { vpc: id } }), replaceWith: [vpc("").urn], deleteBeforeReplace: true });
    const md = renderDiff(input(plan({ c0: "primary" }, [vpc("10.0.0.0/16"), group("vpc-1"), queue("a")]), plan({ c0: "primary" }, [vpc("10.1.0.0/16"), group("vpc-2"), queue("a")])));
    expect(md).toContain("- ± **replace** `aws:ec2/securityGroup:SecurityGroup` `c0-sg` — replaced because `vpcId` changed ← `c0-vpc` (Vpc) replaced: `cidrBlock` — on `c0`");
    expect(md).toContain("- ± **replace** `aws:sqs/queue:Queue` `c0-queue` — replaced because `replaceWith` ← `c0-vpc` (Vpc) replaced: `cidrBlock` — on `c0`");
    expect(md).toContain("In its wake it replaces 2: SecurityGroup ×1 (`c0-sg`), Queue ×1 (`c0-queue`)");
    expect(md).toContain("- `c0-queue` (`aws:sqs/queue:Queue`) is replaced because `replaceWith` ← `c0-vpc` (Vpc) replaced: `cidrBlock` — deleted **before** its replacement exists (`deleteBeforeReplace`): it is missing in between — on `c0`");

    // A value from a resource the change adds ends the chain there.
    const lb = resource("c0", "aws:lb/loadBalancer:LoadBalancer", "c0-lb-2", { name: "lb-2" });
    const record = (target: string) => ({ ...resource("c0", "aws:route53/record:Record", "c0-hostname", { name: "c0.example.com", aliases: [{ name: target }] }), propertyDependencies: { aliases: [lb.urn] } });
    const moved = renderDiff(input(plan({ c0: "primary" }, [record("lb-1.elb")]), plan({ c0: "primary" }, [record("lb-2.elb"), lb])));
    expect(moved).toContain("- ~ `aws:route53/record:Record` `c0-hostname` — updated because `aliases[0].name` changed ← `c0-lb-2` (LoadBalancer) is new — on `c0`");
  });

  it("names worse DR figures and new violations under Needs attention", () => {
    const violation: Violation = { policy: "eks-private-endpoint", enforcement: "mandatory", urn: null, file: "clusters/c0/x.yaml", message: "endpoint is public" };
    const md = renderDiff(input(plan({ c0: "primary" }), plan({ c0: "primary" }, [], { dr: { rtoSeconds: 330, rpoSeconds: 4500, notes: [] }, violations: [violation] })));
    const attention = md.slice(md.indexOf("### ⚠️ Needs attention"), md.indexOf("### Clusters"));
    expect(attention).toContain("- RTO gets worse: 90 s → **330 s**");
    expect(attention).not.toContain("RPO gets worse");
    expect(attention).toContain("- new mandatory policy violation `eks-private-endpoint` in `clusters/c0/x.yaml`: endpoint is public");
  });
});

describe("a 100-cluster fleet change", () => {
  const names = Array.from({ length: 100 }, (_, i) => `c${i}`);
  const regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"];
  const fleetPlan = (roles: (i: number) => string, actions: string[], cidr = (i: number, k: number) => `10.${i}.${k}.0/24`): PlanDocument => {
    const resources = names.flatMap((c, i) => {
      const at = (r: PlanResource) => ({ ...r, region: regions[i % 4] });
      return [
        at(resource(c, "aws:iam/role:Role", `${c}-velero-irsa-role`, { inlinePolicies: [{ name: "velero", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: actions, Resource: [`arn:aws:s3:::prod-${c}-velero-123456789012`, `arn:aws:s3:::prod-${c}-velero-123456789012/*`] }] }) }] })),
        at(resource(c, "aws:route53/healthCheck:HealthCheck", `dns-${c}`, { fqdn: `${c}.api.example.com`, requestInterval: 10 })),
        ...Array.from({ length: 8 }, (_, k) => at(resource(c, "aws:ec2/subnet:Subnet", `${c}-subnet-${k}`, { cidrBlock: cidr(i, k) }))),
      ];
    });
    const records = names.map((c, i) => resource(null, "aws:route53/record:Record", `dns-${c}`, { name: "api.example.com", type: "CNAME", setIdentifier: c, records: [`${c}.api.example.com`], failoverRoutingPolicies: [{ type: roles(i) === "primary" ? "PRIMARY" : "SECONDARY" }] }));
    return {
      ...emptyPlan("prod"),
      clusters: names.map((name, i) => ({ name, region: regions[i % 4], role: roles(i) })),
      resources: [...resources, ...records],
      dr: { rtoSeconds: 90, rpoSeconds: 4500, notes: [] },
    };
  };
  const actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"];
  const base = fleetPlan((i) => (i === 0 ? "primary" : "secondary"), actions);
  // One IAM widening on every cluster and a role flip between c0 and c1.
  const head = fleetPlan((i) => (i === 1 ? "primary" : "secondary"), [...actions, "s3:DeleteObject"]);
  const tree = (side: string) => new Map(names.map((c) => [`clusters/${c}/platform/configmap-fleet.yaml`, `kind: ConfigMap\ndata:\n  cluster: ${c}\n  side: ${side}\n`]));

  it("shows one IAM change on all clusters and a role flip in one short comment", () => {
    const md = renderComment(input(base, head, { base: tree("base"), head: tree("head") }));
    expect(md.length).toBeLessThanOrEqual(65_536);
    const attention = md.slice(md.indexOf("### ⚠️ Needs attention"), md.indexOf("### Clusters"));
    expect(attention).toContain("grants more: `s3:DeleteObject` on `arn:aws:s3:::prod-{cluster}-velero-123456789012`");
    expect(attention).toContain("on 100 clusters: `c0`, `c1`, `c2`");
    expect(attention).toContain("role flip: `c0` primary → **secondary**");
    expect(attention).toContain("DNS answer changes: api.example.com (`c1`) failover SECONDARY → **failover PRIMARY**");
    expect(md).toContain("- ~ `clusters/{cluster}/platform/configmap-fleet.yaml` — on 100 clusters");
    expect(md).toContain("<summary>Per-cluster detail (100 clusters)</summary>");
    expect(md).not.toContain("Folded to fit a comment");
  });

  it("folds a change that differs on every cluster to fit GitHub's limit, keeping the risks and saying what it folded", () => {
    // Renumbering every subnet replaces 800 subnets, each with its own values.
    const renumbered = fleetPlan((i) => (i === 1 ? "primary" : "secondary"), [...actions, "s3:DeleteObject"], (i, k) => `10.${100 + i}.${k}.0/24`);
    const full = renderDiff(input(base, renumbered, { base: tree("base"), head: tree("head") }));
    expect(full.length).toBeGreaterThan(65_536);
    const md = renderComment(input(base, renumbered, { base: tree("base"), head: tree("head") }));
    expect(md.length).toBeLessThanOrEqual(65_536);
    const attention = md.slice(md.indexOf("### ⚠️ Needs attention"), md.indexOf("### Clusters"));
    expect(attention).toContain("role flip: `c0` primary → **secondary**");
    expect(attention).toMatch(/- `\{cluster\}-subnet-0` \(`aws:ec2\/subnet:Subnet`\) is \*\*replaced\*\*: `cidrBlock` cannot change in place \(hashicorp\/terraform-provider-aws internal\/service\/ec2\/vpc_subnet.go\) — on 100 clusters/);
    expect(md).toMatch(/\*\*Folded to fit a comment:\*\* per-cluster detail, [^\n]*\. Run `npm run diff -- --base <ref> --stack prod` locally for everything\./);
    expect(md).toContain("changed values (keys are listed)");
    expect(md).toContain("- ± **replace** `aws:ec2/subnet:Subnet` `{cluster}-subnet-7`: `cidrBlock` — on 100 clusters");
  });
});
