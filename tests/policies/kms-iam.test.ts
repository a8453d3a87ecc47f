import { iamNoDataPlaneWildcard } from "../../policies/iam";
import { kmsKeyRotation } from "../../policies/kms";
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
