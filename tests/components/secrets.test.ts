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
    ev = await evaluateProgram(stackConfig(fleetConfig(3)), ACCOUNT);
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

  it.each([["c0", "us-east-1"], ["c1", "us-west-2"], ["c2", "eu-west-1"]])("lets External Secrets in %s read only its own region's replicas", (cluster, region) => {
    const role = ofType(ev, "aws:iam/role:Role").find((r) => r.inputs.name === `prod-${cluster}-external-secrets`) as RecordedResource;
    const statements = roleStatements(role);
    const secretArns = statements.filter((s) => asList(s.Action).includes("secretsmanager:GetSecretValue")).flatMap((s) => asList(s.Resource));
    expect(secretArns).toEqual([`arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:payments/db-credentials-??????`]);
    const keyArns = statements.filter((s) => asList(s.Action).includes("kms:Decrypt")).flatMap((s) => asList(s.Resource));
    expect(keyArns).toHaveLength(1);
    expect(keyArns[0]).toMatch(new RegExp(`^arn:aws:kms:${region}:`));
  });

  it("installs External Secrets with CRDs and the IRSA service account", () => {
    const release = ofType(ev, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "c2-external-secrets-release") as RecordedResource;
    expect(release.inputs).toMatchObject({
      chart: "external-secrets",
      namespace: "external-secrets",
      createNamespace: true,
      values: {
        installCRDs: true,
        serviceAccount: { name: "external-secrets", annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/prod-c2-external-secrets` } },
      },
    });
  });
});
