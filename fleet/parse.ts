import { z } from "zod";
import { configPath, FleetConfigError, Problem, withClusterNames } from "./errors";
import type { ConfigSource } from "./locate";
import { checkFleet } from "./rules";
import { fleetSchema } from "./schema";
import { buildFleetSpec, FleetSpec } from "./spec";
import { closest, didYouMean } from "./suggest";

/**
 * The one way into the fleet model: raw config (from a stack file or from
 * `pulumi.Config`) in, an immutable `FleetSpec` out, or a `FleetConfigError` listing
 * every problem by its config path, each cluster by its name, and, when `source` says where
 * the config was written, by file, line and column. `now` is the day the Kubernetes version
 * is judged against (EKS's release calendar); tests set it.
 */
export function parseFleet(raw: unknown, homeRegion: unknown, now: Date = new Date(), source?: ConfigSource): FleetSpec {
  const problems: Problem[] = [];
  if (typeof homeRegion !== "string" || homeRegion === "") {
    problems.push({ path: "aws:region", message: "is required: the home region for Route 53 and the secrets' primary copies" });
  }
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) problems.push(...schemaProblems(parsed.error.issues, raw, source));
  if (problems.length > 0) throw located(problems, raw, source);

  const config = parsed.data!;
  const ruleProblems = checkFleet(config, homeRegion as string, now);
  if (ruleProblems.length > 0) throw located(ruleProblems, raw, source);
  return buildFleetSpec(config, homeRegion as string);
}

/** A problem with a key itself (an unknown key) points at the key; any other at the value. */
type SchemaProblem = Problem & { readonly onKey?: boolean; readonly meant?: string };

function located(problems: readonly SchemaProblem[], raw: unknown, source: ConfigSource | undefined): FleetConfigError {
  const placed = problems.map(({ path, message, onKey }) => ({ path, message, where: source?.locate(path, onKey) }));
  return new FleetConfigError(withClusterNames(placed, raw));
}

/**
 * Schema issues as problems: a misspelt key or value with the closest known one, a missing key
 * with its type, and a number where text belongs with what YAML made of it.
 */
function schemaProblems(issues: readonly z.core.$ZodIssue[], raw: unknown, source: ConfigSource | undefined): SchemaProblem[] {
  const problems = issues.flatMap((issue) => toProblems(issue, raw, source));
  // A misspelt key explains the required key it was meant to be: one line, not two.
  const meant = new Set(problems.flatMap((p) => (p.meant ? [p.meant] : [])));
  return problems.filter((p) => !(meant.has(p.path) && p.message.startsWith("is required")));
}

function toProblems(issue: z.core.$ZodIssue, raw: unknown, source: ConfigSource | undefined): SchemaProblem[] {
  const path = configPath("fleet", issue.path);
  if (issue.code === "unrecognized_keys") {
    const known = keysAt(fleetSchema, issue.path);
    return issue.keys.map((key) => {
      const match = closest(key, known);
      const hint = didYouMean(key, known);
      return {
        path: configPath(path, [key]),
        message: hint ? `unknown key${hint} (see docs/REFERENCE.md, Config reference)` : "unknown key (check the spelling; see docs/REFERENCE.md, Config reference)",
        meant: match && match !== key ? configPath(path, [match]) : undefined,
        onKey: true,
      };
    });
  }
  if (issue.code === "invalid_value") {
    const given = valueAt(raw, issue.path);
    const values = issue.values.map(String);
    return [{ path, message: `${issue.message}${typeof given === "string" ? didYouMean(given, values) : ""}` }];
  }
  if (issue.code === "invalid_type") {
    const given = valueAt(raw, issue.path);
    if (given === undefined) return [{ path, message: `is required (${issue.expected})` }];
    if (issue.expected === "string" && typeof given === "number") return [{ path, message: numberHint(given, source?.sourceText(path)) }];
  }
  return [{ path, message: issue.message }];
}

/**
 * YAML reads an unquoted `1.30` as the number 1.3 and `021098765432` as 21098765432: the text
 * the user wrote is gone by the time the schema sees it. The source text says what it was.
 */
function numberHint(value: number, written: string | undefined): string {
  const text = written?.trim();
  if (text === undefined || text === String(value)) {
    return `expected text, but YAML read the number ${value}; quote it ("${text ?? value}") so it stays as written`;
  }
  const lost = /^[+-]?0\d/.test(text) ? " (the leading zero is lost)" : /\.\d*0$/.test(text) ? " (the trailing zero is lost)" : "";
  return `expected text, but YAML read ${text} as the number ${value}${lost}; quote it: "${text}"`;
}

function valueAt(raw: unknown, segments: readonly PropertyKey[]): unknown {
  return segments.reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), raw);
}

/** The keys the schema knows for the object at `segments`. */
function keysAt(schema: z.core.$ZodType, segments: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = schema;
  for (const segment of [...segments, undefined]) {
    // Through wrappers (optional, default, …) to the object, array or record itself.
    for (let def = node?._zod.def as { innerType?: z.core.$ZodType } | undefined; def?.innerType; def = node?._zod.def as typeof def) node = def.innerType;
    if (segment === undefined || !node) break;
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    node = def.type === "object" ? def.shape?.[String(segment)] : def.type === "array" ? def.element : def.type === "record" ? def.valueType : undefined;
  }
  const shape = (node?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}
