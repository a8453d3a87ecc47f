import * as YAML from "yaml";
import { renderTree, RenderedFile, SynthOptions } from "../../charts";
import { FleetSpec, parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";

export const fleetOf = (size = 2, overrides: Record<string, unknown> = {}): FleetSpec => parseFleet(fleetConfig(size, overrides), "us-east-1");

export type Manifest = Record<string, any>;

/** The app a replicated change rolls out: a Deployment `web` in `payments` running `image`. */
export const webDeployment = (image: string): Manifest => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "payments" },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } } },
});

/** A cluster-wide object a replicated change edits: `payments-reader`, whose `v1` only gets ConfigMaps. */
export const readerClusterRole = (version: string): Manifest => ({
  apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "payments-reader" },
  rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: version === "v1" ? ["get"] : ["get", "list"] }],
});

/** The rendered tree as parsed objects keyed by path (kustomization.yaml included). */
export function render(fleet: FleetSpec, options: SynthOptions = {}): Map<string, Manifest> {
  return parsed(renderTree(fleet, options));
}

export function parsed(files: readonly RenderedFile[]): Map<string, Manifest> {
  return new Map(files.map((f) => [f.path, YAML.parse(f.content)]));
}

/** Objects of one cluster's layer, by kind and name. */
export function objectsOf(tree: Map<string, Manifest>, cluster: string, layer = "platform"): Manifest[] {
  return [...tree.entries()].filter(([p]) => p.startsWith(`clusters/${cluster}/${layer}/`) && !p.endsWith("kustomization.yaml")).map(([, o]) => o);
}

export function find(objects: Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} ${namespace ?? ""}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}
