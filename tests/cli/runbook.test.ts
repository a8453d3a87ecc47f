import * as fs from "fs";
import * as path from "path";
import { fleetFromStackFile, GITOPS_PICKUP_SECONDS, HEALTH_CHECK, names, parseFleet, PROMOTION_ASSUMPTIONS } from "../../fleet";
import { FAILOVER_SLOTS } from "../../components/dns-routing";
import { WARM_REPLICAS_ANNOTATION } from "../../charts/standby";
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
    expect(runbook).toContain(`npm run failover -- --to ${primary.name} --stack prod`);
    expect(runbook).toContain(`\`${primary.name}\` in ${primary.region} is the primary`);
  });

  it("quotes the health-check figures and the prod stack's RTO and RPO", () => {
    expect(runbook).toContain(`every **${HEALTH_CHECK.requestIntervalSeconds} s**, unhealthy after **${HEALTH_CHECK.failureThreshold}**`);
    expect(runbook).toContain(`RTO ${spec.dr.rtoSeconds} s, RPO ${spec.dr.rpoSeconds} s for prod`);
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
      raw.gitops = { ...raw.gitops, engine, ...(engine === "argocd" ? { hub: "c1" } : {}) };
      return parseFleet(raw, "us-east-1").dr.rtoSeconds;
    };
    const { decideAndMergeSeconds, podsReadySeconds } = PROMOTION_ASSUMPTIONS;
    expect(runbook).toContain(
      `merge (assumed ${decideAndMergeSeconds} s) + agent pickup (Flux ${GITOPS_PICKUP_SECONDS.flux} s, Argo CD ${GITOPS_PICKUP_SECONDS.argocd} s) + pods ready (assumed ${podsReadySeconds} s): ${pilot("flux")} s with Flux, ${pilot("argocd")} s with Argo CD`,
    );
  });

  it("names the record slots", () => {
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

/** Section 2, "Promote the standby", followed as written: what it says must be what `failover` prints. */
describe("docs/RUNBOOK.md, promoting the standby", () => {
  let preview: string;
  let promoted: string;
  const dryRun = commands.find((c) => c.startsWith("npm run failover -- ") && c.includes("--dry-run"))!;
  const promote = commands.find((c) => c.startsWith("npm run failover -- ") && c.includes(`--to ${standby.name}`) && !c.includes("--dry-run"))!;
  beforeAll(async () => {
    const project = tempDir("eks-fleet-runbook-");
    for (const file of ["Pulumi.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(ROOT, file), path.join(project, file));
    preview = await runFailover(project, dryRun);
    promoted = await runFailover(project, promote);
  });

  it("previews and promotes with commands the runbook gives", () => {
    expect(dryRun).toBe(`npm run failover -- --to ${standby.name} --stack prod --dry-run`);
    expect(preview).toMatch(new RegExp(`^Would promote ${standby.name} to primary`, "m"));
    expect(promoted).toMatch(new RegExp(`^Promoted ${standby.name} to primary`, "m"));
  });

  it("shows the targeted pulumi up of step 4 exactly as failover prints it", () => {
    const printed = preview.slice(preview.indexOf("pulumi up --stack")).split("\n");
    const end = printed.findIndex((line) => !line.trimEnd().endsWith("\\"));
    const targeted = printed.slice(0, end + 1).join(" ").replace(/\\/g, "").replace(/\s+/g, " ").trim();
    expect(commands.filter((c) => c.startsWith("pulumi up --stack") && c.includes("--target"))).toEqual([targeted]);
  });

  it("names the records that change and the only inputs that change on them, as the preview lists them", () => {
    const changed = [...preview.matchAll(/aws:route53\/record:Record (\S+?): (.*)$/gm)].map((m) => ({ name: m[1], keys: m[2].split(", ") }));
    const said = /failover records \(`([^`]+)`, `([^`]+)`: only `(\w+)` and `(\w+)` change/.exec(runbook)!;
    expect(said).not.toBeNull();
    expect(changed.map((c) => c.name).sort()).toEqual([said[1], said[2]].sort());
    const keys = new Set(changed.flatMap((c) => c.keys.map((k) => k.replace(/^inputs\./, "").replace(/\[\d+\]$/, ""))));
    expect([...keys].sort()).toEqual([said[3], said[4]].sort());
  });

  it("says which files of the tree change: the fleet-info ConfigMaps and the apps layers", () => {
    const files = [...preview.matchAll(/^\s+[~+-] (clusters\/\S+)$/gm)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    expect(runbook).toContain("the `fleet-info` ConfigMaps and apps layers in the tree");
    expect(files.filter((f) => !f.includes("fleet-info") && !f.includes("/apps/"))).toEqual([]);
  });

  it("quotes the role changes the diff comment shows (step 3)", () => {
    const roles = [...preview.matchAll(/^\s+(\S+)\s+\S+\s+(primary|secondary) → (primary|secondary)$/gm)];
    expect(roles.map((m) => m[1]).sort()).toEqual([primary.name, standby.name].sort());
    for (const [, cluster, from, to] of roles) expect(runbook).toContain(`\`${cluster} ${from} → ${to}\``);
  });

  it("renders and commits what failover's Next: names, for this stack", () => {
    const next = promoted.split("\n").find((l) => l.startsWith("Next:"))!;
    const synth = /`(npm run synth[^`]*)`/.exec(next)![1];
    expect(commands).toContain(synth);
    const [, file, tree] = /commit (\S+) and (\S+),/.exec(next)!;
    expect(commands).toContain(`git add ${file} ${tree}`);
  });
});
