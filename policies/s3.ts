import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, known, ofType, policyStatements, present, referenced, stackOf, validateResourceOfTypes } from "./support";

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

/** Where a backup bucket's replication lives and where it goes: the fleet's backup partners (cli/policy-run.ts). */
export interface PlannedReplication {
  /** The stack that holds the bucket's BucketReplicationConfig (a per-cluster fleet's replication stack of its cluster). */
  readonly stack: string;
  /** The partner's bucket, in another region, that every rule replicates into. */
  readonly destination: string;
  /** The prefix Velero writes under, which the rule replicates (`<cluster>/`). */
  readonly prefix?: string;
}

export interface BackupReplicationConfig {
  /**
   * By backup bucket name, from the fleet config (never from the program): a stack whose bucket
   * replicates elsewhere passes here, and the named stack fails unless it replicates it.
   * @default {} (each bucket's replication must be in its own stack)
   */
  readonly replications?: Record<string, PlannedReplication>;
}

/** What a backup replication rule lacks against the plan: RTC and SSE-KMS (replicationGaps), the partner's bucket, the prefix. */
function plannedGaps(rule: any, planned: PlannedReplication): string[] {
  const gaps = replicationGaps(rule);
  const destination = known(() => rule.destination?.bucket);
  const arn = `arn:aws:s3:::${planned.destination}`;
  if (destination !== undefined && destination !== arn) gaps.push(`destination.bucket ${arn} (the backup partner's bucket, not ${destination})`);
  const prefix = known(() => rule.filter?.prefix) ?? known(() => rule.prefix);
  if (planned.prefix !== undefined && prefix !== undefined && prefix !== "" && prefix !== planned.prefix) gaps.push(`filter.prefix ${planned.prefix} (where Velero writes, not ${prefix})`);
  return gaps;
}

/** The bucket a replication config sets: its bucket in the stack, else the name it gives; undefined while unknown. */
function replicatedBucket(config: PolicyResource, views: readonly BucketView[]): string | undefined {
  const view = views.find((v) => v.settings("replication").includes(config));
  if (view) return view.label;
  const name = known(() => config.props.bucket);
  return typeof name === "string" && name ? name : undefined;
}

/**
 * Backups reach another region, joined across stacks: a per-cluster fleet keeps a bucket in
 * its cluster's stack and the bucket's replication in its cluster's replication stack
 * (deploy/stacks.ts), and CrossGuard runs each stack alone. The pack config
 * (`replications`, from the fleet config) says which stack holds which bucket's replication
 * into which partner: the bucket's own stack passes it on, the named stack fails unless each
 * named bucket has complete rules into that partner, and any other stack that sets a named
 * bucket's replication fails (the two would overwrite each other). A backup bucket the config
 * does not name needs complete replication in its own stack.
 */
export const s3BackupReplicated: StackValidationPolicy = {
  name: "s3-backup-replicated",
  description: "Checks whether Velero backup buckets replicate to their partner's bucket in another region with Replication Time Control (15 minutes, with metrics), in the stack the fleet's plan names.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      replications: {
        type: "object",
        additionalProperties: {
          type: "object",
          properties: { stack: { type: "string" }, destination: { type: "string" }, prefix: { type: "string" } },
          required: ["stack", "destination"],
        },
        default: {},
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const planned = args.getConfig<BackupReplicationConfig>().replications ?? {};
    const here = stackOf(args.resources);
    const views = bucketViews(args.resources);
    const configs = ofType(args.resources, ...S3.replication);
    const bucketOf = new Map(configs.map((c) => [c, replicatedBucket(c, views)]));

    for (const view of views.filter(isBackupBucket)) {
      if (planned[view.label]) continue; // judged below, in the stack that holds its replication
      const rules = view.settings("replication").flatMap((c) => asArray(known(() => c.props.rules)));
      if (rules.length === 0) {
        reportViolation(`Bucket '${view.label}': backups do not replicate to another region. Add an aws.s3.BucketReplicationConfig to the partner cluster's bucket with Replication Time Control, or, where another stack holds it, run the pack with the stack's config from npm run plan (policy-config.<stack>.json: replications).`, view.bucket.urn);
        continue;
      }
      const gaps = rules.map(replicationGaps).sort((a, b) => a.length - b.length)[0];
      if (gaps.length > 0) reportViolation(`Bucket '${view.label}': replication is missing ${gaps.join("; ")}.`, view.bucket.urn);
    }

    for (const [bucket, plan] of Object.entries(planned)) {
      const held = configs.filter((c) => bucketOf.get(c) === bucket);
      if (plan.stack !== here) {
        for (const c of held) {
          reportViolation(`Bucket '${bucket}': its replication belongs to stack ${plan.stack} (the pack config's replications, from the fleet's backup partners), not this one: two replication configurations of one bucket overwrite each other. Remove this one.`, c.urn);
        }
        continue;
      }
      if (held.length === 0) {
        // A config whose bucket is not known yet (preview) may be this one: decided at deploy.
        if (configs.some((c) => bucketOf.get(c) === undefined)) continue;
        reportViolation(
          `Bucket '${bucket}': backups do not replicate to another region: this stack must replicate them into '${plan.destination}' (the pack config's replications, from the fleet's backup partners) and holds no aws.s3.BucketReplicationConfig for the bucket. Add one with Replication Time Control.`,
          views.find((v) => v.label === bucket)?.bucket.urn,
        );
        continue;
      }
      for (const c of held) {
        const rules = asArray(known(() => c.props.rules));
        const gaps = rules.length === 0 ? ["rules (there are none)"] : [...new Set(rules.flatMap((rule) => plannedGaps(rule, plan)))];
        if (gaps.length > 0) reportViolation(`Bucket '${bucket}': replication into '${plan.destination}' is missing ${gaps.join("; ")}.`, c.urn);
      }
    }
  },
};

/**
 * Each replication rule, wherever it lives, replicates with Replication Time Control and
 * SSE-KMS: the stack rule above judges a bucket's rules where the pack config says they are,
 * this one catches an incomplete rule in any stack.
 */
export const s3ReplicationComplete: ResourceValidationPolicy = {
  name: "s3-replication-complete",
  description: "Checks whether every S3 replication rule is enabled, with Replication Time Control (15 minutes) and its metrics, SSE-KMS objects selected and a replica key.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes(S3.replication, (props, _args, reportViolation) => {
    for (const [i, rule] of asArray(known(() => props.rules)).entries()) {
      const gaps = replicationGaps(rule);
      const id = known(() => (rule as any)?.id);
      if (gaps.length > 0) reportViolation(`Replication rule ${id ? `'${id}'` : `#${i + 1}`} of bucket '${known(() => props.bucket) ?? "(unknown)"}' is missing ${gaps.join("; ")}.`);
    }
  }),
};

export const s3ResourcePolicies: ResourceValidationPolicy[] = [s3ReplicationComplete];

export const s3Policies: StackValidationPolicy[] = [s3BucketVersioned, s3BucketSseKms, s3PublicAccessBlocked, s3TlsOnly, s3BackupReplicated];
