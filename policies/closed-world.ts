import { deepFreeze } from "../fleet/deep-freeze";
import { kustomizeDocuments } from "./kustomize-yaml";

/**
 * What the agents apply, read with kustomize's semantics, and nothing else. The renderer
 * writes each layer as plain files plus a `kustomization.yaml` that only lists them; Flux and
 * Argo CD run `kustomize build` on that folder. Anything a kustomization can do beyond a plain
 * list (generators, patches, components, `../` or remote bases) would apply objects no rule
 * saw, so the generated tree is treated as a closed world: exactly the generator's shape.
 */

export const KUSTOMIZATION = "kustomization.yaml";
export const KUSTOMIZATION_API = "kustomize.config.k8s.io/v1beta1";
/** The only keys the generator writes (charts/render.ts `kustomization()`). */
const KUSTOMIZATION_KEYS = ["apiVersion", "kind", "resources"];
/** A file next to the kustomization: no folder, no `..`, no URL, no absolute path. */
const PLAIN_FILE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/**
 * The documents of a YAML or JSON text (JSON is YAML) as kustomize reads them: merge keys
 * expanded, aliases resolved, scalars typed as go-yaml types them, empty documents skipped
 * (policies/kustomize-yaml.ts). Throws with a one-line reason when kustomize could not read it.
 */
export function documentsOf(text: string): unknown[] {
  return kustomizeDocuments(text);
}

/**
 * The documents of any file, for the Secret scan, whatever its size: undefined only when no
 * agent could read it as YAML (a NUL byte, or not YAML at all).
 */
export function scannableDocuments(bytes: Buffer, read: (text: string) => unknown[] = documentsOf): unknown[] | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return read(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * `documentsOf` that parses each distinct text once: a replicated object is the same file in
 * every cluster's folder (80 distinct texts among 341 files at 10 clusters). The documents it
 * returns are frozen, so files that share them cannot change each other's.
 */
export function documentReader(): (text: string) => unknown[] {
  const parsed = new Map<string, readonly unknown[] | Error>();
  return (text) => {
    let documents = parsed.get(text);
    if (documents === undefined) {
      try {
        documents = deepFreeze(documentsOf(text));
      } catch (err) {
        documents = err as Error;
      }
      parsed.set(text, documents);
    }
    if (documents instanceof Error) throw documents;
    return documents as unknown[];
  };
}

const isMap = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Documents as kustomize loads them: a `FooList` with `items` becomes its items, one level
 * deep (kubernetes-sigs/kustomize `api/resource/factory.go`, `inlineAnyEmbeddedLists`).
 */
export function unwrapLists(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((doc) => {
    if (!isMap(doc) || typeof doc.kind !== "string" || !doc.kind.endsWith("List") || !("items" in doc)) return [doc];
    return Array.isArray(doc.items) ? doc.items : doc.items === null ? [] : [doc];
  });
}

/** Every `v1` Secret among documents and the items of their lists, at any depth. */
export function secretsIn(documents: readonly unknown[]): Record<string, any>[] {
  return documents.flatMap((doc) => {
    if (!isMap(doc)) return [];
    if (doc.kind === "Secret" && (doc.apiVersion === "v1" || doc.apiVersion === undefined)) return [doc];
    return Array.isArray(doc.items) ? secretsIn(doc.items) : [];
  });
}

/**
 * What is wrong with a `kustomization.yaml` compared with the plain list the generator
 * writes; `present` says whether a listed name is a file in the same folder. Each problem
 * is one sentence without the file name (the caller names it).
 */
export function kustomizationProblems(text: string, present: (name: string) => boolean, read: (text: string) => unknown[] = documentsOf): { problems: string[]; resources: string[] } {
  let documents: unknown[];
  try {
    documents = read(text);
  } catch (err) {
    return { problems: [(err as Error).message], resources: [] };
  }
  const doc = documents[0];
  if (documents.length !== 1 || !isMap(doc)) return { problems: ["must be one Kustomization document"], resources: [] };
  const problems: string[] = [];
  for (const key of Object.keys(doc).filter((k) => !KUSTOMIZATION_KEYS.includes(k))) {
    problems.push(`has '${key}', which the generator never writes: only a plain resources list is applied (no generators, patches, components, transformers or other options)`);
  }
  if (doc.apiVersion !== KUSTOMIZATION_API || doc.kind !== "Kustomization") problems.push(`must be apiVersion ${KUSTOMIZATION_API}, kind Kustomization`);
  const resources: string[] = [];
  if (!Array.isArray(doc.resources)) {
    problems.push("resources must be a list of file names");
    return { problems, resources };
  }
  const seen = new Set<string>();
  for (const entry of doc.resources as unknown[]) {
    if (typeof entry !== "string" || !PLAIN_FILE.test(entry)) {
      problems.push(`lists '${String(entry)}', which is not a file in this folder (no paths, '../', URLs or remote bases)`);
    } else if (entry === KUSTOMIZATION || seen.has(entry)) {
      problems.push(`lists '${entry}' more than once or lists itself`);
    } else if (!present(entry)) {
      problems.push(`lists '${entry}', which does not exist`);
    } else {
      resources.push(entry);
    }
    if (typeof entry === "string") seen.add(entry);
  }
  return { problems, resources };
}

/**
 * Why an applied document is outside what the generator writes, or undefined: a nested
 * kustomization, or a strategic-merge directive (`$patch: delete` removes an object).
 */
export function documentProblem(doc: Record<string, any>): string | undefined {
  if (typeof doc.apiVersion === "string" && doc.apiVersion.startsWith("kustomize.config.k8s.io/")) return `is a ${doc.kind}, which would change how the layer is built`;
  const directive = Object.keys(doc).find((k) => k.startsWith("$"));
  if (directive) return `has '${directive}', a merge directive that can delete or replace objects`;
  return undefined;
}
