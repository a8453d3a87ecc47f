import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { FleetConfigError } from "./errors";
import { FleetSpec } from "./spec";

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/** The stack name of `Pulumi.<stack>.yaml`, or undefined for any other file name. */
export function stackNameOf(file: string): string | undefined {
  return STACK_FILE.exec(path.basename(file))?.[1];
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

/** The GitOps path a stack file claims, read leniently: a sibling may be invalid in other ways. */
function claimedPath(file: string): string | undefined {
  try {
    const doc = YAML.parse(fs.readFileSync(file, "utf8"), { maxAliasCount: 50 }) as { config?: Record<string, any> };
    const fleet = doc?.config?.["eks-fleet:fleet"] ?? doc?.config?.fleet;
    if (!fleet || typeof fleet !== "object") return undefined;
    const claimed = fleet.gitops?.path ?? "gitops";
    return typeof claimed === "string" ? path.posix.normalize(claimed).replace(/\/+$/, "") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each stack renders its own GitOps tree, and a render replaces the whole folder: two stacks
 * of one project must not share a path, nor nest one inside the other.
 */
export function checkDistinctGitopsPath(spec: FleetSpec, file: string, shown: (f: string) => string = (f) => f): void {
  const own = path.posix.normalize(spec.gitops.path).replace(/\/+$/, "");
  const overlaps = (other: string) => other === own || other.startsWith(`${own}/`) || own.startsWith(`${other}/`);
  const problems = siblingStackFiles(file).flatMap((sibling) => {
    const other = claimedPath(sibling);
    if (other === undefined || !overlaps(other)) return [];
    const relation = other === own ? "is also" : "overlaps";
    return [{
      path: "fleet.gitops.path",
      message: `'${own}' ${relation} the GitOps tree of stack '${stackNameOf(sibling)}' ('${other}' in ${shown(sibling)}): give each stack its own path, e.g. gitops-${stackNameOf(file) ?? "<stack>"}`,
    }];
  });
  if (problems.length) throw new FleetConfigError(problems);
}
