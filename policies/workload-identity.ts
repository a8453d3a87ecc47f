import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, known, policyStatements, PolicyStatement, validateResourceOfTypes } from "./support";

const IAM_ROLE = "aws:iam/role:Role";
const POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com";
/** What EKS Pod Identity needs of a role's trust, and nothing more (EKS user guide, "Create IAM role with trust policy required by EKS Pod Identity"). */
const POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"];

/** Values of one condition key under one operator, or undefined when the statement has none. */
function conditionValues(statement: PolicyStatement, operator: string, key: string): string[] | undefined {
  const entry = Object.entries(statement.Condition?.[operator] ?? {}).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return entry ? asArray(entry[1] as string | string[]).map(String) : undefined;
}

/** A value that names one thing: no IAM wildcard, no policy variable. */
const exact = (values: string[] | undefined) => values !== undefined && values.length > 0 && values.every((v) => v !== "" && !/[*?]|\$\{/.test(v));

function trustProblems(statement: PolicyStatement): string[] {
  if (statement.Effect !== "Allow") return [];
  const principal = (statement as { Principal?: unknown }).Principal;
  const services = principal && typeof principal === "object" ? asArray((principal as { Service?: string | string[] }).Service) : [];
  const federated = principal && typeof principal === "object" ? asArray((principal as { Federated?: string | string[] }).Federated) : [];
  const problems: string[] = [];
  if (services.includes(POD_IDENTITY_SERVICE)) {
    const extra = asArray(statement.Action).filter((a) => !POD_IDENTITY_ACTIONS.includes(a));
    if (extra.length > 0) problems.push(`lets EKS Pod Identity do ${extra.join(", ")}: only sts:AssumeRole and sts:TagSession`);
    for (const tag of ["kubernetes-namespace", "kubernetes-service-account"]) {
      if (!exact(conditionValues(statement, "StringEquals", `aws:RequestTag/${tag}`))) {
        problems.push(`lets any pod assume the role: name its ${tag} with StringEquals on aws:RequestTag/${tag} (no wildcard)`);
      }
    }
    // Service accounts may be several, of one namespace: a second namespace lets whoever
    // administers it create an account of the same name there and take the role.
    const namespaces = conditionValues(statement, "StringEquals", "aws:RequestTag/kubernetes-namespace");
    if (exact(namespaces) && new Set(namespaces).size > 1) problems.push(`lets pods of ${namespaces!.length} namespaces assume the role (${namespaces!.join(", ")}): name one`);
  }
  for (const provider of federated.filter((f) => f.includes(":oidc-provider/"))) {
    const issuer = provider.slice(provider.indexOf(":oidc-provider/") + ":oidc-provider/".length);
    if (!exact(conditionValues(statement, "StringEquals", `${issuer}:sub`))) problems.push(`lets any service account of ${issuer} assume the role: name it with StringEquals on ${issuer}:sub (no wildcard)`);
    if (!exact(conditionValues(statement, "StringEquals", `${issuer}:aud`))) problems.push(`accepts tokens of any audience from ${issuer}: require StringEquals ${issuer}:aud sts.amazonaws.com`);
  }
  return problems;
}

/**
 * A role that pods assume (EKS Pod Identity or IRSA) names who may: the namespace and
 * service account, exactly. Without it, any pod of any namespace given an association (or any
 * service account of the cluster's OIDC issuer) takes the role's rights.
 */
export const iamWorkloadTrustScoped: ResourceValidationPolicy = {
  name: "iam-workload-trust-scoped",
  description: "Checks whether every role trusted by EKS Pod Identity or an EKS OIDC provider names exactly the namespace and service account that may assume it.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([IAM_ROLE], (props, _args, reportViolation) => {
    for (const [i, statement] of (policyStatements(known(() => props.assumeRolePolicy)) ?? []).entries()) {
      const label = statement.Sid ? `statement '${statement.Sid}'` : `statement ${i}`;
      for (const problem of trustProblems(statement)) reportViolation(`Trust policy ${label} ${problem}.`);
    }
  }),
};

/**
 * The fleet's Pod Identity roles scope their rights by the session tags EKS adds (cluster,
 * namespace, service account). An association that disables them, or narrows the session with
 * a policy of its own instead, would leave the tags empty: refused, so every session carries
 * the tags its role's conditions read (EKS API reference, CreatePodIdentityAssociation
 * `disableSessionTags`, `policy`).
 */
export const eksPodIdentitySessionTags: ResourceValidationPolicy = {
  name: "eks-pod-identity-session-tags",
  description: "Checks whether every EKS Pod Identity association keeps the session tags its role's conditions read.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfTypes([POD_IDENTITY_ASSOCIATION], (props, _args, reportViolation) => {
    if (known(() => props.disableSessionTags) === true) reportViolation("The association disables session tags: the role's trust and permissions read them. Remove disableSessionTags.");
    if (known(() => props.policy) !== undefined) reportViolation("The association sets a session policy, which needs session tags disabled: scope the role by its session tags instead.");
  }),
};

export const workloadIdentityPolicies: ResourceValidationPolicy[] = [iamWorkloadTrustScoped, eksPodIdentitySessionTags];
