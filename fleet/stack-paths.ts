import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { FleetConfigError } from "./errors";
import { readBounded } from "./safe-files";
import { FleetSpec } from "./spec";

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/** The stack name of `Pulumi.<stack>.yaml`, or undefined for any other file name. */
export function stackNameOf(file: string): string | undefined {
  return STACK_FILE.exec(path.basename(file))?.[1];
}

/**
 * `prod.links.us-east-1` → `prod.links.us-east-1`, `prod.links`, `prod`: every name the fleet
 * stack of a stack could have, longest first (a per-cluster fleet's stacks are `<fleet stack>.…`).
 */
export function stackPrefixes(name: string): string[] {
  const parts = name.split(".");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("."));
}

/** The folder of the Pulumi project a stack file belongs to: its own, when `Pulumi.yaml` sits next to it. */
export function projectDirOf(file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  return fs.existsSync(path.join(dir, "Pulumi.yaml")) ? dir : undefined;
}

/** The other stack files of the project `file` belongs to (none outside a project). */
export function siblingStackFiles(file: string): string[] {
  const dir = projectDirOf(file);
  if (!dir) return [];
  const self = path.resolve(file);
  return fs.readdirSync(dir)
    .filter((name) => stackNameOf(name) !== undefined)
    .map((name) => path.join(dir, name))
    .filter((f) => f !== self)
    .sort();
}

/** What a sibling stack file claims, read leniently: it may be invalid in other ways. */
interface SiblingClaims {
  readonly gitopsPath?: string;
  readonly name?: string;
  readonly record?: string;
}

/**
 * The GitOps path, fleet name and DNS record a stack file claims. Read like every file: a
 * FIFO, a device or a huge file among the siblings is skipped, never waited on or read whole.
 */
function claimsOf(file: string): SiblingClaims {
  try {
    const doc = YAML.parse(readBounded(file).toString("utf8"), { maxAliasCount: 50 }) as { config?: Record<string, any> };
    const fleet = doc?.config?.["eks-fleet:fleet"] ?? doc?.config?.fleet;
    if (!fleet || typeof fleet !== "object") return {};
    const claimed = fleet.gitops?.path ?? "gitops";
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    return {
      gitopsPath: typeof claimed === "string" ? path.posix.normalize(claimed).replace(/\/+$/, "") : undefined,
      name: text(fleet.name),
      record: text(fleet.dns?.record),
    };
  } catch {
    return {};
  }
}

/**
 * What two stacks of one project may not share. Each renders its own GitOps tree, and a render
 * replaces the whole folder: no shared or nested paths. The fleet's name prefixes every AWS
 * name (IAM roles, buckets, clusters, secrets' tags): a shared name makes both stacks manage
 * the same resources. And a shared `dns.record` lets one stack's records take the other's traffic.
 */
export function checkDistinctSiblings(spec: FleetSpec, file: string, shown: (f: string) => string = (f) => f): void {
  const own = path.posix.normalize(spec.gitops.path).replace(/\/+$/, "");
  const overlaps = (other: string) => other === own || other.startsWith(`${own}/`) || own.startsWith(`${other}/`);
  const problems = siblingStackFiles(file).flatMap((sibling) => {
    const claims = claimsOf(sibling);
    const where = `stack '${stackNameOf(sibling)}' (${shown(sibling)})`;
    const found = [];
    if (claims.gitopsPath !== undefined && overlaps(claims.gitopsPath)) {
      const relation = claims.gitopsPath === own ? "is also" : "overlaps";
      found.push({
        path: "fleet.gitops.path",
        message: `'${own}' ${relation} the GitOps tree of stack '${stackNameOf(sibling)}' ('${claims.gitopsPath}' in ${shown(sibling)}): give each stack its own path, e.g. gitops-${stackNameOf(file) ?? "<stack>"}`,
      });
    }
    if (claims.name === spec.name) {
      found.push({ path: "fleet.name", message: `'${spec.name}' is also the fleet name of ${where}: the two would manage the same IAM roles, buckets and clusters; give each stack its own name` });
    }
    if (claims.record === spec.dns.record) {
      found.push({ path: "fleet.dns.record", message: `'${spec.dns.record}' is also the record of ${where}: one stack's records would take the other's traffic; give each stack its own record` });
    }
    return found;
  });
  if (problems.length) throw new FleetConfigError(problems);
}
