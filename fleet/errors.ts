/** One thing wrong with the input, located by its config path (`fleet.clusters[1].vpcCidr`). */
export interface Problem {
  readonly path: string;
  readonly message: string;
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
  return `${problem.path}: ${problem.message}`.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `["clusters", 1, "vpcCidr"]` → `fleet.clusters[1].vpcCidr`. */
export function configPath(root: string, segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === "number" ? `${path}[${segment}]` : `${path}.${String(segment)}`),
    root,
  );
}
