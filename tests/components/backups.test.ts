import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { fleetConfig, stackConfig } from "../fixtures/fleets";
import { allows, Statement } from "../support/iam";
import { replicationLatencyAlarmArgs } from "../../components/backup-replication";
import { parseFleet, REPLICATION_BOUND_SECONDS } from "../../fleet";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const named = (ev: Evaluation, type: string, name: string) => ofType(ev, type).find((r) => r.name === name) as RecordedResource;

const BUCKET = "aws:s3/bucket:Bucket";
const bucketName = (cluster: string) => `prod-${cluster}-velero-${ACCOUNT}`;
/** The statements of a cluster's Velero role. */
const veleroStatementsOf = (ev: Evaluation, cluster: string): Statement[] => {
  const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === `prod-${cluster}-velero`) as RecordedResource;
  return JSON.parse((role.inputs.inlinePolicies as any[])[0].policy).Statement;
};
/** The settings resources of one type that name a bucket. */
const settingsOf = (ev: Evaluation, type: string, bucket: string) => ofType(ev, type).filter((r) => r.inputs.bucket === bucket);

describe("Velero backup storage, replication and install", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(3)), ACCOUNT);
  });

  it("creates one backup bucket per cluster in the cluster's region, never force-destroyed", () => {
    expect(ofType(ev, BUCKET).map((b) => [b.inputs.bucket, b.region, b.inputs.forceDestroy])).toEqual([
      [bucketName("c0"), "us-east-1", false],
      [bucketName("c1"), "us-west-2", false],
      [bucketName("c2"), "eu-west-1", false],
    ]);
  });

  it.each(["c0", "c1", "c2"])("protects bucket of %s: versioning, SSE-KMS, no public access, TLS only, retention", (cluster) => {
    const bucket = bucketName(cluster);
    expect(settingsOf(ev, "aws:s3/bucketVersioning:BucketVersioning", bucket).map((v) => v.inputs.versioningConfiguration))
      .toEqual([{ status: "Enabled" }]);

    const [sse] = settingsOf(ev, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket);
    const [rule] = sse.inputs.rules as any[];
    expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).toMatch(/^arn:aws:kms:/);
    expect(rule.bucketKeyEnabled).toBe(true);

    const [block] = settingsOf(ev, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket);
    expect(block.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });

    const [policy] = settingsOf(ev, "aws:s3/bucketPolicy:BucketPolicy", bucket);
    const [deny] = JSON.parse(policy.inputs.policy as string).Statement;
    expect(deny).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(deny.Resource).toEqual([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]);

    const [lifecycle] = settingsOf(ev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket);
    for (const rule of lifecycle.inputs.rules as any[]) {
      expect(rule).toMatchObject({ status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } });
    }
  });

  it("expires Velero's per-backup folders, and of Kopia's repository only what is no longer current (vmware-tanzu/velero#6916)", () => {
    // c1's bucket holds its own prefix and c0's replica (the ring c0 → c1 → c2 → c0).
    const [lifecycle] = settingsOf(ev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucketName("c1"));
    const rules = (lifecycle.inputs.rules as any[]).map((r) => [r.filter.prefix, r.expiration]);
    expect(rules).toEqual([
      // Own backups: Velero's TTL deletes them; S3 only clears what versioning leaves behind.
      ["c1/backups/", { expiredObjectDeleteMarker: true }],
      ["c1/restores/", { expiredObjectDeleteMarker: true }],
      // The replica of a peer's backups: nobody deletes there, so S3 expires it after retention + grace.
      ["c0/backups/", { days: 32 }],
      ["c0/restores/", { days: 32 }],
      // Kopia's repositories, own and replicated: only noncurrent versions and lone delete markers.
      ["c1/kopia/", { expiredObjectDeleteMarker: true }],
      ["c0/kopia/", { expiredObjectDeleteMarker: true }],
    ]);
    for (const b of ofType(ev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")) {
      const bucketRules = b.inputs.rules as any[];
      for (const cluster of ["c0", "c1", "c2"]) {
        // Every rule that S3 would apply to a current Kopia object (a rule's prefix filter matches keys it begins).
        const key = `${cluster}/kopia/payments/p0123abcd`;
        for (const rule of bucketRules.filter((r) => key.startsWith(r.filter.prefix))) {
          expect(rule.expiration).toEqual({ expiredObjectDeleteMarker: true });
          expect(rule.transitions).toBeUndefined();
          expect(rule.noncurrentVersionExpiration).toEqual({ noncurrentDays: 7 });
        }
      }
    }
  });

  it("encrypts each bucket with its own rotating key in the bucket's region", () => {
    const key = named(ev, "aws:kms/key:Key", "c2-backup-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.region).toBe("eu-west-1");
  });

  it("replicates c0's prefix to c1's bucket in another region with RTC, metrics and c1's key", () => {
    const config = named(ev, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "c0-backup-replication-config");
    expect(config.inputs.bucket).toBe(bucketName("c0"));
    const [rule] = config.inputs.rules as any[];
    expect(rule).toMatchObject({
      status: "Enabled",
      filter: { prefix: "c0/" },
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: {
        bucket: `arn:aws:s3:::${bucketName("c1")}`,
        replicationTime: { status: "Enabled", time: { minutes: 15 } },
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
      },
    });
    const destinationRegion = named(ev, BUCKET, "c1-backup-bucket").region;
    expect(destinationRegion).not.toBe(config.region);
    expect(rule.destination.encryptionConfiguration.replicaKmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${destinationRegion}:`));
  });

  it("closes the replication ring: every cluster's backups land in another region", () => {
    const targets = ofType(ev, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
      .map((c) => [c.inputs.bucket, (c.inputs.rules as any[])[0].destination.bucket]);
    expect(targets).toEqual([
      [bucketName("c0"), `arn:aws:s3:::${bucketName("c1")}`],
      [bucketName("c1"), `arn:aws:s3:::${bucketName("c2")}`],
      [bucketName("c2"), `arn:aws:s3:::${bucketName("c0")}`],
    ]);
  });

  it("installs Velero with IRSA, file-system backups only, its own RW location and a read-only replica location", () => {
    const release = named(ev, "kubernetes:helm.sh/v3:Release", "c1-velero-release");
    const values = release.inputs.values as any;
    expect(release.inputs).toMatchObject({ chart: "velero", namespace: "velero" });
    expect(values.credentials.useSecret).toBe(false);
    expect(values.snapshotsEnabled).toBe(false);
    expect(values.deployNodeAgent).toBe(true);
    expect(values.configuration.defaultVolumesToFsBackup).toBe(true);
    // The program makes Velero's service account (with the role) before the chart, which uses it.
    expect(values.serviceAccount.server).toEqual({ create: false, name: "velero" });
    const account = named(ev, "kubernetes:core/v1:ServiceAccount", "c1-velero-service-account");
    expect(account.inputs.metadata).toMatchObject({ name: "velero", namespace: "velero", annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/prod-c1-velero` } });
    expect(values.configuration.backupStorageLocation).toEqual([
      expect.objectContaining({
        name: "default", bucket: bucketName("c1"), prefix: "c1", default: true, accessMode: "ReadWrite",
        config: { region: "us-west-2", kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-west-2:/) },
      }),
      expect.objectContaining({ name: "replica-c0", bucket: bucketName("c1"), prefix: "c0", accessMode: "ReadOnly", config: { region: "us-west-2" } }),
    ]);
    expect(values.schedules).toBeUndefined();
  });

  it("scopes Velero's role to its own bucket and key, writing only its own prefix", () => {
    const statements = veleroStatementsOf(ev, "c0");
    const resources = statements.flatMap((s: any) => [s.Resource].flat());
    for (const resource of resources) expect(resource).toMatch(new RegExp(`${bucketName("c0")}|^arn:aws:kms:us-east-1:|^arn:aws:secretsmanager:us-east-1:`));
    expect(statements.flatMap((s: any) => [s.Action].flat()).some((a: string) => a.startsWith("ec2:"))).toBe(false);
    expect(resources).not.toContain(`arn:aws:s3:::${bucketName("c0")}/*`);
    const object = (key: string) => `arn:aws:s3:::${bucketName("c0")}/${key}`;
    for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"]) {
      expect(allows(statements, action, object("c0/backups/c0-backup-20250101120000/velero-backup.json"))).toBe(true);
      expect(allows(statements, action, object("c0/kopia/payments/p0123"))).toBe(true);
    }
    // Another cluster's prefix, replicated here or not, is never Velero's to change.
    expect(allows(statements, "s3:PutObject", object("c1/backups/x/velero-backup.json"))).toBe(false);
    expect(allows(statements, "s3:PutObject", `arn:aws:s3:::${bucketName("c1")}/c0/backups/x`)).toBe(false);
  });

  it("lets a restore from a peer's replica write its results there, and nothing else of the replica (vmware-tanzu/velero restore_controller.go)", () => {
    // c2's backups replicate into c0's bucket under c2/.
    const statements = veleroStatementsOf(ev, "c0");
    const replica = (key: string) => `arn:aws:s3:::${bucketName("c0")}/c2/${key}`;
    // Where Velero 1.18 puts a restore's log, results, resource list, item operations and volume info (pkg/persistence/object_store_layout.go).
    const restore = "restore-c2-payments";
    for (const file of [`restore-${restore}-logs.gz`, `restore-${restore}-results.gz`, `restore-${restore}-resource-list.json.gz`, `restore-${restore}-itemoperations.json.gz`, `${restore}-volumeinfo.json.gz`]) {
      expect(allows(statements, "s3:PutObject", replica(`restores/${restore}/${file}`))).toBe(true);
    }
    // Deleting the Restore deletes its files (DeleteRestore).
    expect(allows(statements, "s3:DeleteObject", replica(`restores/${restore}/restore-${restore}-logs.gz`))).toBe(true);
    // The replica's backups and Kopia repository stay read-only.
    for (const key of ["backups/c2-backup-20250101120000/velero-backup.json", "kopia/payments/kopia.repository", "kopia/payments/p0123"]) {
      expect(allows(statements, "s3:GetObject", replica(key))).toBe(true);
      expect(allows(statements, "s3:PutObject", replica(key))).toBe(false);
      expect(allows(statements, "s3:DeleteObject", replica(key))).toBe(false);
    }
  });

  it("never replicates a restore's results back: each bucket replicates only its own prefix, and restores land in the replica's", () => {
    for (const config of ofType(ev, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")) {
      const own = String(config.inputs.bucket).split("-")[1];
      expect((config.inputs.rules as any[]).map((r) => r.filter.prefix)).toEqual([`${own}/`]);
    }
  });

  it("reads the fleet's repository password from its region's replica, through a SecretStore as Velero, before Velero starts", () => {
    const statements = veleroStatementsOf(ev, "c1");
    const password = `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:prod/velero/repository-password-AbCdEf`;
    expect(allows(statements, "secretsmanager:GetSecretValue", password)).toBe(true);
    expect(allows(statements, "secretsmanager:GetSecretValue", password.replace("us-west-2", "us-east-1"))).toBe(false);
    expect(allows(statements, "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:payments/db-credentials-AbCdEf`)).toBe(false);
    const regionKey = (named(ev, "aws:kms/key:Key", "secrets-key-us-west-2") as RecordedResource);
    const keyPolicy = JSON.parse(regionKey.inputs.policy as string).Statement.find((st: any) => st.Sid === "VeleroThroughSecretsManager");
    expect(keyPolicy.Condition.ArnEquals["aws:PrincipalArn"]).toEqual([`arn:aws:iam::${ACCOUNT}:role/prod-c1-velero`]);
    expect(keyPolicy.Condition.StringEquals["kms:ViaService"]).toBe("secretsmanager.us-west-2.amazonaws.com");

    const store = named(ev, "kubernetes:external-secrets.io/v1:SecretStore", "c1-velero-secret-store");
    expect(store.inputs.metadata).toMatchObject({ namespace: "velero" });
    expect((store.inputs.spec as any).provider.aws).toEqual({ service: "SecretsManager", region: "us-west-2", auth: { jwt: { serviceAccountRef: { name: "velero" } } } });
    const secret = named(ev, "kubernetes:external-secrets.io/v1:ExternalSecret", "c1-velero-repository-password");
    expect(secret.inputs.metadata).toMatchObject({ name: "velero-repo-credentials", namespace: "velero", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
    expect(secret.inputs.spec).toMatchObject({
      refreshPolicy: "CreatedOnce",
      secretStoreRef: { kind: "SecretStore", name: (store.inputs.metadata as any).name },
      target: { name: "velero-repo-credentials", creationPolicy: "Owner" },
      data: [{ secretKey: "repository-password", remoteRef: { key: "prod/velero/repository-password" } }],
    });
    // Velero creates a static default when the Secret is missing at start: the release waits for it.
    expect(named(ev, "kubernetes:helm.sh/v3:Release", "c1-velero-release").dependsOn).toContain(secret.urn);
    expect(store.dependsOn).toContain(named(ev, "kubernetes:helm.sh/v3:Release", "c1-external-secrets-release").urn);
  });

  describe("the replication role", () => {
    const role = (cluster: string) => ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === `prod-${cluster}-backup-replication`) as RecordedResource;
    /** Whether the trust policy lets `service` assume the role for a request from `account` about `sourceArn` (StringEquals, ArnLike). */
    const trusts = (cluster: string, service: string, account: string, sourceArn: string) =>
      JSON.parse(role(cluster).inputs.assumeRolePolicy as string).Statement.some((st: any) =>
        st.Effect === "Allow" && st.Principal.Service === service && st.Action === "sts:AssumeRole"
        && st.Condition.StringEquals["aws:SourceAccount"] === account
        && new RegExp(`^${st.Condition.ArnLike["aws:SourceArn"].replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`).test(sourceArn));

    it("trusts S3 only while it replicates this cluster's bucket, in this account (confused deputy)", () => {
      expect(trusts("c0", "s3.amazonaws.com", ACCOUNT, `arn:aws:s3:::${bucketName("c0")}`)).toBe(true);
      expect(trusts("c0", "s3.amazonaws.com", ACCOUNT, `arn:aws:s3:::${bucketName("c1")}`)).toBe(false);
      expect(trusts("c0", "s3.amazonaws.com", "999999999999", `arn:aws:s3:::${bucketName("c0")}`)).toBe(false);
      expect(trusts("c0", "s3.amazonaws.com", ACCOUNT, "arn:aws:s3:::someone-elses-bucket")).toBe(false);
    });

    it("lets S3 Batch Operations jobs of this account and region replicate the prefix's existing objects, and nothing more", () => {
      expect(trusts("c1", "batchoperations.s3.amazonaws.com", ACCOUNT, `arn:aws:s3:us-west-2:${ACCOUNT}:job/a1b2c3`)).toBe(true);
      expect(trusts("c1", "batchoperations.s3.amazonaws.com", ACCOUNT, `arn:aws:s3:us-east-1:${ACCOUNT}:job/a1b2c3`)).toBe(false);
      expect(trusts("c1", "batchoperations.s3.amazonaws.com", "999999999999", `arn:aws:s3:us-west-2:999999999999:job/a1b2c3`)).toBe(false);
      const statements: Statement[] = JSON.parse((role("c1").inputs.inlinePolicies as any[])[0].policy).Statement;
      const source = `arn:aws:s3:::${bucketName("c1")}`;
      expect(allows(statements, "s3:InitiateReplication", `${source}/c1/kopia/payments/p0123`)).toBe(true);
      expect(allows(statements, "s3:InitiateReplication", `${source}/c0/kopia/payments/p0123`)).toBe(false);
      expect(allows(statements, "s3:PutInventoryConfiguration", source)).toBe(true);
      // It writes only replicas, and only into the partner's bucket.
      expect(allows(statements, "s3:PutObject", `arn:aws:s3:::${bucketName("c2")}/c1/backups/x`)).toBe(false);
      expect(allows(statements, "s3:ReplicateObject", `arn:aws:s3:::${bucketName("c2")}/c1/backups/x`)).toBe(true);
      expect(allows(statements, "s3:ReplicateObject", `arn:aws:s3:::${bucketName("c0")}/c1/backups/x`)).toBe(false);
    });
  });

  it("alarms per replication rule, in the destination's region, once the rule runs later than RTC's 15 minutes", () => {
    const alarms = ofType(ev, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.map((a) => [a.name, a.region])).toEqual([
      ["c0-backup-replication-latency", "us-west-2"],
      ["c1-backup-replication-latency", "eu-west-1"],
      ["c2-backup-replication-latency", "us-east-1"],
    ]);
    const rule = (named(ev, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "c0-backup-replication-config").inputs.rules as any[])[0];
    expect(alarms[0].inputs).toMatchObject({
      namespace: "AWS/S3",
      metricName: "ReplicationLatency",
      dimensions: { SourceBucket: bucketName("c0"), DestinationBucket: bucketName("c1"), RuleId: rule.id },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: REPLICATION_BOUND_SECONDS,
      alarmActions: [],
    });
    expect(alarms[0].dependsOn.filter((urn) => !urn.includes("pulumi:providers:"))).toEqual([]);
  });

  it("notifies the stack's SNS topic of the alarm's own region, when it names one", () => {
    const fleet = parseFleet(fleetConfig(2, { backup: { alarmTopic: "backup-alarms" } }), "us-east-1");
    const args = replicationLatencyAlarmArgs(fleet, fleet.clusters[0]);
    expect([args.region, args.alarmActions, args.okActions]).toEqual(["us-west-2", [`arn:aws:sns:us-west-2:${ACCOUNT}:backup-alarms`], [`arn:aws:sns:us-west-2:${ACCOUNT}:backup-alarms`]]);
  });
});
