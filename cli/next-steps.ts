import * as path from "path";
import { FleetSpec, projectDirOf, shownPath, stackNameOf } from "../fleet";

/**
 * What the "Next:" hints of the commands say to run, for the stack the command was given:
 * its name and its own GitOps tree, never a default stack or folder. A hint followed as
 * printed acts on the same stack as the command that printed it.
 */
export interface StackRef {
  /** The stack file, as given (`--config`) or found (`--stack`). */
  readonly configFile: string;
  readonly spec: FleetSpec;
}

/** The Pulumi stack name: `Pulumi.<name>.yaml`'s name (what `pulumi --stack` takes). */
export function stackName({ configFile }: StackRef): string {
  return stackNameOf(configFile) ?? path.basename(configFile).replace(/\.ya?ml$/, "");
}

/**
 * How an npm command names the stack: `--stack <name>` when the file is the working
 * directory's `Pulumi.<name>.yaml` (what `--stack` resolves to), else `--config <file>`.
 */
export function stackFlag(ref: StackRef): string {
  const name = stackNameOf(ref.configFile);
  const here = path.resolve(path.dirname(ref.configFile)) === path.resolve(process.cwd());
  return name !== undefined && here ? `--stack ${name}` : `--config ${shownPath(ref.configFile)}`;
}

/** The folder `npm run synth` renders the stack's tree into: its `gitops.path`, beside its stack file in the project. */
export function treeDir({ configFile, spec }: StackRef): string {
  return path.resolve(projectDirOf(configFile) ?? process.cwd(), spec.gitops.path);
}

/** The tree folder as a user types it from here, with a trailing slash: `gitops/`, `../fleet/gitops-staging/`. */
export function shownTree(ref: StackRef): string {
  const relative = path.relative(process.cwd(), treeDir(ref)) || ".";
  return `${relative}/`;
}

/** An npm command with the stack's flag: `npm run synth -- --stack staging`. */
export function npmCommand(script: string, ref: StackRef, ...args: string[]): string {
  return `npm run ${script} -- ${[...args, stackFlag(ref)].join(" ")}`;
}
