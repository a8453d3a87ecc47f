import { FleetSpec, Mode } from "../../fleet";

/** What the fleet picture needs from the model: a plain value, so tests can build one by hand. */
export interface Topology {
  readonly fleet: string;
  readonly mode: Mode;
  /** The Route 53 record clients resolve. */
  readonly record: string;
  readonly gitops: { readonly engine: "flux" | "argocd"; readonly repoUrl: string; readonly branch: string };
  /** `hub`: Argo CD only, the cluster whose Argo CD manages this one (its region's hub). */
  /** `takeover`: the standby Route 53's SECONDARY answer names (the primary's backup partner). */
  readonly clusters: readonly { readonly name: string; readonly region: string; readonly role: string; readonly partner: string; readonly hub?: string; readonly takeover?: boolean }[];
}

export function topologyOf(spec: FleetSpec): Topology {
  return {
    fleet: spec.name,
    mode: spec.mode,
    record: spec.dns.record,
    gitops: { engine: spec.gitops.engine, repoUrl: spec.gitops.repoUrl, branch: spec.gitops.branch },
    clusters: spec.clusters.map((c) => ({
      name: c.name,
      region: c.region,
      role: c.role,
      partner: c.backup.partner,
      ...(c.argocdHub ? { hub: c.argocdHub } : {}),
      ...(c.takeover ? { takeover: true } : {}),
    })),
  };
}

/**
 * A Mermaid flowchart of the fleet: regions as subgraphs holding their clusters and roles,
 * the GitOps repository each cluster pulls from (through the hub for Argo CD), the Route 53
 * record's failover or latency answers, and the backup replication ring.
 */
export function mermaidTopology(t: Topology): string {
  const id = (cluster: string) => `c_${cluster.replace(/[^A-Za-z0-9]/g, "_")}`;
  const lines = ["flowchart LR"];
  const regions = [...new Set(t.clusters.map((c) => c.region))];
  for (const region of regions) {
    lines.push(`  subgraph r_${region.replace(/[^A-Za-z0-9]/g, "_")}["${region}"]`);
    for (const c of t.clusters.filter((x) => x.region === region)) lines.push(`    ${id(c.name)}["${c.name}<br/>${c.role}"]`);
    lines.push("  end");
  }
  lines.push(`  git[("${label(t.gitops.repoUrl)}<br/>${label(t.gitops.branch)}")]`);
  lines.push(`  dns{{"${label(t.record)}"}}`);

  if (t.gitops.engine === "argocd") {
    // One hub per region, syncing the clusters of its region.
    for (const hub of new Set(t.clusters.map((c) => c.hub).filter((h): h is string => !!h))) lines.push(`  git -->|argocd| ${id(hub)}`);
    for (const c of t.clusters) if (c.hub && c.hub !== c.name) lines.push(`  ${id(c.hub)} -->|syncs| ${id(c.name)}`);
  } else {
    // Every cluster reconciles every layer; what a standby runs is written in its tree.
    for (const c of t.clusters) lines.push(`  git -->|flux| ${id(c.name)}`);
  }

  for (const c of t.clusters) {
    // Only the primary answers "serving" and only the takeover standby "takeover".
    const answer = t.mode === "active-active" ? "latency" : c.role === "primary" ? "PRIMARY" : c.takeover ? "SECONDARY" : undefined;
    if (answer) lines.push(`  dns -->|${answer}| ${id(c.name)}`);
  }
  for (const c of t.clusters) if (c.partner && c.partner !== c.name) lines.push(`  ${id(c.name)} -.->|backups| ${id(c.partner)}`);
  return lines.join("\n");
}

/** Mermaid labels are quoted: keep quotes and angle brackets from ending them early. */
function label(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}
