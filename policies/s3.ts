import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asArray, known, ofType, policyStatements, present, referenced } from "./support";

/**
 * S3 rules for @pulumi/aws v7, where a bucket's settings are separate resources that
 * name their bucket. Stack rules join them to the bucket (engine property dependencies,
 * else the bucket's name or id). A bucket the stack does not create is never judged.
 */

export const S3 = {
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
} as const;

/** Velero's buckets, `<fleet>-<cluster>-velero-<account>` (fleet/names.ts), or tagged as backups. */
const BACKUP_BUCKET = /^[a-z0-9][a-z0-9-]*-velero-\d{12}$/;
export const BACKUP_TAG = { key: "eks-fleet/purpose", value: "backup" } as const;

interface BucketView {
  readonly bucket: PolicyResource;
  readonly label: string;
  readonly settings: (kind: keyof typeof S3) => PolicyResource[];
}

function bucketViews(resources: readonly PolicyResource[]): BucketView[] {
  const buckets = ofType(resources, ...S3.bucket);
  const owned = new Map<string, PolicyResource[]>();
  for (const kind of Object.keys(S3) as (keyof typeof S3)[]) {
    if (kind === "bucket") continue;
    for (const setting of ofType(resources, ...S3[kind])) {
      const bucket = referenced(setting, "bucket", buckets, ["bucket"]);
      if (bucket) owned.set(`${kind} ${bucket.urn}`, [...(owned.get(`${kind} ${bucket.urn}`) ?? []), setting]);
    }
  }
  return buckets.map((bucket) => ({
    bucket,
    label: String(known(() => bucket.props.bucket) ?? bucket.name),
    settings: (kind) => owned.get(`${kind} ${bucket.urn}`) ?? [],
  }));
}

function isBackupBucket(view: BucketView): boolean {
  const tags = known(() => view.bucket.props.tags) as Record<string, string> | undefined;
  return BACKUP_BUCKET.test(view.label) || tags?.[BACKUP_TAG.key] === BACKUP_TAG.value;
}

function bucketRule(
  name: string,
  description: string,
  check: (view: BucketView) => string | undefined,
  applies: (view: BucketView) => boolean = () => true,
): StackValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      for (const view of bucketViews(args.resources).filter(applies)) {
        const problem = check(view);
        if (problem) reportViolation(`Bucket '${view.label}': ${problem}`, view.bucket.urn);
      }
    },
  };
}

export const s3BucketVersioned = bucketRule(
  "s3-bucket-versioned",
  "Checks whether every S3 bucket has versioning enabled (required for replication and recovery).",
  (view) => {
    const enabled = view.settings("versioning").some((v) => known(() => v.props.versioningConfiguration?.status) === "Enabled");
    return enabled ? undefined : "versioning is not enabled. Add an aws.s3.BucketVersioning with versioningConfiguration: { status: \"Enabled\" }.";
  },
);

export const s3BucketSseKms = bucketRule(
  "s3-bucket-sse-kms",
  "Checks whether every S3 bucket encrypts objects by default with a customer-managed KMS key.",
  (view) => {
    const ok = view.settings("encryption").some((c) =>
      asArray(known(() => c.props.rules)).some((rule: any) => {
        const byDefault = known(() => rule.applyServerSideEncryptionByDefault);
        const algorithm = known(() => byDefault?.sseAlgorithm);
        return (algorithm === "aws:kms" || algorithm === "aws:kms:dsse") && present(() => byDefault?.kmsMasterKeyId);
      }),
    );
    return ok
      ? undefined
      : "default encryption is not SSE-KMS with a customer-managed key. Add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault: { sseAlgorithm: \"aws:kms\", kmsMasterKeyId: <key ARN> }.";
  },
);

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3PublicAccessBlocked = bucketRule(
  "s3-public-access-blocked",
  "Checks whether every S3 bucket blocks all public access.",
  (view) => {
    const blocks = view.settings("publicAccessBlock");
    const best = blocks.map((b) => BLOCK_FLAGS.filter((f) => known(() => b.props[f]) !== true)).sort((a, b) => a.length - b.length)[0];
    if (best === undefined) return `public access is not blocked. Add an aws.s3.BucketPublicAccessBlock with ${BLOCK_FLAGS.join(", ")} all true.`;
    return best.length === 0 ? undefined : `public access block leaves ${best.join(", ")} off. Set ${BLOCK_FLAGS.join(", ")} all true.`;
  },
);

function deniesInsecureTransport(document: unknown): boolean {
  return (policyStatements(document) ?? []).some((s) => {
    const condition = s.Condition?.Bool?.["aws:SecureTransport"];
    const actions = asArray(s.Action);
    return s.Effect === "Deny" && String(condition) === "false" && actions.some((a) => a === "s3:*" || a === "*");
  });
}

export const s3TlsOnly = bucketRule(
  "s3-tls-only",
  "Checks whether every S3 bucket policy denies requests that do not use TLS.",
  (view) =>
    view.settings("policy").some((p) => deniesInsecureTransport(known(() => p.props.policy)))
      ? undefined
      : "no bucket policy denies plain-HTTP requests. Add an aws.s3.BucketPolicy statement { Effect: \"Deny\", Principal: \"*\", Action: \"s3:*\", Resource: [bucket ARN, bucket ARN/*], Condition: { Bool: { \"aws:SecureTransport\": \"false\" } } }.",
);

/** What a replication rule lacks for Replication Time Control and SSE-KMS objects. */
function replicationGaps(rule: any): string[] {
  const destination = known(() => rule.destination) ?? {};
  const gaps: string[] = [];
  if (known(() => rule.status) !== "Enabled") gaps.push("status Enabled");
  const rtc = known(() => destination.replicationTime);
  if (known(() => rtc?.status) !== "Enabled" || known(() => rtc?.time?.minutes) !== 15) gaps.push("destination.replicationTime { status: Enabled, time: { minutes: 15 } }");
  const metrics = known(() => destination.metrics);
  if (known(() => metrics?.status) !== "Enabled" || known(() => metrics?.eventThreshold?.minutes) !== 15) gaps.push("destination.metrics { status: Enabled, eventThreshold: { minutes: 15 } }");
  if (known(() => rule.sourceSelectionCriteria?.sseKmsEncryptedObjects?.status) !== "Enabled") gaps.push("sourceSelectionCriteria.sseKmsEncryptedObjects { status: Enabled }");
  if (!known(() => destination.encryptionConfiguration?.replicaKmsKeyId)) gaps.push("destination.encryptionConfiguration.replicaKmsKeyId");
  return gaps;
}

export const s3BackupReplicated = bucketRule(
  "s3-backup-replicated",
  "Checks whether Velero backup buckets replicate to another region with Replication Time Control (15 minutes, with metrics).",
  (view) => {
    const rules = view.settings("replication").flatMap((c) => asArray(known(() => c.props.rules)));
    if (rules.length === 0) return "backups do not replicate to another region. Add an aws.s3.BucketReplicationConfig to the partner cluster's bucket with Replication Time Control.";
    const gaps = rules.map(replicationGaps).sort((a, b) => a.length - b.length)[0];
    return gaps.length === 0 ? undefined : `replication is missing ${gaps.join("; ")}.`;
  },
  isBackupBucket,
);

export const s3Policies: StackValidationPolicy[] = [s3BucketVersioned, s3BucketSseKms, s3PublicAccessBlocked, s3TlsOnly, s3BackupReplicated];
