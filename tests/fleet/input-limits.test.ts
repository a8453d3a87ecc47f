import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetConfigError, readStackFile } from "../../fleet";
import { longestGapSeconds } from "../../fleet/schedule";
import { fleetConfig, problemsOf } from "../fixtures/fleets";

type Mutation = (raw: Record<string, any>) => void;

/** Input that parses but that AWS, Git, Flux or Velero would refuse: each case and the one line it must give. */
const refused: [string, Mutation, string][] = [
  ["a record at the zone apex (no CNAME there)", (r) => (r.dns.record = "example.com"), "fleet.dns.record: 'example.com' is the zone apex, where a CNAME cannot exist; use a name inside the zone such as api.example.com"],
  ["a token in an https URL", (r) => (r.gitops.repoUrl = "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/platform.git"), "fleet.gitops.repoUrl: holds credentials: remove them from the URL and name a Secret holding them in fleet.gitops.secretRef"],
  ["a user and password in an https URL", (r) => (r.gitops.repoUrl = "https://bot:hunter2@github.com/acme/platform.git"), "fleet.gitops.repoUrl: holds credentials: remove them from the URL and name a Secret holding them in fleet.gitops.secretRef"],
  ["a password in an ssh URL", (r) => ((r.gitops.repoUrl = "ssh://git:hunter2@github.com/acme/platform.git"), (r.gitops.secretRef = "git-deploy-key")), "fleet.gitops.repoUrl: holds credentials: remove them from the URL and name a Secret holding them in fleet.gitops.secretRef"],
  ["an scp-style URL", (r) => (r.gitops.repoUrl = "git@github.com:acme/platform.git"), "fleet.gitops.repoUrl: scp-style URLs are not accepted by Flux; write ssh://git@github.com/acme/platform.git"],
  ["an ssh URL without a Secret", (r) => (r.gitops.repoUrl = "ssh://git@github.com/acme/platform.git"), "fleet.gitops.repoUrl: an ssh:// repository needs fleet.gitops.secretRef: the Secret holding the deploy key (identity, known_hosts)"],
  ["a Secret name that is not one", (r) => (r.gitops.secretRef = "Git_Key"), "fleet.gitops.secretRef: must be a Kubernetes Secret name"],
  ["API CIDRs that together cover the internet", (r) => (r.apiAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]), "fleet.apiAccessCidrs: together cover the whole IPv4 internet; list your CI runners' and VPN egress ranges"],
  ["a private API CIDR", (r) => (r.apiAccessCidrs = ["10.0.0.0/8"]), "fleet.apiAccessCidrs[0]: '10.0.0.0/8' includes 10.0.0.0/8 (private (RFC 1918)); the public endpoint sees public addresses: list your CI and VPN egress ranges"],
  ["a loopback API CIDR", (r) => (r.apiAccessCidrs = ["127.0.0.1/32"]), "fleet.apiAccessCidrs[0]: '127.0.0.1/32' includes 127.0.0.0/8 (loopback); the public endpoint sees public addresses: list your CI and VPN egress ranges"],
  ["a multicast API CIDR", (r) => (r.apiAccessCidrs = ["224.0.0.0/8"]), "fleet.apiAccessCidrs[0]: '224.0.0.0/8' includes 224.0.0.0/4 (multicast); the public endpoint sees public addresses: list your CI and VPN egress ranges"],
  ["a public VPC range", (r) => (r.clusters[1].vpcCidr = "8.8.0.0/16"), "fleet.clusters[c1].vpcCidr: '8.8.0.0/16' is outside private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10)"],
  ["a VPC CIDR with leading zeros (read as octal)", (r) => (r.clusters[1].vpcCidr = "010.010.0.0/16"), "fleet.clusters[c1].vpcCidr: '010.010.0.0/16' must be written in plain decimal (a.b.c.d/n, no leading zeros)"],
  ["a cron 'L'", (r) => (r.backup = { schedule: "0 0 L * *" }), "fleet.backup.schedule: '0 0 L * *' is not a schedule Velero accepts: day of month 'L': 'L' is not a number"],
  ["a cron '#'", (r) => (r.backup = { schedule: "0 0 * * 1#2" }), "fleet.backup.schedule: '0 0 * * 1#2' is not a schedule Velero accepts: day of week '1#2': '1#2' is not a number or name"],
  ["a day of week 7", (r) => (r.backup = { schedule: "0 0 * * 7" }), "fleet.backup.schedule: '0 0 * * 7' is not a schedule Velero accepts: day of week '7': 7 is above 6"],
  ["a descriptor with a newline", (r) => (r.backup = { schedule: "@daily\n" }), "fleet.backup.schedule: '@daily' is not a schedule Velero accepts: unknown descriptor (Velero knows @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>)"],
  ["a retention past Go's longest duration", (r) => (r.backup = { retention: "9999999h" }), "fleet.backup.retention: '9999999h' exceeds the longest duration Velero can hold (2562047h)"],
  ["a DNS record too long for cluster names", (r) => (r.dns.record = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.example.com`), "fleet.dns.record: must be at most 231 characters, so that <fleet>-<cluster>.<record> fits Route 53's 253"],
  ["a health check path whose takeover path passes Route 53's 255", (r) => (r.dns.healthCheckPath = `/${"x".repeat(246)}`), "fleet.dns.healthCheckPath: must be at most 246 characters (Route 53 checks up to 255, and '/takeover' is appended to it)"],
  ["a node group past the EKS quota", (r) => (r.clusters[0].nodes.max = 451), "fleet.clusters[c0].nodes.max: 451 exceeds the EKS quota of 450 nodes per managed node group"],
  ["a branch starting with '-'", (r) => (r.gitops.branch = "--upload-pack=x"), "fleet.gitops.branch: '--upload-pack=x' is not a valid Git branch name (see git check-ref-format)"],
  ["a branch with '..'", (r) => (r.gitops.branch = "a..b"), "fleet.gitops.branch: 'a..b' is not a valid Git branch name (see git check-ref-format)"],
  ["a branch ending in .lock", (r) => (r.gitops.branch = "release.lock"), "fleet.gitops.branch: 'release.lock' is not a valid Git branch name (see git check-ref-format)"],
  ["an unknown allowed region", (r) => (r.policy = { allowedRegions: ["us-east-1", "us-moon-1"] }), "fleet.policy.allowedRegions[1]: unknown AWS region 'us-moon-1'"],
  ["gitops.path at .git", (r) => (r.gitops.path = ".git"), "fleet.gitops.path: '.git' is a hidden folder; synth replaces its folder as a whole, so name a plain one such as gitops"],
  ["gitops.path at the repository root", (r) => (r.gitops.path = "."), "fleet.gitops.path: must not contain '.' or '..' segments"],
  ["gitops.path in a source folder", (r) => (r.gitops.path = "fleet/out"), "fleet.gitops.path: 'fleet' is a folder of the project itself; synth replaces its folder as a whole, so name another one such as gitops"],
  ["gitops.path at node_modules", (r) => (r.gitops.path = "node_modules"), "fleet.gitops.path: 'node_modules' is a folder of the project itself; synth replaces its folder as a whole, so name another one such as gitops"],
  ["gitops.path outside the repository", (r) => (r.gitops.path = "../elsewhere"), "fleet.gitops.path: must not contain '.' or '..' segments"],
  ["gitops.path absolute", (r) => (r.gitops.path = "/etc"), "fleet.gitops.path: must be a relative path inside the repository, such as gitops"],
];

describe("input AWS, Git, Flux or Velero would refuse is refused up front", () => {
  it.each(refused)("%s", (_, mutate, line) => {
    const raw = fleetConfig(3);
    mutate(raw);
    const problems = problemsOf(raw);
    expect(problems).toContain(line);
    // A credential is never echoed back.
    expect(problems.join("\n")).not.toMatch(/hunter2|ghp_/);
  });
});

describe("what Velero and AWS accept stays accepted", () => {
  const accepted: [string, Mutation][] = [
    ["a schedule with a trailing newline (robfig/cron splits on any whitespace)", (r) => (r.backup = { schedule: "0 * * * *\n" })],
    ["names, ranges, steps and '?' (backups that end before the next starts)", (r) => (r.backup = { schedule: "*/15 2 ? jan-dec mon-fri", maxDuration: "15m" })],
    ["@every and a time zone", (r) => (r.backup = { schedule: "@every 6h" })],
    ["a TZ= prefix", (r) => (r.backup = { schedule: "TZ=Europe/Berlin 0 3 * * *" })],
    ["a private repository over ssh with its Secret", (r) => Object.assign(r.gitops, { repoUrl: "ssh://git@github.com/acme/platform.git", secretRef: "git-deploy-key" })],
    ["a 100.64.0.0/10 VPC", (r) => (r.clusters[1].vpcCidr = "100.64.0.0/16")],
    ["a nested gitops.path", (r) => (r.gitops.path = "deploy/gitops")],
    ["a branch with slashes", (r) => (r.gitops.branch = "release/2025-01")],
  ];
  it.each(accepted)("%s", (_, mutate) => {
    const raw = fleetConfig(3);
    mutate(raw);
    expect(problemsOf(raw)).toEqual([]);
  });

  it("computes the backup gap robfig/cron's way for @every and for a weekday pattern", () => {
    expect(longestGapSeconds("@every 90m")).toBe(5400);
    expect(longestGapSeconds("0 2 * * mon-fri")).toBe(3 * 86400); // Friday 02:00 → Monday 02:00
  });
});

describe("stack files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-fleet-limits-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const messageOf = (file: string) => {
    try {
      readStackFile(file);
      return "ok";
    } catch (err) {
      expect(err).toBeInstanceOf(FleetConfigError);
      return (err as Error).message;
    }
  };

  it("refuses both eks-fleet:fleet and a bare fleet key", () => {
    const file = path.join(dir, "Pulumi.both.yaml");
    fs.writeFileSync(file, "config:\n  eks-fleet:fleet: { name: a }\n  fleet: { name: b }\n");
    expect(messageOf(file)).toBe(`${file}: config has both 'eks-fleet:fleet' and 'fleet', which Pulumi reads as the same key; keep one`);
  });

  it("refuses a FIFO, a device and a folder without reading them", () => {
    const fifo = path.join(dir, "Pulumi.fifo.yaml");
    require("child_process").execFileSync("mkfifo", [fifo]);
    expect(messageOf(fifo)).toBe(`${fifo}: is not a regular file`);
    expect(messageOf("/dev/zero")).toBe("/dev/zero: is not a regular file");
    expect(messageOf(dir)).toMatch(/: is not a regular file$/);
  });

  it("refuses a file past 8 MiB", () => {
    const file = path.join(dir, "Pulumi.huge.yaml");
    fs.writeFileSync(file, Buffer.alloc(8 * 1024 * 1024 + 1, "#"));
    expect(messageOf(file)).toBe(`${file}: is larger than 8 MiB; a stack file is a few kilobytes`);
  });

  it("loads a map of 80,000 keys in time linear in its size", () => {
    const file = (n: number) => {
      const name = path.join(dir, `Pulumi.big${n}.yaml`);
      const lines = Array.from({ length: n }, (_, i) => `      k${i}: ${i}`);
      fs.writeFileSync(name, `config:\n  aws:region: us-east-1\n  eks-fleet:fleet:\n    labels:\n${lines.join("\n")}\n    dup: 1\n    dup: 2\n`);
      return name;
    };
    const timed = (name: string) => {
      const start = process.hrtime.bigint();
      expect(messageOf(name)).toMatch(/map keys must be unique: 'dup' appears twice/);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    timed(file(1000)); // warm-up
    const small = timed(file(10_000));
    const large = timed(file(80_000));
    // Quadratic would be 64×; allow generous noise on a shared machine.
    expect(large / small).toBeLessThan(24);
  });
});
