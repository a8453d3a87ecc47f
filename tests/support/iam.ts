/**
 * Enough of IAM's evaluation of an identity policy for the tests to ask "may this role do
 * that to this ARN?": an explicit Deny wins, then any Allow, else denied. Actions and
 * resources match with IAM's wildcards (`*` any run of characters, `?` one), actions
 * case-insensitively (AWS IAM user guide, "Policy evaluation logic", "IAM JSON policy
 * elements: Action / Resource"). Conditions are not evaluated: a statement with one is
 * reported, so a test never mistakes a conditional grant for an unconditional one.
 */
export interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: unknown;
}

const pattern = (glob: string, flags = "") => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
const list = (value: string | readonly string[]) => ([] as string[]).concat(value as string[]);

function matches(statement: Statement, action: string, resource: string): boolean {
  if (statement.Condition !== undefined) throw new Error(`a conditional statement matched ${action} on ${resource}; evaluate it by hand`);
  return list(statement.Action).some((a) => pattern(a, "i").test(action)) && list(statement.Resource).some((r) => pattern(r).test(resource));
}

export function allows(statements: readonly Statement[], action: string, resource: string): boolean {
  const relevant = statements.filter((s) => list(s.Action).some((a) => pattern(a, "i").test(action)) && list(s.Resource).some((r) => pattern(r).test(resource)));
  if (relevant.some((s) => s.Effect === "Deny" && matches(s, action, resource))) return false;
  return relevant.some((s) => s.Effect === "Allow" && matches(s, action, resource));
}
