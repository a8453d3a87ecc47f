import { z } from "zod";
import { configPath, FleetConfigError, Problem } from "./errors";
import { checkFleet } from "./rules";
import { fleetSchema } from "./schema";
import { buildFleetSpec, FleetSpec } from "./spec";

/**
 * The one way into the fleet model: raw config (from a stack file or from
 * `pulumi.Config`) in, an immutable `FleetSpec` out, or a `FleetConfigError` listing
 * every problem by its config path. `now` is the day the Kubernetes version is judged
 * against (EKS's release calendar); tests set it.
 */
export function parseFleet(raw: unknown, homeRegion: unknown, now: Date = new Date()): FleetSpec {
  const problems: Problem[] = [];
  if (typeof homeRegion !== "string" || homeRegion === "") {
    problems.push({ path: "aws:region", message: "is required: the home region for Route 53 and the secrets' primary copies" });
  }
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap(toProblems));
  if (problems.length > 0) throw new FleetConfigError(problems);

  const config = parsed.data!;
  const ruleProblems = checkFleet(config, homeRegion as string, now);
  if (ruleProblems.length > 0) throw new FleetConfigError(ruleProblems);
  return buildFleetSpec(config, homeRegion as string);
}

function toProblems(issue: z.core.$ZodIssue): Problem[] {
  const path = configPath("fleet", issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: configPath(path, [key]), message: "unknown key (check the spelling; see the README's config reference)" }));
  }
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return [{ path, message: `is required (${issue.expected})` }];
  return [{ path, message: issue.message }];
}
