import * as fs from "fs";
import * as path from "path";
import { fleetFromStackFile, GITOPS_PICKUP_SECONDS, names, parseFleet, PROMOTION_ASSUMPTIONS } from "../../fleet";
import { FAILOVER_SLOTS } from "../../components/dns-routing";
import { WARM_REPLICAS_ANNOTATION } from "../../charts/standby";
import { replicationLatencyAlarmArgs, replicationRuleId } from "../../components/backup-replication";
import { fleetConfig } from "../fixtures/fleets";

const ROOT = path.resolve(__dirname, "../..");
// Line breaks in prose are not part of a name: compare with whitespace collapsed.
const runbook = fs.readFileSync(path.join(ROOT, "docs/RUNBOOK.md"), "utf8").replace(/\s+/g, " ");
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
    expect(runbook).toContain(`\`${names.CLUSTER_SECRET_STORE}\` ClusterSecretStore`);
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
    expect(runbook).toContain(`npm run failover -- --to ${standby.name}`);
    expect(runbook).toContain(`npm run failover -- --stack prod --to ${primary.name}`);
    expect(runbook).toContain(`\`${primary.name}\` in ${primary.region} is the primary`);
  });

  it("quotes the health-check figures and the prod stack's RTO and RPO", () => {
    expect(runbook).toContain(`every **10 s**, unhealthy after **3**`);
    expect(runbook).toContain(`RTO ${spec.dr.rtoSeconds} s, RPO ${spec.dr.rpoSeconds} s for prod`);
    expect(runbook).toContain(`(\`dns.ttl\`, ${spec.dns.ttl} s)`);
  });

  it("names the NLB, target group and gateway the fleet creates", () => {
    expect(runbook).toContain(`--names ${names.gatewayTargetGroupName(spec.name, primary.name)}`);
    expect(runbook).toContain(`\`${spec.name}-<cluster>-nlb\`, \`${spec.name}-<cluster>-gw\``);
    expect(names.gatewayLoadBalancerName(spec.name, primary.name)).toBe(`${spec.name}-${primary.name}-nlb`);
    expect(runbook).toContain(`-n ingress scale deployment ingress-gateway --replicas=0`);
  });

  it("names the standby modes and quotes the pilot-light RTO per engine, as plan.json computes it", () => {
    expect(runbook).toContain(`\`standby: warm\` (prod)`);
    expect(runbook).toContain(`(\`${WARM_REPLICAS_ANNOTATION}\`, default 1)`);
    const pilot = (engine: string) => {
      const raw = fleetConfig(2, { standby: "pilot-light" });
      raw.gitops = { ...raw.gitops, engine, ...(engine === "argocd" ? { hub: "c1" } : {}) };
      return parseFleet(raw, "us-east-1").dr.rtoSeconds;
    };
    const { decideAndMergeSeconds, podsReadySeconds } = PROMOTION_ASSUMPTIONS;
    expect(runbook).toContain(
      `merge (assumed ${decideAndMergeSeconds} s) + agent pickup (Flux ${GITOPS_PICKUP_SECONDS.flux} s, Argo CD ${GITOPS_PICKUP_SECONDS.argocd} s) + pods ready (assumed ${podsReadySeconds} s): ${pilot("flux")} s with Flux, ${pilot("argocd")} s with Argo CD`,
    );
  });

  it("promotes with the targeted deploy failover prints, and names the record slots", () => {
    expect(runbook).toContain(`npm run failover -- --to ${standby.name} --dry-run`);
    expect(runbook).toContain(`pulumi up --stack prod \\ --target 'urn:pulumi:prod::eks-fleet::eks-fleet:index:Fleet$eks-fleet:dns:DnsRouting$aws:route53/record:Record::dns-primary'`);
    expect(runbook).toContain(`\`${FAILOVER_SLOTS.primary}\` (PRIMARY) and \`${FAILOVER_SLOTS.secondary}\` (SECONDARY, or \`${FAILOVER_SLOTS.standbySet}\``);
  });

  it("gives a break-glass for both engines and a takeover by the standby Argo CD hub", () => {
    expect(runbook).toContain(`kubectl --context ${standby.name} -n ${names.AGENTS.flux.namespace} patch kustomization ${names.FLUX_OBJECTS.apps} --type merge -p '{"spec":{"suspend":true}}'`);
    expect(runbook).toContain(`argocd app set ${standby.name}-apps --sync-policy none`);
    expect(runbook).toContain(`kubectl --context ${standby.name} -n ${names.AGENTS.argocd.namespace} scale statefulset argocd-application-controller --replicas=1`);
    expect(runbook).toContain(`kubectl --context ${standby.name} -n ${names.AGENTS.argocd.namespace} scale deployment argocd-applicationset-controller --replicas=1`);
  });

  it("only runs npm scripts this project has, besides synth from the GitOps renderer", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const used = [...runbook.matchAll(/npm run (\w+)/g)].map((m) => m[1]);
    expect(used.filter((s) => s !== "synth" && !scripts.includes(s))).toEqual([]);
  });
});
