/** One thing wrong with the input, located by its config path (`fleet.clusters[euw1a].vpcCidr`). */
export interface Problem {
  readonly path: string;
  readonly message: string;
  /** Where it was written, when the config came from a file: `Pulumi.prod.yaml:14:17`. */
  readonly where?: string;
}

/** Bad input: the offline commands print `problems` one per line and exit 2. */
export class FleetConfigError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "FleetConfigError";
  }
}

export function formatProblem(problem: Problem): string {
  // One line per problem, whatever the input held (a value with a newline is shown escaped).
  const line = `${problem.where ? `${problem.where}: ` : ""}${problem.path}: ${problem.message}`;
  return line.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `["clusters", 1, "vpcCidr"]` → `fleet.clusters[1].vpcCidr`. */
export function configPath(root: string, segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === "number" ? `${path}[${segment}]` : `${path}.${String(segment)}`),
    root,
  );
}

/**
 * Problems as a user reads them: each cluster named instead of counted
 * (`fleet.clusters[1]` → `fleet.clusters[euw1a]`), in paths and messages alike. A cluster
 * keeps its index when its name is missing, not a DNS label or shared with another cluster,
 * so a path always points at one cluster. A name cannot be mistaken for an index: it starts
 * with a letter.
 */
export function withClusterNames(problems: readonly Problem[], raw: unknown): Problem[] {
  const clusters = (raw as { clusters?: unknown })?.clusters;
  const list = Array.isArray(clusters) ? clusters : [];
  const namesOf = list.map((c) => (c && typeof c === "object" ? (c as { name?: unknown }).name : undefined));
  const usable = (name: unknown): name is string =>
    typeof name === "string" && /^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(name) && namesOf.filter((n) => n === name).length === 1;
  const rename = (text: string) =>
    text.replace(/\bfleet\.clusters\[(\d+)\]/g, (whole, index: string) => {
      const name = namesOf[Number(index)];
      return usable(name) ? `fleet.clusters[${name}]` : whole;
    });
  return problems.map((problem) => ({ ...problem, path: rename(problem.path), message: rename(problem.message) }));
}
