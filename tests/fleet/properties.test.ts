import fc from "fast-check";
import { FleetConfigError, parseFleet } from "../../fleet";
import { offeredVersions } from "../../fleet/versions";

const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];

/** Any valid fleet: 2–6 clusters, distinct names and /16s, at least two regions, consistent roles. */
const validFleet = fc
  .record({
    size: fc.integer({ min: 2, max: 6 }),
    // Not a label the program uses under the record, nor one whose security group would start with "sg-".
    names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).filter((n) => n !== "standby" && n !== "sg"), { minLength: 6, maxLength: 6 }),
    octets: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
    regions: fc.array(fc.constantFrom(...REGIONS), { minLength: 6, maxLength: 6 }),
    activeActive: fc.boolean(),
    argocd: fc.boolean(),
    primary: fc.nat(),
    version: fc.constantFrom(...offeredVersions(new Date())),
    schedule: fc.constantFrom("0 * * * *", "*/30 * * * *", "@daily", "15 2 * * 1-5"),
    nodes: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 })),
  })
  .map((f) => {
    const regions = f.regions.slice(0, f.size);
    if (new Set(regions).size < 2) regions[1] = regions[0] === REGIONS[0] ? REGIONS[1] : REGIONS[0];
    const [a, b, c] = [...f.nodes].sort((x, y) => x - y);
    const primary = f.primary % f.size;
    return {
      name: "fleet",
      accountId: "210987654321",
      mode: f.activeActive ? "active-active" : "active-passive",
      kubernetesVersion: f.version,
      gitops: { engine: f.argocd ? "argocd" : "flux", repoUrl: "https://git.example.com/fleet.git", ...(f.argocd ? { hubs: { [regions[primary]]: f.names[primary] } } : {}) },
      deployRoleArn: "arn:aws:iam::210987654321:role/deploy",
      apiAccessCidrs: ["203.0.113.0/24"],
      dns: { zone: "example.net", zoneId: "Z04567890ABCDEFGHIJKL", record: "app.example.net" },
      backup: { schedule: f.schedule },
      namespaces: [{ name: "team", admins: ["team-admins"] }],
      secrets: [{ name: "team/api-key", namespace: "team" }],
      clusters: regions.map((region, i) => ({
        name: f.names[i],
        region,
        ...(f.activeActive ? {} : { role: i === primary ? "primary" : "secondary" }),
        vpcCidr: `10.${f.octets[i]}.0.0/16`,
        // The system node group runs at least one node.
        nodes: { instanceTypes: ["m7g.large"], min: a, desired: Math.max(b, 1), max: Math.max(c, 1) },
      })),
    } as Record<string, any>;
  });

/** Mutations that must always be rejected, each breaking exactly one rule. */
const breakingMutations: ((f: Record<string, any>) => void)[] = [
  (f) => (f.clusters[1].vpcCidr = f.clusters[0].vpcCidr),
  (f) => (f.clusters[1].name = f.clusters[0].name),
  (f) => (f.clusters[0].region = "xx-nowhere-1"),
  (f) => f.clusters.splice(1),
  (f) => (f.mode = "hot-standby"),
  (f) => (f.gitops.engine = "jenkins"),
  (f) => (f.dns.record = "app.elsewhere.org"),
  (f) => (f.backup.schedule = "every hour"),
  (f) => (f.accountId = "1234"),
  (f) => (f.kubernetesVersion = "1.19"),
  (f) => (f.clusters[0].nodes.max = -1),
  (f) => (f.secrets[0].namespace = "ghost"),
  (f) => (f.clusters[0].typo = true),
  (f) => (f.clusters[0].nodes = "big"),
];

/** Replaces the value at a random path with an arbitrary value: valid or not, never a crash. */
function setAt(target: any, path: (string | number)[], value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, key) => node[key], target);
  parent[path[path.length - 1]] = value;
}

function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))].filter((p) => p.length > 0);
}

function outcome(raw: unknown): "ok" | "rejected" {
  try {
    parseFleet(raw, "us-east-1");
    return "ok";
  } catch (err) {
    if (err instanceof FleetConfigError && err.problems.length > 0) return "rejected";
    throw err;
  }
}

describe("fleet config properties", () => {
  it("parses every valid fleet", () => {
    fc.assert(fc.property(validFleet, (raw) => outcome(raw) === "ok"), { numRuns: 200 });
  });

  it("rejects every rule-breaking single mutation with a located error", () => {
    fc.assert(
      fc.property(validFleet, fc.nat(breakingMutations.length - 1), (raw, which) => {
        breakingMutations[which](raw);
        return outcome(raw) === "rejected";
      }),
      { numRuns: 300 },
    );
  });

  it("never crashes on an arbitrary value at an arbitrary path", () => {
    fc.assert(
      fc.property(validFleet, fc.nat(), fc.anything({ maxDepth: 2 }), (raw, pick, value) => {
        const paths = pathsOf(raw);
        setAt(raw, paths[pick % paths.length], value);
        outcome(raw); // either result is fine; any other exception fails the property
      }),
      { numRuns: 500 },
    );
  });
});
