import * as fs from "fs";
import * as path from "path";
import { fleetFromStackFile, names } from "../../fleet";

const ROOT = path.resolve(__dirname, "../..");
// Line breaks in prose are not part of a name: compare with whitespace collapsed.
const runbook = fs.readFileSync(path.join(ROOT, "docs/RUNBOOK.md"), "utf8").replace(/\s+/g, " ");
const { spec } = fleetFromStackFile(path.join(ROOT, "Pulumi.prod.yaml"));
const [primary, standby] = [spec.primary!, spec.secondaries[0]];

/** The runbook is read in an outage: its names and numbers must be the ones the code deploys. */
describe("docs/RUNBOOK.md", () => {
  it("uses the Velero names the fleet deploys", () => {
    const velero = `-n ${names.AGENTS.velero.namespace}`;
    expect(runbook).toContain(`velero backup-location get ${velero}`);
    expect(runbook).toContain(`velero backup get ${velero} -l velero.io/storage-location=${names.replicaBackupLocation(primary.name)}`);
    expect(runbook).toContain(`velero backup get ${velero} -l velero.io/storage-location=${names.replicaBackupLocation(standby.name)}`);
    expect(runbook).toContain(`| Velero schedule | \`${names.BACKUP_SCHEDULE}\``);
    expect(runbook).toContain(`| Own backup location (read-write) | \`${names.OWN_BACKUP_LOCATION}\``);
    expect(runbook).toContain(`--from-backup ${names.BACKUP_SCHEDULE}-`);
    expect(runbook).toContain(`\`${names.CLUSTER_SECRET_STORE}\` ClusterSecretStore`);
  });

  it("names the Flux apps Kustomization and the prod clusters as configured", () => {
    expect(runbook).toContain(`-n ${names.AGENTS.flux.namespace} patch kustomization ${names.FLUX_OBJECTS.apps}`);
    expect(runbook).toContain(`npm run failover -- --to ${standby.name}`);
    expect(runbook).toContain(`npm run failover -- --to ${primary.name}`);
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

  it("only runs npm scripts this project has, besides synth from the GitOps renderer", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const used = [...runbook.matchAll(/npm run (\w+)/g)].map((m) => m[1]);
    expect(used.filter((s) => s !== "synth" && !scripts.includes(s))).toEqual([]);
  });
});
