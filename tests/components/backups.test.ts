import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const named = (ev: Evaluation, type: string, name: string) => ofType(ev, type).find((r) => r.name === name) as RecordedResource;

const BUCKET = "aws:s3/bucket:Bucket";
const bucketName = (cluster: string) => `prod-${cluster}-velero-${ACCOUNT}`;
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

  it("expires only Velero's per-backup folders, never Kopia's repository (vmware-tanzu/velero#6916)", () => {
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
    ]);
    for (const b of ofType(ev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")) {
      for (const rule of b.inputs.rules as any[]) {
        expect(rule.filter.prefix).toMatch(/^c\d\/(backups|restores)\/$/);
        expect(rule.filter.prefix).not.toContain("kopia");
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
    expect(release.inputs).toMatchObject({ chart: "velero", namespace: "velero", createNamespace: true });
    expect(values.credentials.useSecret).toBe(false);
    expect(values.snapshotsEnabled).toBe(false);
    expect(values.deployNodeAgent).toBe(true);
    expect(values.configuration.defaultVolumesToFsBackup).toBe(true);
    expect(values.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"]).toBe(`arn:aws:iam::${ACCOUNT}:role/prod-c1-velero`);
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
    const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === "prod-c0-velero") as RecordedResource;
    const statements = JSON.parse((role.inputs.inlinePolicies as any[])[0].policy).Statement;
    const resources = statements.flatMap((s: any) => [s.Resource].flat());
    for (const resource of resources) expect(resource).toMatch(new RegExp(`${bucketName("c0")}|^arn:aws:kms:us-east-1:`));
    expect(statements.flatMap((s: any) => [s.Action].flat()).some((a: string) => a.startsWith("ec2:"))).toBe(false);
    // c2's backups replicate into c0's bucket: c0's Velero may read them, never change them.
    const actionsOn = (resource: string) => statements.filter((s: any) => [s.Resource].flat().includes(resource)).flatMap((s: any) => [s.Action].flat());
    expect(actionsOn(`arn:aws:s3:::${bucketName("c0")}/c0/*`)).toEqual(expect.arrayContaining(["s3:PutObject", "s3:DeleteObject", "s3:GetObject"]));
    expect(actionsOn(`arn:aws:s3:::${bucketName("c0")}/c2/*`)).toEqual(["s3:GetObject"]);
    expect(resources).not.toContain(`arn:aws:s3:::${bucketName("c0")}/*`);
    const writes = statements.filter((s: any) => [s.Action].flat().some((a: string) => /^s3:(Put|Delete|Abort)/.test(a)));
    expect(writes.flatMap((s: any) => [s.Resource].flat())).toEqual([`arn:aws:s3:::${bucketName("c0")}/c0/*`]);
  });
});
