/**
 * Enough of IAM's evaluation for the tests to ask "may this role do that to this ARN?"
 * (AWS IAM user guide, "Policy evaluation logic", "IAM JSON policy elements: Action /
 * Resource / Principal / Condition", "Condition operators"): an explicit Deny wins, then an
 * Allow, else denied. Actions and resources match with IAM's wildcards (`*` any run of
 * characters, `?` one), actions case-insensitively. `NotAction`, `NotResource`, `NotPrincipal`
 * and condition operators not listed below are refused, so a test never mistakes a policy it
 * cannot read for one that denies.
 */
export interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

const pattern = (glob: string, flags = "") => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
const list = (value: string | readonly string[]) => ([] as string[]).concat(value as string[]);

function unsupported(statement: Statement): void {
  for (const key of ["NotAction", "NotResource", "NotPrincipal"]) if (key in statement) throw new Error(`a statement with ${key}: evaluate it by hand`);
}

const covers = (statement: Statement, action: string, resource: string) =>
  list(statement.Action).some((a) => pattern(a, "i").test(action)) && list(statement.Resource).some((r) => pattern(r).test(resource));

/** Identity policies only, no conditions: a statement with one that matches is refused. */
export function allows(statements: readonly Statement[], action: string, resource: string): boolean {
  const relevant = statements.filter((s) => (unsupported(s), covers(s, action, resource)));
  for (const s of relevant) if (s.Condition !== undefined) throw new Error(`a conditional statement matched ${action} on ${resource}; evaluate it by hand`);
  if (relevant.some((s) => s.Effect === "Deny")) return false;
  return relevant.some((s) => s.Effect === "Allow");
}

/** One request: who, what, on which ARN, and the request's context keys (`aws:SecureTransport`, `kms:ViaService`, …). */
export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

const OPERATORS: Record<string, (actual: string, expected: string) => boolean> = {
  StringEquals: (a, e) => a === e,
  StringLike: (a, e) => pattern(e).test(a),
  ArnEquals: (a, e) => a === e,
  ArnLike: (a, e) => pattern(e).test(a),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
};

/** Every operator's every key must hold (a missing key fails it); any of a key's values may match. */
function conditionHolds(condition: Statement["Condition"], context: Request["context"]): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (!test) throw new Error(`condition operator ${operator}: evaluate it by hand`);
    return Object.entries(keys).every(([key, values]) => key in context && list(values).some((v) => test(context[key], v)));
  });
}

/** The account a principal ARN belongs to. */
const accountOf = (arn: string) => arn.split(":")[4];

/**
 * Whether a resource policy's statement names the principal: itself, `*`, or its account's
 * root, which delegates to the account's identity policies ("Specifying a principal": the
 * account principal grants nothing by itself).
 */
function names(statement: Statement, principal: string): "itself" | "account" | undefined {
  if (statement.Principal === "*") return "itself";
  const aws = list(statement.Principal?.AWS ?? []);
  if (aws.includes(principal)) return "itself";
  if (aws.includes(`arn:aws:iam::${accountOf(principal)}:root`)) return "account";
  return undefined;
}

/**
 * A same-account request under the principal's identity policies and, where the service has
 * one, the resource's policy. S3 allows when either allows; KMS only when the key policy
 * does, itself or by delegating to the account's identity policies ("Key policies in AWS KMS").
 */
export function decide(request: Request, identity: readonly Statement[], resourcePolicy: readonly Statement[] = [], service: "s3" | "kms" | "other" = "other"): boolean {
  const { action, resource, context } = request;
  const applies = (s: Statement) => (unsupported(s), covers(s, action, resource) && conditionHolds(s.Condition, context));
  const fromIdentity = identity.filter(applies);
  const fromResource = resourcePolicy.filter((s) => applies(s) && names(s, request.principal) !== undefined);
  if ([...fromIdentity, ...fromResource].some((s) => s.Effect === "Deny")) return false;
  const identityAllows = fromIdentity.some((s) => s.Effect === "Allow");
  const resourceAllows = (who: "itself" | "account") => fromResource.some((s) => s.Effect === "Allow" && names(s, request.principal) === who);
  if (service === "kms") return resourceAllows("itself") || (resourceAllows("account") && identityAllows);
  return identityAllows || resourceAllows("itself");
}
