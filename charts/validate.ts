import { basicProblem } from "./replicated";

/**
 * Schema validation of rendered objects with kubernetes-models: the Kubernetes API for
 * built-in kinds, and the CRD models of Flux, Argo CD and External Secrets. Kinds without
 * a model (Velero, user CRDs) get only the basic checks. Their validators accept unknown
 * fields; they catch wrong types, missing required fields and values outside an enum.
 */

interface Model {
  new (data: unknown): { validate(): void };
}

/** Groups served by each model package (core and `*.k8s.io` groups come from kubernetes-models). */
function packageOf(group: string): string | undefined {
  if (group === "" || ["apps", "autoscaling", "batch", "policy", "extensions"].includes(group) || group.endsWith(".k8s.io")) return "kubernetes-models";
  if (group.endsWith(".toolkit.fluxcd.io")) return "@kubernetes-models/flux-cd";
  if (group === "argoproj.io") return "@kubernetes-models/argo-cd";
  if (group === "external-secrets.io" || group === "generators.external-secrets.io") return "@kubernetes-models/external-secrets";
  return undefined;
}

/**
 * external-secrets.io/v1 is v1beta1 promoted without schema changes (ESO 0.16 dropped the
 * conversion webhook); the CommonJS model package (0.5.x, the last for Node 20) only has v1beta1.
 */
const SAME_SCHEMA: Readonly<Record<string, string>> = { "external-secrets.io/v1": "external-secrets.io/v1beta1" };

const cache = new Map<string, Model | null>();

function modelOf(apiVersion: string, kind: string): { model: Model; apiVersion: string } | undefined {
  const modelVersion = SAME_SCHEMA[apiVersion] ?? apiVersion;
  const key = `${modelVersion}/${kind}`;
  if (!cache.has(key)) cache.set(key, loadModel(modelVersion, kind));
  const model = cache.get(key);
  return model ? { model, apiVersion: modelVersion } : undefined;
}

function loadModel(apiVersion: string, kind: string): Model | null {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = packageOf(group);
  if (!pkg || !/^[a-z0-9.-]*\/?v[0-9a-z]+$/.test(apiVersion)) return null;
  let module: Record<string, unknown>;
  try {
    // Loading one group/version at a time keeps the plan fast: the whole package takes ~0.8 s.
    module = require(`${pkg}/${apiVersion}`);
  } catch {
    return null;
  }
  const model = module[kind] as (Model & { apiVersion?: string; kind?: string }) | undefined;
  return typeof model === "function" && model.kind === kind && model.apiVersion === apiVersion ? model : null;
}

/** Whether a schema model exists for this apiVersion/kind (else only basic checks apply). */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return modelOf(apiVersion, kind) !== undefined;
}

/** The problems of one object, each naming the field (`spec.hard`), or [] when it is valid. */
export function objectProblems(object: Record<string, unknown>): string[] {
  const basic = basicProblem(object);
  if (basic) return [basic];
  const found = modelOf(object.apiVersion as string, object.kind as string);
  if (!found) return [];
  try {
    new found.model({ ...object, apiVersion: found.apiVersion }).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[] }).errors;
    if (!Array.isArray(errors)) return [(err as Error).message];
    return errors.map((e) => `field ${fieldOf(e.instancePath ?? "", e.params)}: ${e.message ?? "invalid"}${allowed(e.params)}`);
  }
}

/** `/spec/ports/0/port` → `spec.ports[0].port`; a missing property names the property itself. */
function fieldOf(pointer: string, params?: Record<string, unknown>): string {
  const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (typeof params?.missingProperty === "string") segments.push(params.missingProperty);
  if (typeof params?.additionalProperty === "string") segments.push(params.additionalProperty);
  return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "") || "(object)";
}

function allowed(params?: Record<string, unknown>): string {
  return Array.isArray(params?.allowedValues) ? ` (${(params!.allowedValues as unknown[]).join(", ")})` : "";
}
