import { NAMING_RULES, nameProblem, RuleId } from "../../fleet/naming-rules";
import { fleetConfig, problemsOf } from "../fixtures/fleets";

type Mutation = (raw: Record<string, any>) => void;

describe("the naming table refuses what each service refuses", () => {
  const cases: [RuleId, string, RegExp][] = [
    ["s3Bucket", "xn--prod-c0-velero-123456789012", /starts with 'xn--'/],
    ["s3Bucket", "sthree-prod-c0-velero-123456789012", /starts with 'sthree-'/],
    ["s3Bucket", "sthree-configurator-x", /starts with 'sthree-'/],
    ["s3Bucket", "amzn-s3-demo-bucket", /starts with 'amzn-s3-demo-'/],
    ["s3Bucket", "backups-s3alias", /ends with '-s3alias'/],
    ["s3Bucket", "backups--ol-s3", /ends with '--ol-s3'/],
    ["s3Bucket", "backups.mrap", /ends with '.mrap'/],
    ["s3Bucket", "backups--x-s3", /ends with '--x-s3'/],
    ["s3Bucket", "backups--table-s3", /ends with '--table-s3'/],
    ["s3Bucket", "192.168.5.4", /formatted as an IP address/],
    ["s3Bucket", "a..b", /two adjacent periods/],
    ["s3Bucket", "ab", /shorter than the 3/],
    ["s3Bucket", "a".repeat(64), /64 characters; an S3 bucket name has at most 63/],
    ["loadBalancer", "internal-c0-nlb", /starts with 'internal-'/],
    ["loadBalancer", "a".repeat(33), /at most 32/],
    ["targetGroup", "-gw", /not starting or ending with '-'/],
    ["eventRule", "a".repeat(65), /at most 64/],
    ["eventTarget", "a".repeat(65), /at most 64/],
    ["iamRole", "a".repeat(65), /at most 64/],
    ["iamRole", "role with space", /letters, digits and/],
    ["kmsAlias", "alias/aws/ebs", /starts with 'alias\/aws\/'/],
    ["kmsAlias", "ebs", /'alias\/' then/],
    ["secret", "payments/db-abcdef", /six characters/],
    ["sqsQueue", "a".repeat(81), /at most 80/],
    ["logGroup", "/aws/eks/a b/cluster", /letters, digits and/],
    ["eksCluster", "-prod", /starting with a letter or digit/],
    ["eksNodeGroup", "a".repeat(64), /at most 63/],
    ["launchTemplate", "ab", /shorter than the 3/],
    ["securityGroup", "sg-c0-lb-nlb", /starts with 'sg-'/],
    ["accelerator", "prod-", /not starting or ending/],
    ["certificateDomain", `*.${"a".repeat(51)}.example.com`, /65 characters; a certificate's first domain name has at most 64/],
    ["dnsName", `${"a".repeat(64)}.example.com`, /labels of at most 63/],
    ["tagValue", "*.api.example.com", /letters, digits, spaces/],
    ["tagKey", "aws:cloudformation:stack", /starts with 'aws:'/],
  ];
  it.each(cases)("%s: %j", (rule, name, reason) => {
    expect(nameProblem(rule, name)).toMatch(reason);
  });

  it("accepts the names the program makes for the committed stack's shape", () => {
    expect(nameProblem("s3Bucket", "prod-use1-velero-123456789012")).toBeUndefined();
    expect(nameProblem("certificateDomain", `*.${"a".repeat(50)}.example.com`)).toBeUndefined(); // 64
    expect(nameProblem("dnsName", "_270f83e25bd589257e1e7346c6be8bfc.api.example.com.")).toBeUndefined();
    expect(nameProblem("tagValue", "prod-use1.api.example.com")).toBeUndefined();
  });

  it("gives every rule its source", () => {
    for (const rule of Object.values(NAMING_RULES)) expect(rule.source).toMatch(/\w/);
  });
});

describe("configs AWS would refuse are refused when parsed, naming the field", () => {
  const cases: [string, Mutation, string][] = [
    ["a fleet name making a bucket name S3 reserves (xn--)", (r) => (r.name = "xn--prod"), "fleet.name: makes an S3 bucket name 'xn--prod-c0-velero-123456789012' that AWS refuses: it starts with 'xn--', which AWS reserves for an S3 bucket name"],
    ["a fleet name making a bucket name S3 reserves (sthree-)", (r) => (r.name = "sthree-prod"), "fleet.name: makes an S3 bucket name 'sthree-prod-c0-velero-123456789012' that AWS refuses: it starts with 'sthree-', which AWS reserves for an S3 bucket name"],
    ["a fleet name making a bucket name S3 reserves (amzn-s3-demo-)", (r) => (r.name = "amzn-s3-demo-a"), "fleet.name: makes an S3 bucket name 'amzn-s3-demo-a-c0-velero-123456789012' that AWS refuses: it starts with 'amzn-s3-demo-', which AWS reserves for an S3 bucket name"],
    ["a fleet name making a load balancer name start with internal-", (r) => (r.name = "internal"), "fleet.name: makes a load balancer name 'internal-c0-nlb' that AWS refuses: it starts with 'internal-', which AWS reserves for a load balancer name"],
    [
      "a cluster name making an auto-named EventBridge rule longer than 64",
      (r) => (r.clusters[1].name = "abcdefghijklm"),
      "fleet.clusters[abcdefghijklm].name: makes an EventBridge rule name 'abcdefghijklm-karpenter-capacity-reservation-interruption-xxxxxxx' that AWS refuses: it is 65 characters; an EventBridge rule name has at most 64, counting the 8 characters Pulumi appends to a name it generates",
    ],
    ["a cluster name making its security group name start with sg-", (r) => (r.clusters[1].name = "sg"), "fleet.clusters[sg].name: makes a security group name 'sg-lb-nlb-xxxxxxx' that AWS refuses: it starts with 'sg-', which AWS reserves for a security group name, counting the 8 characters Pulumi appends to a name it generates"],
    [
      "a record whose wildcard certificate name passes ACM's 64",
      (r) => (r.dns.record = `${"a".repeat(51)}.example.com`),
      `fleet.dns.record: makes a certificate's first domain name '*.${"a".repeat(51)}.example.com' that AWS refuses: it is 65 characters; a certificate's first domain name has at most 64`,
    ],
    ["a secret name Secrets Manager's ARN suffix would shadow", (r) => (r.secrets[0].name = "payments/db-abcdef"), "fleet.secrets[0].name: makes a Secrets Manager secret name 'payments/db-abcdef' that AWS refuses: it ends with '-' and six characters, which partial-ARN matching (IAM policies, External Secrets) mistakes for the ARN's random suffix"],
    [
      "the same principal twice in clusterAdmins",
      (r) => (r.clusterAdmins = ["arn:aws:iam::123456789012:role/ci", "arn:aws:iam::123456789012:role/ci"]),
      "fleet.clusterAdmins[1]: 'arn:aws:iam::123456789012:role/ci' is already fleet.clusterAdmins[0]: EKS refuses a second access entry for one principal",
    ],
    [
      "a health path too long for the tag naming its health check",
      (r) => (r.dns.healthCheckPath = `/${"h".repeat(245)}`),
      `fleet.dns.healthCheckPath: makes a Route 53 tag value 'prod-c0.api.example.com/${"h".repeat(245)}' that AWS refuses: it is 269 characters; a Route 53 tag value has at most 256`,
    ],
    ["a health path with an empty segment", (r) => (r.dns.healthCheckPath = "/health//z"), "fleet.dns.healthCheckPath: '/health//z' has an empty segment ('//'): the gateway's exact match never sees it, so every health check would fail; write it without"],
    ["a health path with a '.' segment", (r) => (r.dns.healthCheckPath = "/./healthz"), "fleet.dns.healthCheckPath: '/./healthz' has a '.' segment: the gateway resolves it before matching, so every health check would fail; write the path it resolves to"],
    ["a health path with a '..' segment", (r) => (r.dns.healthCheckPath = "/a/../healthz"), "fleet.dns.healthCheckPath: '/a/../healthz' has a '..' segment: the gateway resolves it before matching, so every health check would fail; write the path it resolves to"],
    ["a system node group of desired 0", (r) => Object.assign(r.clusters[0].nodes, { min: 0, desired: 0 }), "fleet.clusters[c0].nodes.desired: 0 leaves the system node group empty: CoreDNS, Karpenter and the GitOps agent run there, so nothing could be scheduled; at least 1"],
    [
      "Graviton and x86 instance types in one node group",
      (r) => (r.clusters[0].nodes.instanceTypes = ["m7g.large", "m6i.large", "c6gn.xlarge"]),
      "fleet.clusters[c0].nodes.instanceTypes: mixes Graviton (arm64: m7g.large, c6gn.xlarge) and x86-64 (m6i.large) types; a node group runs one AMI, so list one architecture",
    ],
    ["a cron that never fires (30 February)", (r) => (r.backup = { schedule: "0 0 30 2 *" }), "fleet.backup.schedule: '0 0 30 2 *' never runs (no date matches it), so nothing would be backed up"],
    ["a cron in a time zone that never fires", (r) => (r.backup = { schedule: "CRON_TZ=Europe/Paris 0 0 31 4 *" }), "fleet.backup.schedule: 'CRON_TZ=Europe/Paris 0 0 31 4 *' never runs (no date matches it), so nothing would be backed up"],
    [
      "a cron starting a backup every minute while one runs up to 30 minutes",
      (r) => (r.backup = { schedule: "* * * * *" }),
      "fleet.backup.schedule: '* * * * *' starts backups 60 s apart, more often than a backup runs (backup.maxDuration, 30m): Velero skips a run while the last backup is still running, so the RPO the plan reports would not hold; start them further apart or lower backup.maxDuration",
    ],
    [
      "a schedule firing every second",
      (r) => (r.backup = { schedule: "@every 1s" }),
      "fleet.backup.schedule: '@every 1s' starts backups 1 s apart, more often than a backup runs (backup.maxDuration, 30m): Velero skips a run while the last backup is still running, so the RPO the plan reports would not hold; start them further apart or lower backup.maxDuration",
    ],
  ];

  it.each(cases)("refuses %s", (_, mutate, line) => {
    const raw = fleetConfig(3);
    mutate(raw);
    expect(problemsOf(raw)).toContain(line);
  });

  it("accepts the edges just inside each rule", () => {
    const raw = fleetConfig(3, { dns: { zone: "example.com", record: `${"a".repeat(50)}.example.com` }, backup: { schedule: "*/15 * * * *", maxDuration: "15m" } });
    raw.clusters[1].name = "abcdefghijkl"; // 12: the longest whose generated EventBridge names fit
    raw.clusters[2].nodes.instanceTypes = ["m7g.large", "c6gn.xlarge", "a1.large"];
    expect(problemsOf(raw)).toEqual([]);
  });
});
