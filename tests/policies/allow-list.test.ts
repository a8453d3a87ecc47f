import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { renderTree, REPLICATED_DIR } from "../../charts";
import { treeOfRendered } from "../../cli/rendered-tree";
import { FleetSpec } from "../../fleet";
import { AllowedKind, declaredKinds, groupOf, holdsDeclaredKind, LAYER_KINDS, ownObjectsOf } from "../../policies/allow-list";
import { HEALTH_ANSWERS } from "../../fleet/traffic";
import { evaluateTree } from "../../policies/evaluate-tree";
import { ManifestTree } from "../../policies/manifests";
import { fleetOf } from "../charts/render-helpers";
import { tempDir } from "../support/temp-dirs";
import { hardenedDeployment } from "./tree-fixture";

/**
 * The allow-list is what the fleet renders: every configuration's tree passes every rule,
 * every object the fleet renders is listed for its layer, and every platform entry is rendered
 * by some configuration (a kind nobody renders would only widen the agents' rights).
 */
/** The repository's replicated/ plus an app and a MaintenanceWindow (the kind its CRD declares) in the apps layer. */
function replicatedWithApps(): string {
  const dir = tempDir("replicated-");
  fs.cpSync(REPLICATED_DIR, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, "apps"), { recursive: true });
  const window = { apiVersion: "platform.eks-fleet.io/v1alpha1", kind: "MaintenanceWindow", metadata: { name: "nightly", namespace: "payments" }, spec: { schedule: "0 2 * * *", duration: "2h" } };
  const autoscaler = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "api", namespace: "payments" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 2, maxReplicas: 6 } };
  fs.writeFileSync(path.join(dir, "apps", "api.yaml"), [hardenedDeployment(), autoscaler, window].map((o) => YAML.stringify(o)).join("---\n"));
  return dir;
}
const FLEETS: [string, FleetSpec, string?][] = [
  ["flux, builtin gateway, secrets", fleetOf(2, { namespaces: [{ name: "payments", admins: ["payments-admins"] }, { name: "search" }], secrets: [{ name: "payments/db", namespace: "payments" }] })],
  ["argocd, external gateway, apps", fleetOf(3, { gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git" }, dns: { zone: "example.com", record: "api.example.com", gateway: "external" } }), replicatedWithApps()],
  ["active-active, no secrets", fleetOf(2, { mode: "active-active", clusters: fleetOf(2).clusters.map((c) => ({ name: c.name, region: c.region, vpcCidr: c.vpcCidr, nodes: c.nodes })), secrets: [] })],
  // The serving target group's NodePort Service and binding, and the webhook proxy's egress to Flux's receiver.
  ["flux, Global Accelerator", fleetOf(3, { dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } })],
  // A hub per region, each gateway proxying argocd-server's webhook.
  ["argocd, Global Accelerator, builtin gateway", fleetOf(3, { gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git" }, dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } })],
];

const trees = new Map<string, ManifestTree>(FLEETS.map(([name, fleet, replicatedDir]) => [name, treeOfRendered(renderTree(fleet, replicatedDir ? { replicatedDir } : {}))]));

describe("the allow-list", () => {
  it.each(FLEETS.map(([name]) => name))("passes every rule on the fleet's own tree: %s", (name) => {
    expect(evaluateTree(trees.get(name)!)).toEqual([]);
  });

  it.each(FLEETS.map(([name]) => name))("lists every kind the fleet renders, in the layer it renders it: %s", (name) => {
    const tree = trees.get(name)!;
    const declared = declaredKinds(tree.objects.filter((o) => o.layer === "platform").map((o) => o.object));
    const unlisted = tree.objects.filter((o) => {
      const group = groupOf(o.object.apiVersion);
      const kinds: readonly AllowedKind[] = (LAYER_KINDS as Record<string, readonly AllowedKind[]>)[o.layer];
      return !kinds.some((k) => k.group === group && k.kind === o.object.kind) && !declared.some((d) => d.group === group && d.kind === o.object.kind && holdsDeclaredKind(o.layer, d));
    });
    expect(unlisted.map((o) => `${o.layer}: ${o.object.apiVersion} ${o.object.kind}`)).toEqual([]);
  });

  it.each(FLEETS.map(([name]) => name))("puts the health answers, and nothing else, in each cluster's traffic layer: %s", (name) => {
    const tree = trees.get(name)!;
    for (const cluster of tree.clusters) {
      const traffic = tree.objects.filter((o) => o.cluster === cluster && o.layer === "traffic").map((o) => [groupOf(o.object.apiVersion), o.object.kind, o.object.metadata?.namespace, o.object.metadata?.name]);
      expect(traffic).toEqual(ownObjectsOf("traffic")!.map((own) => [own.group, own.kind, own.namespace, own.name]));
      expect(traffic).toEqual([["", "ConfigMap", HEALTH_ANSWERS.namespace, HEALTH_ANSWERS.name]]);
    }
  });

  it("lists no platform kind that no configuration renders", () => {
    const rendered = new Set([...trees.values()].flatMap((t) => t.objects.filter((o) => o.layer === "platform").map((o) => `${groupOf(o.object.apiVersion)}/${o.object.kind}`)));
    expect(LAYER_KINDS.platform.map((k) => `${k.group}/${k.kind}`).filter((k) => !rendered.has(k))).toEqual([]);
  });
});
