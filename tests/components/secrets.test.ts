import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const ofType = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);
const SCOPED_SERVICES = /^(s3|kms|secretsmanager):/;

interface Statement { Effect: string; Action: string | string[]; Resource: string | string[] }
/** Every statement of every role's inline policies (recorded as JSON strings). */
function roleStatements(role: RecordedResource): Statement[] {
  return ((role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? []).flatMap((p) => JSON.parse(p.policy).Statement);
}
const asList = (v: string | string[]) => [v].flat();

describe("Replicated secrets and External Secrets", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(3, {
      namespaces: [{ name: "payments", admins: ["payments-admins"] }, { name: "search" }],
      secrets: [{ name: "payments/db-credentials", namespace: "payments" }, { name: "search/api-key", namespace: "search" }],
    })), ACCOUNT);
  });

  const secretNamed = (name: string) => ofType(ev, "aws:secretsmanager/secret:Secret").find((s) => s.inputs.name === name) as RecordedResource;

  it("creates each fleet secret in the home region with a customer key, without a value", () => {
    const secret = secretNamed("payments/db-credentials");
    expect(secret.region).toBe("us-east-1");
    expect(secret.inputs.name).toBe("payments/db-credentials");
    expect(secret.inputs.kmsKeyId).toMatch(/^arn:aws:kms:us-east-1:/);
    expect(ofType(ev, "aws:secretsmanager/secretVersion:SecretVersion")).toHaveLength(0);
  });

  it.each(["payments/db-credentials", "prod/velero/repository-password"])("replicates %s to the two other regions, each under a key of that region", (name) => {
    const secret = secretNamed(name);
    expect([secret.region, secret.protect]).toEqual(["us-east-1", true]);
    const replicas = secret.inputs.replicas as { region: string; kmsKeyId: string }[];
    expect(replicas.map((r) => r.region).sort()).toEqual(["eu-west-1", "us-west-2"]);
    for (const replica of replicas) expect(replica.kmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${replica.region}:`));
  });

  it("gives every fleet region a rotating secrets key", () => {
    const keys = ofType(ev, "aws:kms/key:Key").filter((k) => k.name.startsWith("secrets-key-"));
    expect(keys.map((k) => k.region).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    for (const key of keys) expect(key.inputs.enableKeyRotation).toBe(true);
  });

  it("never grants s3, kms or secretsmanager actions on Resource \"*\"", () => {
    const roles = ofType(ev, "aws:iam/role:Role");
    expect(roles.length).toBeGreaterThan(0);
    const broad = roles.flatMap((role) => roleStatements(role)
      .filter((s) => asList(s.Resource).includes("*") && asList(s.Action).some((a) => SCOPED_SERVICES.test(a)))
      .map(() => role.name));
    expect(broad).toEqual([]);
  });

  it.each([["c0", "us-east-1"], ["c1", "us-west-2"], ["c2", "eu-west-1"]])("lets each namespace's secrets reader in %s read exactly its own secrets, in its own region", (cluster, region) => {
    for (const [namespace, secret] of [["payments", "payments/db-credentials"], ["search", "search/api-key"]]) {
      const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === `prod-${cluster}-secrets-${namespace}`) as RecordedResource;
      // Trusted by that namespace's reader alone.
      expect(Object.values(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Condition.StringEquals)).toContain(`system:serviceaccount:${namespace}:secrets-reader`);
      const statements = roleStatements(role);
      const secretArns = statements.filter((s) => asList(s.Action).includes("secretsmanager:GetSecretValue")).flatMap((s) => asList(s.Resource));
      // The exact ARN (random suffix included) of the replica in this region: no pattern, no other namespace's secret.
      expect(secretArns).toHaveLength(1);
      expect(secretArns[0]).toMatch(new RegExp(`^arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${secret}-\\w{6}$`));
      const keyArns = statements.filter((s) => asList(s.Action).includes("kms:Decrypt")).flatMap((s) => asList(s.Resource));
      expect(keyArns).toHaveLength(1);
      expect(keyArns[0]).toMatch(new RegExp(`^arn:aws:kms:${region}:`));
    }
  });

  it("gives the External Secrets controller no AWS role to fall back to", () => {
    expect(ofType(ev, "aws:iam/role:Role").filter((r) => /-external-secrets$/.test(String(r.inputs.name)))).toEqual([]);
  });

  it("lets only the secrets readers of a region's clusters decrypt with its key, through Secrets Manager", () => {
    const key = ofType(ev, "aws:kms/key:Key").find((k) => k.name === "secrets-key-us-west-2") as RecordedResource;
    const statement = JSON.parse(key.inputs.policy as string).Statement.find((s: { Sid: string }) => s.Sid === "ExternalSecretsThroughSecretsManager");
    expect(statement.Condition.ArnEquals["aws:PrincipalArn"]).toEqual(["payments", "search"].map((ns) => `arn:aws:iam::${ACCOUNT}:role/prod-c1-secrets-${ns}`));
  });

  it("installs External Secrets with CRDs, no role, no aggregation into admin/edit, no token creation of its own and no cluster-wide stores", () => {
    const release = ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "c2-external-secrets-release") as RecordedResource;
    expect(release.inputs).toMatchObject({
      chart: "external-secrets",
      namespace: "external-secrets",
      createNamespace: true,
      values: {
        installCRDs: true,
        serviceAccount: { name: "external-secrets" },
        rbac: { aggregateToEdit: false, aggregateToAdmin: false, serviceAccountTokenCreate: false },
        processClusterStore: false,
        processClusterExternalSecret: false,
        processPushSecret: false,
        processClusterPushSecret: false,
      },
    });
    expect((release.inputs.values as any).serviceAccount.annotations).toBeUndefined();
  });
});
