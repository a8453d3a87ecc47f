import * as fs from "fs";
import * as path from "path";
import { ApiObject } from "cdk8s";
import { FleetConfigError, type Problem } from "../fleet/errors";
import { MAX_MANIFEST_FILE_BYTES, readBounded } from "../fleet/safe-files";
import { documentProblem, documentsOf } from "../policies/closed-world";
import { Layer, Replication, replicate } from "./replicate";

import { REPLICATED_DIR } from "./replicated-files";

export { REPLICATED_DIR };

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
  const problems: Problem[] = strayEntries(dir);
  const files: ReplicatedFile[] = [];
  for (const layer of ["platform", "apps"] as const) {
    const folder = path.join(dir, layer);
    if (!fs.existsSync(folder) || !fs.lstatSync(folder).isDirectory()) continue;
    for (const name of fs.readdirSync(folder).filter((f) => YAML_FILE.test(f) && fs.lstatSync(path.join(folder, f)).isFile()).sort()) {
      const file = `${layer}/${name}`;
      const objects: Record<string, unknown>[] = [];
      let documents: unknown[];
      try {
        const text = readBounded(path.join(folder, name), `replicated/${file}`, MAX_MANIFEST_FILE_BYTES, "a file of Kubernetes objects is far smaller").toString("utf8");
        // Read as kustomize reads it (merge keys, aliases, go-yaml scalars), so what is rendered is what an agent would apply.
        documents = documentsOf(text);
      } catch (err) {
        if (err instanceof FleetConfigError) problems.push(...err.problems);
        else problems.push({ path: `replicated/${file}`, message: (err as Error).message });
        continue;
      }
      documents.forEach((value, i) => {
        const where = `replicated/${file}#${i}`;
        const problem = basicProblem(value) ?? closedWorldProblem(value as Record<string, unknown>);
        if (problem) return void problems.push({ path: where, message: problem });
        objects.push(value as Record<string, unknown>);
      });
      files.push({ file, layer, objects });
    }
  }
  if (problems.length > 0) throw new FleetConfigError(problems);
  return files;
}

const YAML_FILE = /\.ya?ml$/;

/**
 * The same closed world as the rendered tree (policies/closed-world.ts): only plain YAML
 * files directly in `platform/` and `apps/`. Anything else would be ignored here yet sit in
 * the repository (a Secret in a `.json` file leaks all the same), or, once rendered, change
 * what kustomize builds.
 */
function strayEntries(dir: string): Problem[] {
  if (!fs.existsSync(dir)) return [];
  const problems: Problem[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const depth = child.split("/").length;
      const layerFolder = depth === 1 && entry.isDirectory() && ["platform", "apps"].includes(entry.name);
      if (layerFolder) walk(child);
      else if (depth === 2 && entry.isFile() && YAML_FILE.test(entry.name)) continue;
      else problems.push({ path: `replicated/${child}`, message: "only plain .yaml/.yml files directly in replicated/platform/ and replicated/apps/ are allowed (no other files, folders or links)" });
    }
  };
  walk("");
  return problems;
}

/** What kustomize would read differently from a plain object: a List it unwraps, a kustomization, a merge directive. */
function closedWorldProblem(value: Record<string, unknown>): string | undefined {
  if (String(value.kind).endsWith("List") && "items" in value) return `kind ${value.kind}: write each object as its own document (kustomize unwraps lists, so their items would escape these checks)`;
  return documentProblem(value);
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
