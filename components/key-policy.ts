import * as pulumi from "@pulumi/pulumi";

/** Who may use a key besides the account's administrators. */
export interface KeyUser {
  /** Statement id, e.g. `EksSecretsEncryption`. */
  readonly sid: string;
  /** An AWS service principal (`logs.us-east-1.amazonaws.com`) or IAM principal ARNs. */
  readonly principal: { readonly Service: string } | { readonly AWS: pulumi.Input<string> | pulumi.Input<string>[] };
  readonly actions: readonly string[];
  /** Narrows use further, e.g. to one service (`kms:ViaService`) or one encryption context. */
  readonly condition?: Record<string, unknown>;
}

/** What a data key user needs to encrypt and decrypt through a service. */
export const ENCRYPT_DECRYPT = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * An explicit key policy: the account root administers the key (without this statement a
 * key can become unmanageable, and IAM policies in the account could not refer to it —
 * AWS KMS developer guide, "Default key policy"), and only the named services and roles
 * may use it. Every `aws.kms.Key` of the fleet gets one instead of the implicit default.
 */
export function keyPolicy(accountId: string, users: readonly KeyUser[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      ...users.map((user) => ({
        Sid: user.sid,
        Effect: "Allow",
        Principal: user.principal,
        Action: [...user.actions],
        Resource: "*",
        ...(user.condition ? { Condition: user.condition } : {}),
      })),
    ],
  });
}

/** Principals of this account may use the key only through one AWS service in one region. */
export const viaService = (accountId: string, service: string, region: string): Record<string, unknown> => ({
  StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com`, "kms:CallerAccount": accountId },
});

/**
 * Named roles of this account, through one service only. The roles are matched by
 * `aws:PrincipalArn` rather than named as principals, because KMS rejects a key policy
 * naming a principal that does not exist yet, and these roles are created after the key
 * (their own policies name its ARN).
 */
export function rolesViaService(accountId: string, roleArns: readonly string[], service: string, region: string): Pick<KeyUser, "principal" | "condition"> {
  return {
    principal: { AWS: `arn:aws:iam::${accountId}:root` },
    condition: { ...viaService(accountId, service, region), ArnEquals: { "aws:PrincipalArn": [...roleArns] } },
  };
}
