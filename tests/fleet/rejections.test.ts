import { DEPLOY_ROLE, fleetConfig, problemsOf } from "../fixtures/fleets";

type Mutation = (raw: Record<string, any>) => void;
/** What a stack without public ranges is told: the deploy cannot reach a private-only endpoint, and what to list instead. */
const PRIVATE_ONLY =
  "fleet.apiAccessCidrs: is empty, and a private-only endpoint is not offered: `pulumi up` installs every cluster's agents through its Kubernetes API, and the runner of the deploy sits outside the VPCs the same run creates, with no route to a private endpoint. List the public egress ranges of your CI runners (and your VPN), e.g. [203.0.113.0/24]: the endpoint stays private inside each VPC and public to those ranges only";
const ranges = (n: number) => Array.from({ length: n }, (_, i) => `198.51.${i}.0/24`);

/** Each bad input, the mutation that produces it, and the line the user must see. */
const cases: [string, Mutation, string][] = [
  ["an invalid CIDR", (r) => (r.clusters[1].vpcCidr = "10.300.0.0/16"), "fleet.clusters[c1].vpcCidr: '10.300.0.0/16' is not an IPv4 CIDR block"],
  ["a CIDR with host bits", (r) => (r.clusters[1].vpcCidr = "10.1.2.0/16"), "fleet.clusters[c1].vpcCidr: '10.1.2.0/16' has host bits set (network address is 10.1.0.0/16)"],
  ["overlapping CIDRs", (r) => (r.clusters[1].vpcCidr = "10.0.128.0/17"), "fleet.clusters[c1].vpcCidr: '10.0.128.0/17' overlaps fleet.clusters[c0].vpcCidr (10.0.0.0/16)"],
  ["a VPC too small to carve", (r) => (r.clusters[1].vpcCidr = "10.1.0.0/24"), "fleet.clusters[c1].vpcCidr: '10.1.0.0/24' must be between /16 and /20"],
  ["a duplicate name", (r) => (r.clusters[1].name = "c0"), "fleet.clusters[1].name: 'c0' is already the name of fleet.clusters[0]"],
  ["a non-DNS name", (r) => (r.clusters[1].name = "US_West"), "fleet.clusters[1].name: must be a DNS label: lowercase letters, digits and '-', starting with a letter"],
  ["an unknown region", (r) => (r.clusters[1].region = "us-north-9"), "fleet.clusters[c1].region: unknown AWS region 'us-north-9'; did you mean 'eu-north-1'?"],
  ["two primaries", (r) => (r.clusters[1].role = "primary"), "fleet.clusters: active-passive needs exactly one primary (found 2: c0, c1)"],
  ["no primary", (r) => (r.clusters[0].role = "secondary"), "fleet.clusters: active-passive needs exactly one primary (found 0)"],
  ["a missing role in active-passive", (r) => delete r.clusters[1].role, "fleet.clusters[c1].role: active-passive needs a role: primary or secondary"],
  ["a secondary in active-active", (r) => (r.mode = "active-active"), "fleet.clusters[c1].role: active-active has no secondaries: every cluster serves; omit role or switch mode to active-passive"],
  ["one cluster", (r) => r.clusters.splice(1), "fleet.clusters: a fleet needs at least two clusters for high availability (found 1)"],
  ["a single region", (r) => r.clusters.forEach((c: { region: string }) => (c.region = "us-east-1")), "fleet.clusters: all clusters are in one region; a fleet needs at least two regions to survive a regional outage"],
  ["a standby in active-active", (r) => { r.mode = "active-active"; r.standby = "warm"; }, "fleet.standby: active-active has no standby: every cluster serves; remove standby or switch mode to active-passive"],
  ["an unknown standby", (r) => (r.standby = "cold"), 'fleet.standby: Invalid option: expected one of "warm"|"pilot-light"'],
  ["an unknown mode", (r) => (r.mode = "active-standby"), 'fleet.mode: Invalid option: expected one of "active-active"|"active-passive"'],
  ["an unknown engine", (r) => (r.gitops.engine = "fleet"), 'fleet.gitops.engine: Invalid option: expected one of "flux"|"argocd"'],
  ["the retired single hub, with what to write instead", (r) => { r.clusters[2].region = "us-east-1"; Object.assign(r.gitops, { engine: "argocd", hub: "c2" }); }, "fleet.gitops.hub: replaced by one Argo CD hub per region (the region's first cluster by default): remove gitops.hub or, to keep 'c2' as its region's hub when it is not the first cluster there, write gitops.hubs: { us-east-1: c2 }"],
  ["the retired hub naming no cluster", (r) => Object.assign(r.gitops, { engine: "argocd", hub: "c9" }), "fleet.gitops.hub: replaced by one Argo CD hub per region (the region's first cluster by default): remove gitops.hub"],
  ["a pinned hub in a region without clusters", (r) => Object.assign(r.gitops, { engine: "argocd", hubs: { "eu-central-1": "c0" } }), "fleet.gitops.hubs.eu-central-1: no cluster of this fleet is in eu-central-1"],
  ["a pinned hub naming no cluster", (r) => Object.assign(r.gitops, { engine: "argocd", hubs: { "us-east-1": "c9" } }), "fleet.gitops.hubs.us-east-1: 'c9' is not a cluster of this fleet (c0, c1, c2)"],
  ["a pinned hub in another region", (r) => Object.assign(r.gitops, { engine: "argocd", hubs: { "us-east-1": "c1" } }), "fleet.gitops.hubs.us-east-1: 'c1' is in us-west-2; a hub manages the clusters of its own region"],
  ["hubs under flux", (r) => (r.gitops.hubs = { "us-east-1": "c0" }), "fleet.gitops.hubs: only the argocd engine has hubs; flux runs in every cluster"],
  ["an active-passive accelerator over four regions", (r) => { r.dns.globalAccelerator = true; r.clusters.push({ ...r.clusters[2], name: "c3", region: "eu-central-1", vpcCidr: "10.3.0.0/16", role: "secondary" }); }, "fleet.dns.globalAccelerator: an active-passive fleet behind Global Accelerator spans at most 3 regions (found 4): the accelerator looks for the one serving cluster only in the 3 regions closest to each client. Use Route 53 (globalAccelerator: false) or active-active"],
  ["eleven clusters of a region behind the accelerator", (r) => { r.dns.globalAccelerator = true; for (let i = 3; i < 13; i++) r.clusters.push({ ...r.clusters[0], name: `c${i}`, vpcCidr: `10.${i}.0.0/16`, role: "secondary" }); }, "fleet.clusters[c12].region: is the 11th cluster in us-east-1: behind Global Accelerator a region holds at most 10 (its one endpoint group takes at most 10 load balancers). Move clusters to another region or use Route 53 (globalAccelerator: false)"],
  ["a record outside its zone", (r) => (r.dns.record = "api.example.org"), "fleet.dns.record: 'api.example.org' is not inside the zone 'example.com'"],
  ["an invalid cron", (r) => (r.backup = { schedule: "61 * * * *" }), "fleet.backup.schedule: '61 * * * *' is not a schedule Velero accepts: minute '61': 61 is above 59"],
  ["a six-field cron", (r) => (r.backup = { schedule: "0 0 * * * *" }), "fleet.backup.schedule: '0 0 * * * *' is not a schedule Velero accepts: has 6 fields; Velero's cron takes five (minute hour day-of-month month day-of-week)"],
  ["a bad retention", (r) => (r.backup = { retention: "30d" }), "fleet.backup.retention: '30d' must be a duration of at least 1h, such as 720h"],
  ["a malformed account ID", (r) => (r.accountId = "12345"), "fleet.accountId: must be a 12-digit AWS account ID in quotes"],
  ["an account ID as a number", (r) => (r.accountId = 123456789012), "fleet.accountId: expected text, but YAML read the number 123456789012; quote it (\"123456789012\") so it stays as written"],
  ["a wrong type", (r) => (r.clusters[0].nodes.min = "two"), "fleet.clusters[c0].nodes.min: Invalid input: expected number, received string"],
  ["a missing key", (r) => delete r.clusters[0].vpcCidr, "fleet.clusters[c0].vpcCidr: is required (string)"],
  ["min above desired", (r) => (r.clusters[0].nodes.min = 4), "fleet.clusters[c0].nodes.min: min (4) must not exceed desired (3)"],
  ["desired above max", (r) => (r.clusters[0].nodes.desired = 7), "fleet.clusters[c0].nodes.desired: desired (7) must not exceed max (6)"],
  ["a secret in an undeclared namespace", (r) => (r.secrets[0].namespace = "billing"), "fleet.secrets[0].namespace: 'billing' is not declared in fleet.namespaces"],
  ["a system: admin group", (r) => (r.namespaces[0].admins = ["system:masters"]), "fleet.namespaces[0].admins[0]: must not start with 'system:' (a group Kubernetes defines)"],
  ["an admin role without groups", (r) => (r.namespaces[0] = { name: "payments", adminRoles: ["arn:aws:iam::123456789012:role/payments"] }), "fleet.namespaces[0].adminRoles[0]: arn:aws:iam::123456789012:role/payments would be given no group: list the groups it acts as in fleet.namespaces[0].admins"],
  ["an admin role that is a cluster admin", (r) => { r.clusterAdmins = ["arn:aws:iam::123456789012:role/ops"]; r.namespaces[0].adminRoles = ["arn:aws:iam::123456789012:role/ops"]; }, "fleet.namespaces[0].adminRoles[0]: arn:aws:iam::123456789012:role/ops is also fleet.clusterAdmins[0]: it already administers the whole cluster through its access entry, and EKS allows one access entry per role"],
  ["an admin role that is the deploy role under another path", (r) => (r.namespaces[0].adminRoles = [r.deployRoleArn.replace(":role/", ":role/teams/")]), `fleet.namespaces[0].adminRoles[0]: ${DEPLOY_ROLE.replace(":role/", ":role/teams/")} is also fleet.deployRoleArn: it already administers the whole cluster through its access entry, and EKS allows one access entry per role`],
  ["an admin role that is the preview role", (r) => { r.previewRoleArn = "arn:aws:iam::123456789012:role/preview"; r.namespaces[0].adminRoles = ["arn:aws:iam::123456789012:role/preview"]; }, "fleet.namespaces[0].adminRoles[0]: arn:aws:iam::123456789012:role/preview is also fleet.previewRoleArn: it already reads the whole cluster through its access entry, and EKS allows one access entry per role"],
  ["an admin role that is not a role ARN", (r) => (r.namespaces[0].adminRoles = ["payments-admins"]), "fleet.namespaces[0].adminRoles[0]: must be an IAM role ARN"],
  ["an unknown key", (r) => (r.clusters[0].vpcCdir = "10.9.0.0/16"), "fleet.clusters[c0].vpcCdir: unknown key; did you mean 'vpcCidr'? (see docs/REFERENCE.md, Config reference)"],
  ["an unknown top-level key", (r) => (r.regions = ["us-east-1"]), "fleet.regions: unknown key (check the spelling; see docs/REFERENCE.md, Config reference)"],
  ["a world-open API endpoint", (r) => (r.apiAccessCidrs = ["0.0.0.0/0"]), "fleet.apiAccessCidrs[0]: 0.0.0.0/0 opens the API endpoint to the internet; list your CI runners' and VPN egress ranges"],
  ["a private-only endpoint, which no runner outside the VPCs reaches", (r) => (r.apiAccessCidrs = []), PRIVATE_ONLY],
  ["no apiAccessCidrs at all", (r) => delete r.apiAccessCidrs, PRIVATE_ONLY],
  ["more public access CIDRs than EKS allows", (r) => (r.apiAccessCidrs = ranges(41)), "fleet.apiAccessCidrs: 41 ranges exceed the 40 public access CIDRs EKS allows per cluster; list at most 40"],
  ["CIDRs that leave no room for the Argo CD hub's NAT addresses", (r) => { r.apiAccessCidrs = ranges(38); r.gitops.engine = "argocd"; r.clusters[2].region = "us-east-1"; }, "fleet.apiAccessCidrs: 38 ranges with an Argo CD hub's 3 NAT addresses exceed the 40 public access CIDRs EKS allows per cluster; list at most 37"],
  ["no hosted zone ID", (r) => delete r.dns.zoneId, "fleet.dns.zoneId: is required (string)"],
  [
    "practice-run windows both allowed and blocked",
    (r) => (r.zonalAutoshift = { allowedWindows: ["Wed:12:00-Wed:17:00"], blockedWindows: ["Mon:00:00-Mon:08:00"] }),
    "fleet.zonalAutoshift.blockedWindows: cannot be combined with allowedWindows: ARC takes either the windows practice runs may start in or those they may not (CreatePracticeRunConfiguration); keep one",
  ],
  [
    "a practice-run window across two days",
    (r) => (r.zonalAutoshift = { allowedWindows: ["Fri:22:00-Sat:02:00"] }),
    "fleet.zonalAutoshift.allowedWindows[0]: 'Fri:22:00-Sat:02:00' must be one window within a day, in UTC, as Day:HH:MM-Day:HH:MM with the same day (Mon…Sun) twice and the end after the start, such as Wed:12:00-Wed:17:00: ARC does not take windows that span days",
  ],
  [
    "a practice-run window that ends before it starts",
    (r) => (r.zonalAutoshift = { blockedWindows: ["mon:18:30-mon:09:00"] }),
    "fleet.zonalAutoshift.blockedWindows[0]: 'mon:18:30-mon:09:00' must be one window within a day, in UTC, as Day:HH:MM-Day:HH:MM with the same day (Mon…Sun) twice and the end after the start, such as Wed:12:00-Wed:17:00: ARC does not take windows that span days",
  ],
  ["a blocked date that is no date", (r) => (r.zonalAutoshift = { blockedDates: ["2026-02-30"] }), "fleet.zonalAutoshift.blockedDates[0]: '2026-02-30' must be a calendar date as YYYY-MM-DD (UTC), such as 2026-12-24"],
  [
    "zonal autoshift on a cluster that may run a single system node",
    (r) => { r.zonalAutoshift = {}; r.clusters[1].nodes.min = 1; },
    "fleet.clusters[c1].nodes.min: 1 with zonalAutoshift: ARC practises every week by shifting traffic away from one zone, and with fewer than 2 system nodes both gateway replicas can share that zone, so the cluster would fail its health check; set min to at least 2",
  ],
  [
    "a hosted zone ID as the API returns it, with /hostedzone/",
    (r) => (r.dns.zoneId = "/hostedzone/Z0123456789ABCDEFGHIJ"),
    "fleet.dns.zoneId: must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ: the Id that `aws route53 list-hosted-zones-by-name --dns-name <zone>` prints, without /hostedzone/",
  ],
  [
    "the zone's name as its ID",
    (r) => (r.dns.zoneId = "example.com"),
    "fleet.dns.zoneId: must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ: the Id that `aws route53 list-hosted-zones-by-name --dns-name <zone>` prints, without /hostedzone/",
  ],
  ["no deploy role", (r) => delete r.deployRoleArn, "fleet.deployRoleArn: is required (string)"],
  ["a deploy role that is not a role", (r) => (r.deployRoleArn = "arn:aws:iam::123456789012:user/ci"), "fleet.deployRoleArn: must be an IAM role ARN"],
  [
    "the deploy role listed in clusterAdmins too",
    (r) => (r.clusterAdmins = ["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:role/ci/eks-fleet-deploy"]),
    "fleet.clusterAdmins[1]: arn:aws:iam::123456789012:role/ci/eks-fleet-deploy is fleet.deployRoleArn already; each role gets one access entry (a second one fails with 409 ResourceInUseException)",
  ],
  [
    "a cluster admin as the preview role",
    (r) => Object.assign(r, { clusterAdmins: ["arn:aws:iam::123456789012:role/platform-admins"], previewRoleArn: "arn:aws:iam::123456789012:role/platform-admins" }),
    "fleet.previewRoleArn: arn:aws:iam::123456789012:role/platform-admins is fleet.clusterAdmins[0] already; each role gets one access entry (a second one fails with 409 ResourceInUseException)",
  ],
  [
    "a deploy role of another account",
    (r) => (r.deployRoleArn = "arn:aws:iam::999999999999:role/eks-fleet-deploy"),
    "fleet.deployRoleArn: is a role of account 999999999999, not of fleet.accountId (123456789012): it must work in the account the fleet is deployed to",
  ],
  [
    "a preview role of another account",
    (r) => (r.previewRoleArn = "arn:aws:iam::999999999999:role/eks-fleet-preview"),
    "fleet.previewRoleArn: is a role of account 999999999999, not of fleet.accountId (123456789012): it must work in the account the fleet is deployed to",
  ],
  ["a backup partner in the same region", (r) => { r.clusters[2].region = "us-east-1"; r.clusters[0].backupPartner = "c2"; }, "fleet.clusters[c0].backupPartner: 'c2' is in us-east-1 too; backups must leave the region"],
];

describe("rejected fleet configs", () => {
  it.each(cases)("rejects %s, naming the path", (_, mutate, line) => {
    const raw = fleetConfig(3);
    mutate(raw);
    expect(problemsOf(raw)).toContain(line);
  });

  it.each(["kube-system", "kube-public", "kube-node-lease", "default", "flux-system", "argocd", "external-secrets", "velero", "external-dns", "ingress", "karpenter", "amazon-cloudwatch", "kube-custom"])(
    "rejects the reserved namespace %s",
    (name) => {
      const raw = fleetConfig(2);
      raw.namespaces.push({ name });
      expect(problemsOf(raw)).toEqual([
        `fleet.namespaces[1].name: '${name}' is reserved for Kubernetes or the fleet's own agents; its default-deny and quota would cut their DNS, API and Git access. Choose another name`,
      ]);
    },
  );

  it("rejects an unknown home region under aws:region", () => {
    expect(problemsOf(fleetConfig(2), "mars-1")).toEqual(["aws:region: unknown AWS region 'mars-1'"]);
  });

  it("reports every problem at once, one line each", () => {
    const raw = fleetConfig(3);
    raw.clusters[1].vpcCidr = "10.0.0.0/16";
    raw.dns.record = "api.example.org";
    raw.kubernetesVersion = "1.20";
    expect(problemsOf(raw)).toHaveLength(3);
  });

  it("accepts the valid baseline the cases mutate", () => {
    expect(problemsOf(fleetConfig(3))).toEqual([]);
  });

  it("accepts public access CIDRs up to the EKS limit, counting the NAT addresses of a spoke's own hub only", () => {
    // c2 shares us-west-1 (two zones) with its hub c1: 38 + 2. Hubs and clusters alone in their region admit no hub.
    const raw = fleetConfig(3, { apiAccessCidrs: ranges(38) });
    raw.gitops.engine = "argocd";
    raw.clusters[1].region = "us-west-1";
    raw.clusters[2].region = "us-west-1";
    expect(problemsOf(raw)).toEqual([]);
    raw.apiAccessCidrs = ranges(39);
    expect(problemsOf(raw)).toEqual(["fleet.apiAccessCidrs: 39 ranges with an Argo CD hub's 2 NAT addresses exceed the 40 public access CIDRs EKS allows per cluster; list at most 38"]);
    // A fleet of one cluster per region has no spoke at all: every cluster is its region's hub.
    expect(problemsOf(fleetConfig(3, { apiAccessCidrs: ranges(40), gitops: { ...raw.gitops } }))).toEqual([]);
  });

  it("accepts an active-passive accelerator over three regions, and active-active over more", () => {
    expect(problemsOf(fleetConfig(3, { dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } }))).toEqual([]);
    const wide = fleetConfig(4, { mode: "active-active", dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } });
    wide.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    expect(problemsOf(wide)).toEqual([]);
  });
});
