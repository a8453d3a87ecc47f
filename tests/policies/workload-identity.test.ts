import { FleetSpec } from "../../fleet";
import { ebsCsiStatements } from "../../components/ebs-csi-driver";
import { onlyTheSubject, podIdentityTrustPolicy } from "../../components/pod-identity-role";
import { iamNoDataPlaneWildcard } from "../../policies/iam";
import { eksPodIdentitySessionTags, iamWorkloadTrustScoped } from "../../policies/workload-identity";
import { changed, resource, resourceMessages } from "./harness";

const ACCOUNT = "123456789012";
const fleet = { name: "prod", accountId: ACCOUNT } as FleetSpec;
const subject = { namespace: "karpenter", serviceAccounts: ["karpenter"] };
const trust = podIdentityTrustPolicy(fleet, subject);
const role = (assumeRolePolicy: unknown, inlinePolicies: unknown[] = []) => resource("aws:iam/role:Role", "r", { name: "prod-karpenter-pod-identity", assumeRolePolicy: JSON.stringify(assumeRolePolicy), inlinePolicies });
const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const irsa = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:velero:velero", [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
  }],
};

describe("iam-workload-trust-scoped", () => {
  it("passes the fleet's Pod Identity trust and an IRSA trust that name the namespace and service account", async () => {
    expect(await resourceMessages(iamWorkloadTrustScoped, role(trust))).toEqual([]);
    expect(await resourceMessages(iamWorkloadTrustScoped, role(irsa))).toEqual([]);
    // Other principals are not this rule's concern.
    expect(await resourceMessages(iamWorkloadTrustScoped, role({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }))).toEqual([]);
  });

  it("reports a Pod Identity trust any pod can use, or one with a wildcard namespace or service account", async () => {
    const open = changed(trust, (t) => delete t.Statement[0].Condition);
    expect(await resourceMessages(iamWorkloadTrustScoped, role(open))).toEqual([
      "Trust policy statement 'EksPodIdentityOfTheNamedServiceAccounts' lets any pod assume the role: name its kubernetes-namespace with StringEquals on aws:RequestTag/kubernetes-namespace (no wildcard).",
      "Trust policy statement 'EksPodIdentityOfTheNamedServiceAccounts' lets any pod assume the role: name its kubernetes-service-account with StringEquals on aws:RequestTag/kubernetes-service-account (no wildcard).",
    ]);
    const anyAccount = changed(trust, (t) => {
      delete t.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-service-account"];
      t.Statement[0].Condition.StringLike["aws:RequestTag/kubernetes-service-account"] = "*";
    });
    expect(await resourceMessages(iamWorkloadTrustScoped, role(anyAccount))).toHaveLength(1);
    const variable = changed(trust, (t) => (t.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-namespace"] = "${aws:PrincipalTag/kubernetes-namespace}"));
    expect(await resourceMessages(iamWorkloadTrustScoped, role(variable))).toHaveLength(1);
    // Each value exact, but a second namespace: its admins can create an account named like the add-on's there.
    const twoNamespaces = changed(trust, (t) => (t.Statement[0].Condition.StringEquals["aws:RequestTag/kubernetes-namespace"] = ["karpenter", "payments"]));
    expect(await resourceMessages(iamWorkloadTrustScoped, role(twoNamespaces))).toEqual([
      "Trust policy statement 'EksPodIdentityOfTheNamedServiceAccounts' lets pods of 2 namespaces assume the role (karpenter, payments): name one.",
    ]);
    const more = changed(trust, (t) => (t.Statement[0].Action = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]));
    expect(await resourceMessages(iamWorkloadTrustScoped, role(more))).toEqual([
      "Trust policy statement 'EksPodIdentityOfTheNamedServiceAccounts' lets EKS Pod Identity do sts:SetSourceIdentity: only sts:AssumeRole and sts:TagSession.",
    ]);
  });

  it("reports an IRSA trust of any service account or audience of the issuer", async () => {
    const anySubject = changed(irsa, (t) => {
      delete t.Statement[0].Condition.StringEquals[`${ISSUER}:sub`];
      t.Statement[0].Condition.StringLike = { [`${ISSUER}:sub`]: "system:serviceaccount:*" };
      delete t.Statement[0].Condition.StringEquals[`${ISSUER}:aud`];
    });
    expect(await resourceMessages(iamWorkloadTrustScoped, role(anySubject))).toEqual([
      `Trust policy statement 0 lets any service account of ${ISSUER} assume the role: name it with StringEquals on ${ISSUER}:sub (no wildcard).`,
      `Trust policy statement 0 accepts tokens of any audience from ${ISSUER}: require StringEquals ${ISSUER}:aud sts.amazonaws.com.`,
    ]);
  });
});

describe("eks-pod-identity-session-tags", () => {
  const association = (extra: Record<string, unknown> = {}) =>
    resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "a", { clusterName: "prod-c0", namespace: "karpenter", serviceAccount: "karpenter", roleArn: `arn:aws:iam::${ACCOUNT}:role/prod-karpenter-pod-identity`, ...extra });

  it("passes an association that keeps the session tags, and reports one that drops them or narrows the session itself", async () => {
    expect(await resourceMessages(eksPodIdentitySessionTags, association())).toEqual([]);
    expect(await resourceMessages(eksPodIdentitySessionTags, association({ disableSessionTags: true }))).toEqual([
      "The association disables session tags: the role's trust and permissions read them. Remove disableSessionTags.",
    ]);
    expect(await resourceMessages(eksPodIdentitySessionTags, association({ disableSessionTags: true, policy: "{}" }))).toHaveLength(2);
  });
});

describe("iam-no-data-plane-wildcard on the Pod Identity shapes", () => {
  const inline = (statements: unknown[]) => [{ name: "least-privilege", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }];

  it("accepts a fleet role that reaches its cluster's key by alias, and the guards that deny everything to other service accounts", async () => {
    expect(await resourceMessages(iamNoDataPlaneWildcard, role(trust, inline([...ebsCsiStatements(ACCOUNT), ...onlyTheSubject(subject)])))).toEqual([]);
  });

  it("reports every key, bucket or secret of the account allowed without a condition on the resource, and still \"*\"", async () => {
    const everyKey = { Sid: "AnyKey", Effect: "Allow", Action: "kms:Decrypt", Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` };
    expect(await resourceMessages(iamNoDataPlaneWildcard, role(trust, inline([everyKey])))).toEqual([
      `Inline policy 'least-privilege' statement 'AnyKey' allows kms:Decrypt on every resource of its kind (arn:aws:kms:*:${ACCOUNT}:key/*) with no condition on the resource's alias or tags. Name the exact bucket, secret, key or hosted-zone ARNs the principal needs.`,
    ]);
    // A condition on something else (the transport) pins nothing; a negated one neither.
    const unpinned = [
      { ...everyKey, Condition: { Bool: { "aws:SecureTransport": "true" } } },
      { ...everyKey, Condition: { "ForAnyValue:StringNotEquals": { "kms:ResourceAliases": "alias/other" } } },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:*:secret:*" },
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
    ];
    for (const statement of unpinned) expect([statement, await resourceMessages(iamNoDataPlaneWildcard, role(trust, inline([statement])))]).toEqual([statement, [expect.any(String)]]);
  });
});
