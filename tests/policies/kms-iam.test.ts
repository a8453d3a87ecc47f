import { iamNoDataPlaneWildcard } from "../../policies/iam";
import { kmsKeyPolicyExplicit, kmsKeyRotation } from "../../policies/kms";
import { logGroupEncrypted } from "../../policies/logs";
import { changed, resource, resourceMessages } from "./harness";

const key = () => resource("aws:kms/key:Key", "use1-secrets", { enableKeyRotation: true, deletionWindowInDays: 30 });

const scoped = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Backups", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::prod-use1-velero-123456789012/*"] },
    // Describe calls that only work on "*" stay allowed.
    { Sid: "Describe", Effect: "Allow", Action: ["ec2:DescribeVolumes", "route53:ListHostedZones"], Resource: "*" },
  ],
};
const policy = () => resource("aws:iam/policy:Policy", "use1-velero", { policy: JSON.stringify(scoped) });

describe("kms-key-rotation", () => {
  it("passes a rotating key and skips asymmetric keys, which cannot rotate", async () => {
    expect(await resourceMessages(kmsKeyRotation, key())).toEqual([]);
    expect(await resourceMessages(kmsKeyRotation, resource("aws:kms/key:Key", "sign", { customerMasterKeySpec: "RSA_2048" }))).toEqual([]);
  });

  it("reports a key without rotation", async () => {
    expect(await resourceMessages(kmsKeyRotation, changed(key(), (r) => delete r.inputs.enableKeyRotation))).toEqual([
      "Key rotation is off. Set enableKeyRotation: true so the key material rotates yearly.",
    ]);
  });
});

describe("iam-no-data-plane-wildcard", () => {
  it("passes policies scoped to named ARNs, as JSON text or an object", async () => {
    expect(await resourceMessages(iamNoDataPlaneWildcard, policy())).toEqual([]);
    expect(await resourceMessages(iamNoDataPlaneWildcard, resource("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: scoped }))).toEqual([]);
  });

  it("reports a data-plane action on Resource \"*\"", async () => {
    const wild = changed(scoped, (d) => (d.Statement[0].Resource = "*"));
    expect(await resourceMessages(iamNoDataPlaneWildcard, resource("aws:iam/policy:Policy", "p", { policy: JSON.stringify(wild) }))).toEqual([
      "Policy statement 'Backups' allows s3:GetObject, s3:PutObject on Resource \"*\". Name the exact bucket, secret, key or hosted-zone ARNs the principal needs.",
    ]);
  });

  it("reports wildcard actions and Route 53 record changes in role policies and inline policies", async () => {
    const doc = { Statement: [{ Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "secretsmanager:Get*", "*"], Resource: ["*"] }] };
    expect(await resourceMessages(iamNoDataPlaneWildcard, resource("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: JSON.stringify(doc) }))).toEqual([
      "Policy statement 0 allows route53:ChangeResourceRecordSets, secretsmanager:Get*, * on Resource \"*\". Name the exact bucket, secret, key or hosted-zone ARNs the principal needs.",
    ]);
    const role = resource("aws:iam/role:Role", "r", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "kms", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] }) }] });
    expect(await resourceMessages(iamNoDataPlaneWildcard, role)).toEqual([
      "Inline policy 'kms' statement 0 allows kms:* on Resource \"*\". Name the exact bucket, secret, key or hosted-zone ARNs the principal needs.",
    ]);
  });

  it("ignores Deny statements, which only narrow access", async () => {
    const deny = { Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] };
    expect(await resourceMessages(iamNoDataPlaneWildcard, resource("aws:iam/policy:Policy", "p", { policy: JSON.stringify(deny) }))).toEqual([]);
  });
});

describe("kms-key-policy-explicit", () => {
  const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
      { Sid: "Logs", Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: ["kms:Encrypt*"], Resource: "*", Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/prod-use1/cluster" } } },
    ],
  };
  const withPolicy = (doc: unknown) => resource("aws:kms/key:Key", "k", { enableKeyRotation: true, policy: JSON.stringify(doc) });

  it("passes a policy with the account root as administrator and named users", async () => {
    expect(await resourceMessages(kmsKeyPolicyExplicit, withPolicy(keyPolicy))).toEqual([]);
  });

  it("reports a key that relies on the default policy", async () => {
    expect(await resourceMessages(kmsKeyPolicyExplicit, key())).toEqual([
      "No key policy: the default one lets any principal of the account with IAM access use the key. Set `policy` naming the account root as administrator and only the services and roles that use the key.",
    ]);
  });

  it("reports a policy without root administration or open to every principal", async () => {
    const open = changed(keyPolicy, (d) => {
      d.Statement[0].Principal = { AWS: "*" };
    });
    expect(await resourceMessages(kmsKeyPolicyExplicit, withPolicy(open))).toEqual([
      "The key policy has no statement letting the account root administer the key (kms:*): the key could become unmanageable.",
      "Key policy statement 'AccountAdministers' allows every principal without a condition. Name the services or roles that use the key.",
    ]);
  });
});

describe("log-group-encrypted", () => {
  const group = () => resource("aws:cloudwatch/logGroup:LogGroup", "g", { name: "/aws/eks/prod-use1/cluster", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/x", retentionInDays: 365 });

  it("passes an encrypted group with a retention", async () => {
    expect(await resourceMessages(logGroupEncrypted, group())).toEqual([]);
  });

  it("reports a group without a key or kept forever", async () => {
    expect(await resourceMessages(logGroupEncrypted, changed(group(), (g) => { delete g.inputs.kmsKeyId; g.inputs.retentionInDays = 0; }))).toEqual([
      "The log group is not encrypted with a customer-managed key. Set kmsKeyId.",
      "The log group keeps events forever. Set retentionInDays.",
    ]);
  });
});
