import * as fs from "fs";
import * as path from "path";
import { ApiObject } from "cdk8s";
import * as YAML from "yaml";
import { FleetConfigError, Problem } from "../fleet";
import { Layer, Replication, replicate } from "./replicate";

/** The repository's folder of plain YAML replicated to every cluster: `replicated/<layer>/*.yaml`. */
export const REPLICATED_DIR = path.resolve(__dirname, "..", "replicated");

export interface ReplicatedFile {
  /** Path relative to the replicated folder, e.g. `platform/maintenancewindows.yaml`. */
  readonly file: string;
  readonly layer: Layer;
  readonly objects: readonly Record<string, unknown>[];
}

/**
 * Reads `platform/` and `apps/` under `dir` (missing folders are empty), one replication
 * per file so a chart can retarget or override a file by its name. Problems (bad YAML, a
 * document that is not a Kubernetes object, a Secret) name the file and document.
 */
export function loadReplicated(dir: string = REPLICATED_DIR): ReplicatedFile[] {
  const problems: Problem[] = [];
  const files: ReplicatedFile[] = [];
  for (const layer of ["platform", "apps"] as const) {
    const folder = path.join(dir, layer);
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const file = `${layer}/${name}`;
      const objects: Record<string, unknown>[] = [];
      YAML.parseAllDocuments(fs.readFileSync(path.join(folder, name), "utf8"), { uniqueKeys: true }).forEach((doc, i) => {
        const where = `replicated/${file}#${i}`;
        if (doc.errors.length > 0) return void problems.push({ path: where, message: `not valid YAML (${doc.errors[0].message.split("\n")[0]})` });
        const value = doc.toJS({ maxAliasCount: 50 });
        if (value === null || value === undefined) return; // empty document (e.g. after a trailing ---)
        const problem = basicProblem(value);
        if (problem) return void problems.push({ path: where, message: problem });
        objects.push(value);
      });
      files.push({ file, layer, objects });
    }
  }
  if (problems.length > 0) throw new FleetConfigError(problems);
  return files;
}

/** The replications of the loaded files, targeting every cluster until a chart says otherwise. */
export function replicatedReplications(files: readonly ReplicatedFile[]): Replication[] {
  return files.map(({ file, layer, objects }) =>
    replicate(`replicated/${file}`, (scope) => {
      // structuredClone: a per-cluster override must not leak into the next cluster's copy.
      objects.forEach((object, i) => new ApiObject(scope, `doc${i}`, structuredClone(object) as never));
    }).inLayer(layer),
  );
}

/** What every object needs before it can be named, filed and validated. */
export function basicProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "must be a Kubernetes object (a map)";
  const object = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof object.apiVersion !== "string" || object.apiVersion === "") return "field apiVersion: must be a non-empty string";
  if (typeof object.kind !== "string" || object.kind === "") return "field kind: must be a non-empty string";
  if (typeof object.metadata?.name !== "string" || object.metadata.name === "") return "field metadata.name: must be a non-empty string";
  if (object.kind === "Secret" && object.apiVersion === "v1") {
    return "kind Secret: a Secret never goes into Git; declare it in fleet.secrets (rendered as an ExternalSecret)";
  }
  return undefined;
}
