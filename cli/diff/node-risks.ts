import { DependencyGraph } from "../engine/graph";
import { PlanDocument, PlanResource } from "../plan-document";
import { Cascade, Change, explain } from "./cascade";
import { deletedFirst } from "./replacement";
import type { Risk } from "./risks";
import { minutes, rolloutOf, UPDATE_TIMES } from "./update-times";
import { show, valueAt } from "./values";

const CLUSTER_TYPES = new Set(["eks:index:Cluster", "aws:eks/cluster:Cluster"]);
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
/** What makes EKS roll a managed node group's nodes: UpdateNodegroupVersion (terraform-provider-aws internal/service/eks/node_group.go). */
const ROLLING_KEYS = ["inputs.launchTemplate.version", "inputs.version", "inputs.releaseVersion"];

const risk = (kind: Risk["kind"], r: PlanResource, text: string): Risk => ({ kind, cluster: r.cluster, region: r.region, text });
const clusterName = (r: PlanResource) => String((r.inputs as Record<string, unknown>).name ?? r.name);

/**
 * What changes do to compute and workloads: replaced control planes and node groups, node
 * rollouts with the surge and drain their update config implies, and Kubernetes upgrades.
 */
export function nodeRisks(head: PlanDocument, cascade: Cascade): Risk[] {
  const risks: Risk[] = [];
  for (const c of cascade.values()) {
    const r = c.resource;
    if (CLUSTER_TYPES.has(r.type) && c.action === "replace") {
      const inside = managedInside(head, r);
      const why = deletedFirst(r);
      const first = why ? `; the old cluster is deleted **before** the new one exists (${why}): the cluster serves nothing in between` : "";
      risks.push(risk("nodes", r, `EKS cluster \`${clusterName(r)}\` (\`${r.name}\`) is **replaced**: a new, empty control plane with a new endpoint, OIDC issuer and certificate authority; all workloads on it are rescheduled onto the new cluster${inside ? `, and the ${inside} resources Pulumi manages inside it are created there again` : ""}${first} — ${explain(cascade, c)}`));
    }
    if (r.type === NODE_GROUP && c.action === "replace") {
      risks.push(risk("nodes", r, `node group \`${r.name}\` (cluster \`${(r.inputs as any).clusterName}\`) is **replaced**: all workloads on it are rescheduled as its nodes are drained and deleted — ${explain(cascade, c)}`));
    }
    if (r.type === NODE_GROUP && c.action === "update" && c.keys.some((k) => ROLLING_KEYS.includes(k))) risks.push(rolloutRisk(cascade, c));
  }
  const upgrade = upgradeRisk(head, cascade);
  return upgrade ? [...risks, upgrade] : risks;
}

/** Resources managed through a Kubernetes provider that reads this cluster: they follow it to a new cluster. */
function managedInside(head: PlanDocument, cluster: PlanResource): number {
  const providers = new Set(head.resources.filter((p) => p.type === K8S_PROVIDER && p.dependsOn.includes(cluster.urn) || (p.type === K8S_PROVIDER && Object.values(p.propertyDependencies ?? {}).some((u) => u.includes(cluster.urn)))).map((p) => p.urn));
  return head.resources.filter((r) => r.dependsOn.some((d) => providers.has(d))).length;
}

function rolloutRisk(cascade: Cascade, c: Change): Risk {
  const r = c.resource;
  const roll = rolloutOf(r.inputs as Record<string, any>);
  const why = c.keys.filter((k) => ROLLING_KEYS.includes(k)).map((k) => {
    const source = cascade.get(c.causes.get(k) ?? "");
    if (k === "inputs.launchTemplate.version" && source) {
      const what = source.keys.slice(0, 3).map((key) => `\`${key.replace(/^inputs\./, "")}\` ${show(valueAt(source.before, key))} → ${show(valueAt(source.resource, key))}`).join(", ");
      return `launch template \`${source.resource.name}\` gets a new version (${what})`;
    }
    return `\`${k.replace(/^inputs\./, "")}\` ${show(valueAt(c.before, k))} → ${show(valueAt(r, k))}`;
  });
  return risk("nodes", r,
    `node group \`${r.name}\` **replaces every node** (a rolling update): ${why.join("; ")}. EKS launches up to ${roll.surge} new nodes at once (the larger of twice its ${roll.zones} zones and \`maxUnavailable\` ${roll.maxUnavailable}), then drains ${roll.maxUnavailable} old node${roll.maxUnavailable === 1 ? "" : "s"} at a time — pods are evicted within their PodDisruptionBudgets, and a node whose pods do not leave in 15 min fails the update — ` +
    `${roll.nodes} node${roll.nodes === 1 ? "" : "s"} in about ${minutes(roll.seconds)} (EKS User Guide, managed node update behavior)`);
}

/**
 * A Kubernetes version change: which clusters, in what order one `pulumi up` takes them (from
 * the dependency graph: nothing orders independent clusters, so they upgrade together), an
 * estimate per cluster, and whether its node groups follow.
 */
function upgradeRisk(head: PlanDocument, cascade: Cascade): Risk | undefined {
  const upgrades = [...cascade.values()].filter((c) => CLUSTER_TYPES.has(c.resource.type) && c.keys.includes("inputs.version"));
  if (!upgrades.length) return undefined;
  const graph = new DependencyGraph(head.resources);
  const urns = new Set(upgrades.map((c) => c.resource.urn));
  // Waves: a cluster goes once every upgraded cluster it waits for has gone.
  const wave = new Map<string, number>();
  for (const urn of graph.topologicalOrder([...urns])) {
    if (!urns.has(urn)) continue;
    const before = [...graph.dependenciesOf(urn)].filter((d) => urns.has(d)).map((d) => wave.get(d) ?? 0);
    wave.set(urn, before.length ? Math.max(...before) + 1 : 0);
  }
  const roles = new Map(head.clusters.map((c) => [c.name, c.role]));
  const versions = [...new Set(upgrades.map((c) => `${valueAt(c.before, "inputs.version")} → ${valueAt(c.resource, "inputs.version")}`))];
  const waves = Math.max(...wave.values()) + 1;
  const perCluster = upgrades
    .sort((a, b) => (wave.get(a.resource.urn)! - wave.get(b.resource.urn)!) || a.resource.name.localeCompare(b.resource.name))
    .map((c) => {
      const groups = head.resources.filter((g) => g.type === NODE_GROUP && g.cluster === c.resource.cluster);
      const following = groups.filter((g) => cascade.get(g.urn)?.keys.includes("inputs.version"));
      const rollSeconds = Math.max(0, ...following.map((g) => rolloutOf(g.inputs as Record<string, any>).seconds));
      const nodes = groups.length === 0 ? "" : following.length === groups.length ? `, then its node groups roll (~${minutes(rollSeconds)})` : `; node group${groups.length > 1 ? "s" : ""} ${groups.filter((g) => !following.includes(g)).map((g) => `\`${g.name}\``).join(", ")} keep${groups.length > 1 ? "" : "s"} the old version (no \`version\` follows)`;
      return `\`${c.resource.cluster ?? c.resource.name}\`${roles.get(c.resource.cluster ?? "") ? ` (${roles.get(c.resource.cluster!)})` : ""}${waves > 1 ? ` in wave ${wave.get(c.resource.urn)! + 1}` : ""}: ~${minutes(UPDATE_TIMES.controlPlaneUpgrade.seconds + rollSeconds)} (control plane ~${minutes(UPDATE_TIMES.controlPlaneUpgrade.seconds)}${nodes})`;
    });
  const order = waves === 1 && upgrades.length > 1 ? "all in one `pulumi up` and at the same time (nothing in the plan orders them): primary and standbys together" : waves > 1 ? `in ${waves} waves of one \`pulumi up\`, each waiting for the clusters it depends on` : "in one `pulumi up`";
  return {
    kind: "upgrade",
    cluster: null,
    region: null,
    text: `Kubernetes **${versions.join(", ")}** on ${upgrades.length} cluster${upgrades.length > 1 ? "s" : ""}, ${order} — ${perCluster.join("; ")}. Control plane figure: ${UPDATE_TIMES.controlPlaneUpgrade.source}`,
  };
}
