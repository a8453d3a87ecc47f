/**
 * IAM's decision for one request against one policy document, conditions included, enough to
 * ask "may a session of this cluster's pod do that?" of the plan's trust and permission
 * policies (AWS IAM user guide, "Policy evaluation logic", "IAM JSON policy elements:
 * Condition operators", "Condition operators: single-valued vs multivalued context keys",
 * "IAM policy elements: Variables and tags"):
 * - an explicit Deny wins, then any Allow, else the request is denied;
 * - `${key}` policy variables in Resource and condition values take the request's value of
 *   `key`; a statement whose variable has no value does not match (IAM treats it as false);
 * - each operator's values are ORed, operators and keys are ANDed; a positive operator is false
 *   for an absent key, a negated one (`StringNotEquals`, …) true; `…IfExists` is true for an
 *   absent key; `ForAnyValue:`/`ForAllValues:` compare every value of a multivalued key, and
 *   `ForAllValues:` is true for an absent key; `Null: "true"` means absent.
 * Operators it does not know throw, so a test never passes on a condition it could not read.
 */
export type ContextValue = string | readonly string[];

export interface IamRequest {
  readonly action: string;
  /** Absent for a trust policy (the role itself is the resource). */
  readonly resource?: string;
  /** Who calls, for a trust policy's `Principal`: `{ Service: "pods.eks.amazonaws.com" }` or `{ AWS: roleArn }`. */
  readonly principal?: { readonly Service?: string; readonly AWS?: string };
  /** Condition keys: `aws:PrincipalTag/…`, `aws:RequestTag/…`, `aws:ResourceTag/…`, `kms:ResourceAliases`, … */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]> | "*";
  readonly Condition?: Record<string, Record<string, ContextValue>>;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
}

const list = (value: ContextValue | undefined): string[] => (value === undefined ? [] : ([] as string[]).concat(value as string[]));
const glob = (pattern: string, value: string, flags = "") =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags).test(value);

/** `${aws:PrincipalTag/x}` → the request's value; undefined when a variable has none (or several). */
function substitute(text: string, context: IamRequest["context"]): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const values = list(context[key]);
    if (values.length !== 1) missing = true;
    return values[0] ?? "";
  });
  return missing ? undefined : out;
}

const COMPARE: Record<string, (policy: string, actual: string) => boolean> = {
  StringEquals: (p, a) => p === a,
  StringLike: (p, a) => glob(p, a),
  StringEqualsIgnoreCase: (p, a) => p.toLowerCase() === a.toLowerCase(),
  ArnEquals: (p, a) => p === a,
  ArnLike: (p, a) => glob(p, a),
  Bool: (p, a) => p.toLowerCase() === a.toLowerCase(),
};
const NEGATED: Record<string, string> = { StringNotEquals: "StringEquals", StringNotLike: "StringLike", ArnNotEquals: "ArnEquals", ArnNotLike: "ArnLike" };

function conditionHolds(operator: string, key: string, policyValues: ContextValue, context: IamRequest["context"]): boolean {
  const actual = context[key] === undefined ? undefined : list(context[key]);
  if (operator === "Null") return String(policyValues) === "true" ? actual === undefined : actual !== undefined;
  const [, set, op, ifExists] = /^(?:(ForAnyValue|ForAllValues):)?(\w+?)(IfExists)?$/.exec(operator) ?? [];
  const base = NEGATED[op] ?? op;
  const compare = COMPARE[base];
  if (!compare) throw new Error(`condition operator ${operator} is not evaluated here`);
  const values = list(policyValues).map((v) => substitute(v, context)).filter((v): v is string => v !== undefined);
  const matchesOne = (a: string) => values.some((p) => compare(p, a));
  const negated = base !== op;
  if (actual === undefined) return set === "ForAllValues" || ifExists !== undefined || negated;
  if (set === "ForAllValues") return actual.every((a) => (negated ? !matchesOne(a) : matchesOne(a)));
  if (set === "ForAnyValue") return actual.some((a) => (negated ? !matchesOne(a) : matchesOne(a)));
  if (actual.length !== 1) throw new Error(`${key} has several values: say ForAnyValue or ForAllValues`);
  return negated ? !matchesOne(actual[0]) : matchesOne(actual[0]);
}

function applies(s: Statement, request: IamRequest): boolean {
  if (s.NotAction !== undefined || s.NotResource !== undefined) throw new Error("NotAction/NotResource are not evaluated here");
  if (!list(s.Action).some((a) => glob(a, request.action, "i"))) return false;
  if (request.resource !== undefined) {
    const resources = list(s.Resource).map((r) => substitute(r, request.context)).filter((r): r is string => r !== undefined);
    if (!resources.some((r) => glob(r, request.resource!))) return false;
  }
  if (s.Principal !== undefined && s.Principal !== "*") {
    const caller = request.principal ?? {};
    const named = Object.entries(s.Principal).some(([kind, ids]) => list(ids).includes((caller as Record<string, string | undefined>)[kind] ?? ""));
    if (!named) return false;
  }
  return Object.entries(s.Condition ?? {}).every(([operator, keys]) => Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, request.context)));
}

export function decide(document: string | { Statement: Statement | Statement[] }, request: IamRequest): Decision {
  const parsed = typeof document === "string" ? JSON.parse(document) : document;
  const statements = ([] as Statement[]).concat(parsed.Statement);
  const matching = statements.filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === "Deny")) return "explicit-deny";
  return matching.some((s) => s.Effect === "Allow") ? "allow" : "implicit-deny";
}

/** The session tags EKS Pod Identity gives a pod's session, as condition keys of `prefix` (`aws:RequestTag` when assuming, `aws:PrincipalTag` after). */
export function podIdentityTags(prefix: "aws:RequestTag" | "aws:PrincipalTag", pod: { accountId: string; region: string; eksClusterName: string; namespace: string; serviceAccount: string }): Record<string, string> {
  return {
    [`${prefix}/eks-cluster-name`]: pod.eksClusterName,
    [`${prefix}/eks-cluster-arn`]: `arn:aws:eks:${pod.region}:${pod.accountId}:cluster/${pod.eksClusterName}`,
    [`${prefix}/kubernetes-namespace`]: pod.namespace,
    [`${prefix}/kubernetes-service-account`]: pod.serviceAccount,
    [`${prefix}/kubernetes-pod-name`]: `${pod.serviceAccount}-0`,
    [`${prefix}/kubernetes-pod-uid`]: "00000000-0000-0000-0000-000000000000",
  };
}
