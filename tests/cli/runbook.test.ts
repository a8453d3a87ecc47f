import * as fs from "fs";
import * as path from "path";
import { fleetFromStackFile, HEALTH_ANSWERS, HEALTH_CHECK, healthPaths, names, parseFleet } from "../../fleet";
import { ANSWER_SETS, FAILOVER_SLOTS } from "../../components/dns-routing";
import { WARM_REPLICAS_ANNOTATION } from "../../charts/standby";
import { replicationLatencyAlarmArgs, replicationRuleId } from "../../components/backup-replication";
import { main as failover } from "../../cli/failover";
import { fleetConfig } from "../fixtures/fleets";
import { tempDir } from "../support/temp-dirs";

const ROOT = path.resolve(__dirname, "../..");
const source = fs.readFileSync(path.join(ROOT, "docs/RUNBOOK.md"), "utf8");
// Line breaks in prose are not part of a name: compare with whitespace collapsed.
const runbook = source.replace(/\s+/g, " ");

/** Every command of the runbook's shell blocks, continuation lines joined, comments dropped. */
const commands: string[] = [...source.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((block) => block[1].replace(/\\\n\s*/g, " ").split("\n"))
  .map((line) => line.replace(/\s+#.*$/, "").replace(/\s+/g, " ").trim())
  .filter(Boolean);

/** Runs `npm run failover -- <args>` in-process in a copy of the project, as the runbook says to; returns what it printed. */
async function runFailover(project: string, command: string): Promise<string> {
  const args = command.replace(/^npm run failover -- /, "").split(" ");
  const cwd = process.cwd();
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  process.chdir(project);
  try {
    expect(await failover(args)).toBe(0);
    return log.mock.calls.map((call) => call.join(" ")).join("\n");
  } finally {
    process.chdir(cwd);
    log.mockRestore();
  }
}
const { spec } = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const [primary, standby] = [spec.primary!, spec.secondaries[0]];

/** The runbook is read in an outage: its names and numbers must be the ones the code deploys. */
describe("docs/RUNBOOK.md", () => {
  it("uses the Velero names the fleet deploys", () => {
    const velero = `-n ${names.AGENTS.velero.namespace}`;
    expect(runbook).toContain(`velero backup-location get --kubecontext ${standby.name} ${velero}`);
    expect(runbook).toContain(`velero backup get --kubecontext ${standby.name} ${velero} -l velero.io/storage-location=${names.replicaBackupLocation(primary.name)}`);
    expect(runbook).toContain(`velero backup get --kubecontext ${primary.name} ${velero} -l velero.io/storage-location=${names.replicaBackupLocation(standby.name)}`);
    expect(runbook).toContain(`| Velero schedule | \`${names.backupScheduleName("<cluster>")}\``);
    expect(runbook).toContain(`| Own backup location (read-write) | \`${names.OWN_BACKUP_LOCATION}\``);
    expect(runbook).toContain(`--from-backup ${names.backupScheduleName(primary.name)}-`);
    expect(runbook).toContain(`\`${names.NAMESPACE_SECRET_STORE}\` SecretStore (as that namespace's \`${names.SECRETS_READER_SERVICE_ACCOUNT}\``);
    expect(runbook).toContain(`--from-schedule ${names.backupScheduleName(standby.name)} --wait`);
    expect(runbook).toContain(`Secrets Manager \`${names.repositoryPasswordSecretName(spec.name)}\``);
    expect(runbook).toContain(`Secret \`${names.AGENTS.velero.namespace}/${names.VELERO_REPOSITORY_CREDENTIALS.secret}\``);
  });

  it("waits for the fail-back backup on the names S3 and Velero use: the partner's bucket, the rule, the alarm", () => {
    const source = standby.backup.bucket;
    expect(standby.backup.partner).toBe(primary.name);
    expect(runbook).toContain(`Name=SourceBucket,Value=${source} Name=DestinationBucket,Value=${primary.backup.bucket} Name=RuleId,Value=${replicationRuleId(standby.name)}`);
    expect(runbook).toContain(`--bucket ${source}`);
    expect(runbook).toContain(`--alarm-names ${replicationLatencyAlarmArgs(spec, standby).name}`);
    expect(runbook).toContain(`--role-arn arn:aws:iam::${spec.accountId}:role/${spec.name}-${standby.name}-backup-replication`);
  });

  it("names the Flux apps Kustomization and the prod clusters as configured", () => {
    expect(runbook).toContain(`-n ${names.AGENTS.flux.namespace} patch kustomization ${names.FLUX_OBJECTS.apps}`);
    expect(runbook).toContain(`npm run failover -- --stack prod --dry-run`);
    expect(runbook).toContain(`npm run failover -- --stack prod --to ${primary.name}`);
    // Without --to, failover promotes the takeover standby: the one the runbook names.
    expect(spec.takeover!.name).toBe(standby.name);
    expect(runbook).toContain(`| Takeover standby | the primary's backup partner: \`${standby.name}\` for prod`);
    expect(runbook).toContain(`\`${primary.name}\` in ${primary.region} is the primary`);
  });

  it("quotes the health-check figures and the prod stack's RTO and RPO", () => {
    expect(runbook).toContain(`every **${HEALTH_CHECK.requestIntervalSeconds} s**, unhealthy after **${HEALTH_CHECK.failureThreshold}**`);
    expect(runbook).toContain(
      `RTO ${spec.dr.rtoSeconds} s, RPO ${spec.dr.rpoSeconds} s for prod; promotion ${spec.dr.deliberate!.seconds} s (${spec.dr.deliberate!.withWebhookSeconds} s with the push webhook)`,
    );
    expect(runbook).toContain(`${spec.dr.deliberate!.seconds} s, ${spec.dr.deliberate!.withWebhookSeconds} s with the webhook`);
    const paths = healthPaths(spec.dns.healthCheckPath);
    expect(runbook).toContain(`\`${paths.serving}\` (serving: 200 only on the primary), \`${paths.takeover}\` (200 only on the takeover standby), \`${paths.live}\``);
    expect(runbook).toContain(`ConfigMap \`${HEALTH_ANSWERS.namespace}/${HEALTH_ANSWERS.name}\``);
    expect(runbook).toContain(`(\`dns.ttl\`, ${spec.dns.ttl} s)`);
  });

  it("names the NLB, target group and gateway the fleet creates", () => {
    expect(runbook).toContain(`--names ${names.gatewayTargetGroupName(spec.name, primary.name)}`);
    expect(runbook).toContain(`\`${names.gatewayLoadBalancerName(spec.name, "<cluster>")}\`, \`${names.gatewayTargetGroupName(spec.name, "<cluster>")}\``);
    expect(runbook).toContain(`-n ingress scale deployment ingress-gateway --replicas=0`);
  });

  it("names the standby modes and quotes the pilot-light RTO per engine, as plan.json computes it", () => {
    expect(runbook).toContain(`\`standby: warm\` (prod)`);
    expect(runbook).toContain(`(\`${WARM_REPLICAS_ANNOTATION}\`, default 1)`);
    const pilot = (engine: string) => {
      const raw = fleetConfig(2, { standby: "pilot-light" });
      raw.gitops = { ...raw.gitops, engine };
      return parseFleet(raw, "us-east-1").dr.rtoSeconds;
    };
    expect(runbook).toContain(`RTO = the promotion's: ${pilot("flux")} s with Flux, ${pilot("argocd")} s with Argo CD (polling)`);
  });

  it("promotes with one commit and names the record slots and the sets they alias", () => {
    expect(runbook).toContain(`npm run synth -- --stack prod`);
    // The promotion needs no targeted deploy; only a deploy that cannot wait for the failed region does (2b).
    const promotion = runbook.slice(runbook.indexOf("## 2. Promote the standby"), runbook.indexOf("### 2b."));
    expect(promotion).toContain("npm run failover -- --stack prod --dry-run");
    expect(promotion).not.toMatch(/pulumi up [^\n]*--target/);
    expect(runbook).toContain(
      `\`${FAILOVER_SLOTS.primary}\` (PRIMARY, alias of \`${ANSWER_SETS.serving(spec.dns.record)}\`) and \`${FAILOVER_SLOTS.secondary}\` (SECONDARY, alias of \`${ANSWER_SETS.takeover(spec.dns.record)}\`)`,
    );
  });

  it("gives a break-glass for both engines that applies the promotion's own render to the survivor by hand", () => {
    const flux = `kubectl --context ${standby.name} -n ${names.AGENTS.flux.namespace} patch kustomization`;
    expect(runbook).toContain(`${flux} ${names.FLUX_OBJECTS.apps} --type merge -p '{"spec":{"suspend":true}}'`);
    expect(runbook).toContain(`${flux} ${names.FLUX_OBJECTS.traffic} --type merge -p '{"spec":{"suspend":true}}'`);
    for (const layer of ["traffic", "apps"]) {
      expect(runbook).toContain(`kubectl --context ${standby.name} replace -k ${spec.gitops.path}/clusters/${standby.name}/${layer}`);
      const automated = `kubectl --context <hub> -n ${names.AGENTS.argocd.namespace} patch application ${standby.name}-${layer} --type json -p '[{"op":"remove","path":"/spec/syncPolicy/automated"}]'`;
      expect(runbook).toContain(automated);
    }
    expect(runbook).toContain(`kubectl --context <hub> -n ${names.AGENTS.argocd.namespace} scale deployment argocd-applicationset-controller --replicas=1`);
  });

  it("deploys the surviving side with the commands that prove it needs no call into the failed region", () => {
    expect(runbook).toContain(`npm run plan -- --stack prod --unavailable ${primary.region}`);
    expect(runbook).toContain(`npm run failover -- --stack prod --to ${standby.name} --dry-run --unavailable ${primary.region}`);
    expect(runbook).toContain("pulumi up --stack prod --target '<urn>'");
    expect(runbook).toContain("PULUMI_K8S_SKIP_UPDATE_UNREACHABLE=true");
  });

  it("only runs npm scripts this project has, besides synth from the GitOps renderer", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const used = [...runbook.matchAll(/npm run (\w+)/g)].map((m) => m[1]);
    expect(used.filter((s) => s !== "synth" && !scripts.includes(s))).toEqual([]);
  });
});

/** Section 2, "Promote the standby", followed as written: what it says must be what `failover` prints. */
describe("docs/RUNBOOK.md, promoting the standby", () => {
  let preview: string;
  let promoted: string;
  const failovers = commands.filter((c) => c.startsWith("npm run failover -- "));
  const dryRun = failovers.find((c) => c.includes("--dry-run"))!;
  const promote = failovers.find((c) => !c.includes("--dry-run"))!;
  beforeAll(async () => {
    const project = tempDir("eks-fleet-runbook-");
    for (const file of ["Pulumi.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(ROOT, file), path.join(project, file));
    preview = await runFailover(project, dryRun);
    promoted = await runFailover(project, promote);
  });

  it("previews, then promotes the standby it names, with the commands it gives", () => {
    expect(dryRun).toMatch(/--stack prod/);
    expect(preview).toMatch(new RegExp(`^Would promote ${standby.name} to primary`, "m"));
    expect(promoted).toMatch(new RegExp(`^Promoted ${standby.name} to primary`, "m"));
  });

  it("quotes each cluster's health answers before → after as the preview prints them", () => {
    const answers = [...preview.matchAll(/^\s+(\S+)\s+\S+\s+((?:yes|no) \/ (?:yes|no) → (?:yes|no) \/ (?:yes|no))$/gm)];
    expect(answers.map((m) => m[1]).sort()).toEqual([primary.name, standby.name].sort());
    for (const [, cluster, change] of answers) expect(runbook).toContain(`\`${cluster} ${change}\``);
  });

  it("quotes the role changes the diff comment shows (step 3)", () => {
    const roles = [...preview.matchAll(/^\s+(\S+)\s+\S+\s+(primary|secondary) → (primary|secondary)$/gm)];
    expect(roles.map((m) => m[1]).sort()).toEqual([primary.name, standby.name].sort());
    for (const [, cluster, from, to] of roles) expect(runbook).toContain(`\`${cluster} ${from} → ${to}\``);
  });

  it("names the only parts of the tree that change, and that no resource does", () => {
    const files = [...preview.matchAll(/^\s+[~+-] (clusters\/\S+)$/gm)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    expect(runbook).toContain("the GitOps files that change (the `traffic` and `apps` layers, `fleet-info`), and any resource that changes: none");
    expect(files.filter((f) => !/\/(traffic|apps)\//.test(f) && !f.includes("fleet-info"))).toEqual([]);
    expect(preview).toMatch(/^Resources: none change/m);
  });

  it("renders and commits what failover's Next: names, for this stack", () => {
    const next = promoted.split("\n").find((l) => l.startsWith("Next:"))!;
    const synth = /`(npm run synth[^`]*)`/.exec(next)![1];
    expect(commands).toContain(synth);
    const [, file, tree] = /commit (\S+) and (\S+),/.exec(next)!;
    expect(commands).toContain(`git add ${file} ${tree}`);
  });
});
