import { s3BackupReplicated, s3BucketSseKms, s3BucketVersioned, s3PublicAccessBlocked, s3ReplicationComplete, s3TlsOnly } from "../../policies/s3";
import { PlanResourceLike, stackArgs } from "../../policies/evaluate";
import { changed, resource, resourceMessages, stackMessages } from "./harness";

const NAME = "prod-use1-velero-123456789012";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/abc";

/** A Velero bucket and its settings, as the HA plumbing creates them (aws v7 resources). */
function backupBucket(name = NAME): PlanResourceLike[] {
  const bucket = resource("aws:s3/bucket:Bucket", `${name}`, { bucket: name, tags: { "eks-fleet/cluster": "use1" } }, { id: name });
  const setting = (type: string, suffix: string, inputs: Record<string, unknown>) => resource(type, `${name}-${suffix}`, { bucket: name, ...inputs });
  return [
    bucket,
    setting("aws:s3/bucketVersioning:BucketVersioning", "versioning", { versioningConfiguration: { status: "Enabled" } }),
    setting("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
    }),
    setting("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "block", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    setting("aws:s3/bucketPolicy:BucketPolicy", "policy", {
      policy: JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }] }),
    }),
    setting("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replication", {
      role: "arn:aws:iam::123456789012:role/replication",
      rules: [{
        id: "to-partner",
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: "arn:aws:s3:::prod-usw2-velero-123456789012",
          encryptionConfiguration: { replicaKmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/def" },
          replicationTime: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        },
      }],
    }),
  ];
}

const without = (resources: PlanResourceLike[], suffix: string) => resources.filter((r) => !r.name.endsWith(`-${suffix}`));
const edit = (resources: PlanResourceLike[], suffix: string, change: (r: any) => void) => resources.map((r) => (r.name.endsWith(`-${suffix}`) ? changed(r, change) : r));
const urn = `urn:pulumi:prod::eks-fleet::aws:s3/bucket:Bucket::${NAME}`;

describe("S3 stack rules", () => {
  const all = [s3BucketVersioned, s3BucketSseKms, s3PublicAccessBlocked, s3TlsOnly, s3BackupReplicated];

  it.each(all.map((p) => [p.name, p]))("%s passes a complete backup bucket, and a stack without buckets", async (_, policy) => {
    expect(await stackMessages(policy, backupBucket())).toEqual([]);
    expect(await stackMessages(policy, [])).toEqual([]);
  });

  it("s3-bucket-versioned: a bucket without versioning", async () => {
    expect(await stackMessages(s3BucketVersioned, without(backupBucket(), "versioning"))).toEqual([
      { urn, message: `Bucket '${NAME}': versioning is not enabled. Add an aws.s3.BucketVersioning with versioningConfiguration: { status: "Enabled" }.` },
    ]);
    expect(await stackMessages(s3BucketVersioned, edit(backupBucket(), "versioning", (r) => (r.inputs.versioningConfiguration.status = "Suspended")))).toHaveLength(1);
  });

  it("s3-bucket-versioned: joins by the engine's property dependencies when the bucket id is still unknown (preview)", async () => {
    const args = stackArgs(edit(backupBucket(), "versioning", (r) => (r.inputs.bucket = "[unknown]")));
    const found: string[] = [];
    await s3BucketVersioned.validateStack(args, (message) => found.push(message));
    expect(found).toHaveLength(1); // no way to tell which bucket it versions
    args.resources.find((r) => r.name.endsWith("-versioning"))!.propertyDependencies.bucket = [args.resources[0]];
    found.length = 0;
    await s3BucketVersioned.validateStack(args, (message) => found.push(message));
    expect(found).toEqual([]);
  });

  it("s3-bucket-sse-kms: AES256 instead of a KMS key", async () => {
    const resources = edit(backupBucket(), "sse", (r) => (r.inputs.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }));
    expect(await stackMessages(s3BucketSseKms, resources)).toEqual([
      { urn, message: `Bucket '${NAME}': default encryption is not SSE-KMS with a customer-managed key. Add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: <key ARN> }.` },
    ]);
  });

  it("s3-public-access-blocked: a missing block, or one flag off", async () => {
    expect(await stackMessages(s3PublicAccessBlocked, without(backupBucket(), "block"))).toEqual([
      { urn, message: `Bucket '${NAME}': public access is not blocked. Add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.` },
    ]);
    expect(await stackMessages(s3PublicAccessBlocked, edit(backupBucket(), "block", (r) => (r.inputs.restrictPublicBuckets = false)))).toEqual([
      { urn, message: `Bucket '${NAME}': public access block leaves restrictPublicBuckets off. Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.` },
    ]);
  });

  it("s3-tls-only: a policy without the aws:SecureTransport deny", async () => {
    const resources = edit(backupBucket(), "policy", (r) => (r.inputs.policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "*" }] })));
    expect((await stackMessages(s3TlsOnly, resources))[0].message).toMatch(/^Bucket 'prod-use1-velero-123456789012': no bucket policy denies plain-HTTP requests\. /);
  });

  it("s3-backup-replicated: no replication, or replication without Replication Time Control", async () => {
    expect(await stackMessages(s3BackupReplicated, without(backupBucket(), "replication"))).toEqual([
      { urn, message: `Bucket '${NAME}': backups do not replicate to another region. Add an aws.s3.BucketReplicationConfig to the partner cluster's bucket with Replication Time Control, or, where another stack holds it, run the pack with the stack's config from npm run plan (policy-config.<stack>.json: replications).` },
    ]);
    const noRtc = edit(backupBucket(), "replication", (r) => delete r.inputs.rules[0].destination.replicationTime);
    expect(await stackMessages(s3BackupReplicated, noRtc)).toEqual([
      { urn, message: `Bucket '${NAME}': replication is missing destination.replicationTime { status: Enabled, time: { minutes: 15 } }.` },
    ]);
  });

  it("s3-backup-replicated: judges only backup buckets (by name or purpose tag)", async () => {
    const logs = without(backupBucket("prod-access-logs"), "replication");
    expect(await stackMessages(s3BackupReplicated, logs)).toEqual([]);
    const tagged = changed(logs, (rs) => (rs[0].inputs.tags = { "eks-fleet/purpose": "backup" }));
    expect(await stackMessages(s3BackupReplicated, tagged)).toHaveLength(1);
  });

  it("s3-backup-replicated with the fleet's plan: a replication config whose bucket is not known yet (preview) is let through, until deploy", async () => {
    const replications = { [NAME]: { stack: "prod", destination: "prod-usw2-velero-123456789012" } };
    const config = { replications };
    const links = backupBucket().filter((r) => r.name.endsWith("-replication"));
    expect(await stackMessages(s3BackupReplicated, links, config)).toEqual([]);
    const unknown = changed(links, (rs) => (rs[0].inputs.bucket = "[unknown]"));
    expect(await stackMessages(s3BackupReplicated, unknown, config)).toEqual([]);
    // A stack (its URNs name it) with nothing replicating the bucket its plan gives it.
    expect(await stackMessages(s3BackupReplicated, [resource("pulumi:pulumi:Stack", "eks-fleet-prod", {})], config)).toHaveLength(1);
  });
});

describe("s3-replication-complete", () => {
  const [replication] = backupBucket().filter((r) => r.name.endsWith("-replication"));

  it("passes a rule with RTC, metrics, SSE-KMS objects and a replica key; fails each rule that lacks one, wherever it lives", async () => {
    expect(await resourceMessages(s3ReplicationComplete, replication)).toEqual([]);
    const second = changed(replication, (r) => r.inputs.rules.push({ ...r.inputs.rules[0], id: "quiet", destination: { ...r.inputs.rules[0].destination, metrics: { status: "Disabled" } } }));
    expect(await resourceMessages(s3ReplicationComplete, second)).toEqual([
      `Replication rule 'quiet' of bucket '${NAME}' is missing destination.metrics { status: Enabled, eventThreshold: { minutes: 15 } }.`,
    ]);
  });
});
