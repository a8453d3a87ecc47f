import * as YAML from "yaml";
import type { RenderedFile } from "../../charts";
import { mockState } from "../../cli/engine/mock-state";
import { promote } from "../../cli/failover/promote";
import type { PlanDocument, PlanResource } from "../../cli/plan-document";
import type { ClusterSpec } from "../../fleet";
import { decide, Request, Statement } from "../support/iam";
import { DOWN, homeElsewhere, planDuringOutage, PROD } from "../support/outage-play";

/**
 * The data side of losing us-east-1 (prod's primary's region), with the home region (the
 * secrets' primary copies) down with it or elsewhere: once `npm run failover` has promoted
 * the takeover standby, planned with us-east-1 unavailable, the survivor restores the failed
 * cluster's backups from the replica in its own bucket and reads every fleet secret in its own
 * region. Everything is read from plan.json and the tree the way Velero, External Secrets and
 * AWS read them; permissions are evaluated from the policy documents (tests/support/iam.ts).
 */
const HOMES = {
  "the home region down with the primary": (text: string) => text,
  "the home region elsewhere": homeElsewhere,
} as const;
type Home = keyof typeof HOMES;

type Planned = Awaited<ReturnType<typeof planDuringOutage>>;
const planned = new Map<Home, Planned>();
beforeAll(async () => {
  for (const home of Object.keys(HOMES) as Home[]) {
    const text = HOMES[home](PROD);
    planned.set(home, await planDuringOutage(promote(text, undefined).text));
  }
}, 300_000);

/**
 * The object-store permissions of the Velero AWS plugin's documented policy
 * (vmware-tanzu/velero-plugin-for-aws README, "Set permissions for Velero"): these on the
 * bucket's objects, `s3:ListBucket` on the bucket. (Its EC2 snapshot actions do not apply:
 * volumes go through file-system backup, snapshots do not cross regions.)
 */
const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] as const;

const ofType = (plan: PlanDocument, type: string) => plan.resources.filter((r) => r.type === type);
const arnOf = (r: PlanResource, accountId: string) => String(mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region!, accountId }).state.arn);

/** Every statement of the identity policies of the role `arn`: inline, role policies and customer-managed attachments. */
function roleStatements(plan: PlanDocument, arn: string, accountId: string): Statement[] {
  const name = arn.split("/").pop();
  const role = ofType(plan, "aws:iam/role:Role").find((r) => r.inputs.name === name);
  if (!role) throw new Error(`no role ${arn} in the plan`);
  const documents = [
    ...((role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? []).map((p) => p.policy),
    ...ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === name).map((p) => String(p.inputs.policy)),
    ...ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.inputs.role === name)
      .map((a) => {
        const managed = ofType(plan, "aws:iam/policy:Policy").find((p) => arnOf(p, accountId) === a.inputs.policyArn);
        if (!managed) throw new Error(`${name}: cannot evaluate attached policy ${a.inputs.policyArn}`);
        return String(managed.inputs.policy);
      }),
  ];
  return documents.flatMap((d) => JSON.parse(d).Statement);
}

const parsed = (tree: readonly RenderedFile[], file: string) => {
  const found = tree.find((f) => f.path === file);
  if (!found) throw new Error(`${file} is not in the tree`);
  return YAML.parse(found.content);
};

describe.each(Object.keys(HOMES) as Home[])("losing us-east-1, %s: the data", (home) => {
  const get = () => {
    const { code, printed, plan, spec, tree } = planned.get(home)!;
    if (code !== 0) throw new Error(`the promoted stack does not plan with ${DOWN} unavailable:\n${printed}`);
    return { plan: plan!, spec, tree: tree! };
  };
  /** The failed (demoted) cluster, and the survivor promoted in its place. */
  const failed = (): ClusterSpec => get().spec.clusters.find((c) => c.region === DOWN)!;
  const survivor = (): ClusterSpec => get().spec.primary!;

  /** The rule that copies the failed cluster's backups, and the survivor's Velero location on its copy. */
  const replica = () => {
    const { plan } = get();
    const config = ofType(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").find((c) => c.inputs.bucket === failed().backup.bucket)!;
    const [rule] = config.inputs.rules as { filter: { prefix: string }; destination: { bucket: string; encryptionConfiguration: { replicaKmsKeyId: string } } }[];
    const velero = plan.resources.find((r) => r.name === `${survivor().name}-velero-release`)!;
    const locations = (velero.inputs.values as any).configuration.backupStorageLocation as { name: string; bucket: string; prefix: string; accessMode: string; config: { region: string } }[];
    return { config, rule, location: locations.find((l) => l.name === `replica-${failed().name}`)! };
  };

  /** What the survivor's Velero may do, under its role's policies and the bucket's or key's own policy. */
  const velero = () => {
    const { spec, plan } = get();
    const account = plan.resources.find((r) => r.name === `${survivor().name}-velero-service-account`)!;
    const principal = (account.inputs.metadata as any).annotations["eks.amazonaws.com/role-arn"] as string;
    const identity = roleStatements(plan, principal, spec.accountId);
    const policyOf = (type: string, match: (r: PlanResource) => boolean) => {
      const found = ofType(plan, type).find(match);
      return found ? (JSON.parse(String(found.inputs.policy)).Statement as Statement[]) : [];
    };
    // Velero calls S3 over HTTPS in its own region; S3 calls KMS on its behalf (kms:ViaService).
    const context = { "aws:SecureTransport": "true", "aws:PrincipalArn": principal, "kms:ViaService": `s3.${survivor().region}.amazonaws.com`, "kms:CallerAccount": spec.accountId };
    const may = (action: string, resource: string) => {
      const request: Request = { principal, action, resource, context };
      if (action.startsWith("kms:")) return decide(request, identity, policyOf("aws:kms/key:Key", (k) => arnOf(k, spec.accountId) === resource), "kms");
      const bucket = resource.replace(/^arn:aws:s3:::/, "").split("/")[0];
      return decide(request, identity, policyOf("aws:s3/bucketPolicy:BucketPolicy", (p) => p.inputs.bucket === bucket), "s3");
    };
    return { may, allowed: (resource: string) => OBJECT_ACTIONS.filter((a) => may(a, resource)) };
  };

  it("the survivor is the failed cluster's backup partner, and its bucket holds their replica", () => {
    const { config, rule } = replica();
    expect([failed().name, survivor().name]).toEqual(["use1", failed().backup.partner]);
    expect(survivor().backup.replicasFrom).toContain(failed().name);
    // The copy happened before the outage, by S3 in us-east-1; reading it needs only the survivor's bucket.
    expect([config.region, rule.destination.bucket]).toEqual([DOWN, `arn:aws:s3:::${survivor().backup.bucket}`]);
  });

  it("the survivor's Velero has a read-only location on that replica: its own bucket and region, the failed cluster's prefix", () => {
    const { rule, location } = replica();
    expect(location).toEqual(expect.objectContaining({ bucket: survivor().backup.bucket, accessMode: "ReadOnly", config: expect.objectContaining({ region: survivor().region }) }));
    // Velero reads `<prefix>/backups/…` (vmware-tanzu/velero pkg/persistence/object_store_layout.go): the prefix the rule replicates.
    expect(`${location.prefix}/`).toBe(rule.filter.prefix);
  });

  it("Velero's role may read the replica and its Kopia data, write only restore results there, and nothing in the failed region", () => {
    const { location } = replica();
    const { may, allowed } = velero();
    const bucket = `arn:aws:s3:::${location.bucket}`;
    const at = (prefix: string, key: string, of = bucket) => `${of}/${prefix}/${key}`;
    const backup = `${failed().name}-backup-20250101120000`;
    const restore = `${backup}-restore`;
    // Keys as Velero lays them out (object_store_layout.go) and Kopia under `<prefix>/kopia/<namespace>/`.
    const reads = [`backups/${backup}/velero-backup.json`, `backups/${backup}/${backup}.tar.gz`, `backups/${backup}/${backup}-podvolumebackups.json.gz`, "kopia/payments/p0123"];
    const results = [`restores/${restore}/restore-${restore}-logs.gz`, `restores/${restore}/restore-${restore}-results.gz`];
    const seen = Object.fromEntries([...reads, ...results].map((key) => [key, allowed(at(location.prefix, key))]));
    expect(seen).toEqual(Object.fromEntries([...reads.map((k) => [k, ["s3:GetObject"]]), ...results.map((k) => [k, [...OBJECT_ACTIONS]])]));
    expect(may("s3:ListBucket", bucket)).toBe(true);
    // Its own backups stay fully writable; a prefix it holds no replica of, and the failed bucket itself, not at all.
    expect(allowed(at(survivor().backup.prefix, `backups/${survivor().name}-backup-1/velero-backup.json`))).toEqual([...OBJECT_ACTIONS]);
    expect(allowed(at("euw9", `backups/${backup}/velero-backup.json`))).toEqual([]);
    const failedBucket = `arn:aws:s3:::${failed().backup.bucket}`;
    expect([allowed(at(failed().backup.prefix, `backups/${backup}/velero-backup.json`, failedBucket)), may("s3:ListBucket", failedBucket)]).toEqual([[], false]);
  });

  it("the replica's key and the bucket's key let Velero decrypt it and write its results; the restore results replicate nowhere", () => {
    const { plan } = get();
    const { rule, location } = replica();
    const { may } = velero();
    const encryption = ofType(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((e) => e.inputs.bucket === location.bucket)!;
    const bucketKey = (encryption.inputs.rules as any[])[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
    expect([may("kms:Decrypt", rule.destination.encryptionConfiguration.replicaKmsKeyId), may("kms:GenerateDataKey", bucketKey)]).toEqual([true, true]);
    // The survivor's bucket replicates its own prefix only: `<failed>/restores/` stays where it is.
    const rules = ofType(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").filter((c) => c.inputs.bucket === location.bucket).flatMap((c) => c.inputs.rules as { filter: { prefix: string } }[]);
    expect(rules.map((r) => r.filter.prefix)).toEqual([`${survivor().backup.prefix}/`]);
    expect(`${location.prefix}/restores/`.startsWith(`${survivor().backup.prefix}/`)).toBe(false);
  });

  it("every fleet secret has a copy in the survivor's region, which its SecretStore reads under its own role", () => {
    const { spec, plan, tree } = get();
    const at = survivor();
    const stores: { secret: string; region: string; role: string }[] = [];
    // The namespaces' secrets, through the rendered ExternalSecret → SecretStore → service account.
    for (const { name, namespace } of spec.secrets) {
      const folder = `clusters/${at.name}/platform`;
      const external = tree.filter((f) => f.path.startsWith(`${folder}/externalsecret-${namespace}-`)).map((f) => YAML.parse(f.content)).find((e) => e.spec.dataFrom?.[0]?.extract?.key === name);
      const store = parsed(tree, `${folder}/secretstore-${namespace}-${external.spec.secretStoreRef.name}.yaml`).spec.provider.aws;
      const account = parsed(tree, `${folder}/serviceaccount-${namespace}-${store.auth.jwt.serviceAccountRef.name}.yaml`);
      stores.push({ secret: name, region: store.region, role: account.metadata.annotations["eks.amazonaws.com/role-arn"] });
    }
    // Kopia's repository password, through the store the program creates for Velero.
    const veleroStore = plan.resources.find((r) => r.name === `${at.name}-velero-secret-store`)!.inputs as any;
    const velero = plan.resources.find((r) => r.name === `${at.name}-velero-service-account`)!.inputs as any;
    const password = (plan.resources.find((r) => r.name === `${at.name}-velero-repository-password`)!.inputs as any).spec.data[0].remoteRef.key;
    stores.push({ secret: password, region: veleroStore.spec.provider.aws.region, role: velero.metadata.annotations["eks.amazonaws.com/role-arn"] });

    expect(stores.length).toBe(spec.secrets.length + 1);
    for (const { secret, region, role } of stores) {
      const resource = ofType(plan, "aws:secretsmanager/secret:Secret").find((s) => s.inputs.name === secret)!;
      const replicas = (resource.inputs.replicas as { region: string; kmsKeyId: string }[] | undefined) ?? [];
      const copy = resource.region === region ? { region, kmsKeyId: String(resource.inputs.kmsKeyId) } : replicas.find((r) => r.region === region);
      expect([secret, region, copy?.region]).toEqual([secret, at.region, at.region]);
      // A replica's ARN is the primary's with its own region (Secrets Manager user guide, "Replicate secrets").
      const arn = arnOf(resource, spec.accountId).replace(`:${resource.region}:`, `:${region}:`);
      const identity = roleStatements(plan, role, spec.accountId);
      const request = (action: string, resource: string): Request => ({ principal: role, action, resource, context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": spec.accountId, "aws:PrincipalArn": role } });
      const key = ofType(plan, "aws:kms/key:Key").concat(ofType(plan, "aws:kms/replicaKey:ReplicaKey")).find((k) => arnOf(k, spec.accountId) === copy!.kmsKeyId);
      const keyPolicy = key ? (JSON.parse(String(key.inputs.policy)).Statement as Statement[]) : [];
      expect([secret, decide(request("secretsmanager:GetSecretValue", arn), identity), decide(request("kms:Decrypt", copy!.kmsKeyId), identity, keyPolicy, "kms")]).toEqual([secret, true, true]);
    }
    // The primary copies live in the home region: down with us-east-1, or elsewhere.
    expect(new Set(ofType(plan, "aws:secretsmanager/secret:Secret").map((s) => s.region))).toEqual(new Set([spec.homeRegion]));
  });
});
