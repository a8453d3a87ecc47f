import * as YAML from "yaml";
import { renderTree } from "../../charts";
import { evaluateProgram, Evaluation } from "../../cli/engine/evaluate";
import { PLATFORM_APPLIED_ONCE } from "../../components/flux-agent";
import { names, parseFleet } from "../../fleet";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const ACCOUNT = "123456789012";
const KUSTOMIZATION = "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization";

interface Layer {
  readonly name: string;
  readonly wait: boolean;
  readonly healthChecks: readonly { kind: string; name: string }[];
  readonly dependsOn: readonly { name: string; readyExpr?: string }[];
}

/** What a readyExpr means, in the terms of the model below; an expression not listed here fails the test. */
const READY_EXPRESSIONS: Record<string, (dep: Reconciled) => boolean> = {
  // Inventory is set right after a successful apply, before health checks (kustomize-controller).
  [PLATFORM_APPLIED_ONCE]: (dep) => dep.applied,
};

interface Reconciled {
  /** Has applied some revision (its inventory is set). */
  applied: boolean;
  /** Has applied the revision being rolled out. */
  current: boolean;
  ready: boolean;
}

const NEVER_APPLIED: Reconciled = { applied: false, current: false, ready: false };

/**
 * kustomize-controller's rules, from internal/controller/kustomization_controller.go at the
 * pinned Flux 2.8: a Kustomization reconciles a revision once every dependency passes its
 * readyExpr or, without one, is Ready at that revision; its server-side apply succeeds or
 * fails as a whole, and a success sets its inventory before any health check; it is Ready
 * once applied and its health checks pass (`wait`: every object; else the listed
 * `healthChecks`). Rolls one revision out, from `before`, until nothing changes.
 */
function reconcile(
  layers: readonly Layer[],
  objects: Map<string, { kind: string; name: string }[]>,
  options: { unhealthy?: (o: { kind: string; name: string }) => boolean; applyFails?: ReadonlySet<string>; before?: Map<string, Reconciled> } = {},
): Map<string, Reconciled> {
  const unhealthy = options.unhealthy ?? (() => false);
  const state = new Map(layers.map((l) => [l.name, { ...(options.before?.get(l.name) ?? NEVER_APPLIED), current: false, ready: false }]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const layer of layers) {
      const s = state.get(layer.name)!;
      if (s.current) continue;
      const depsPass = layer.dependsOn.every((d) => {
        const dep = state.get(d.name)!;
        if (!d.readyExpr) return dep.current && dep.ready;
        const meaning = READY_EXPRESSIONS[d.readyExpr];
        if (!meaning) throw new Error(`readyExpr '${d.readyExpr}' has no meaning in this model`);
        return meaning(dep);
      });
      if (!depsPass || options.applyFails?.has(layer.name)) continue;
      const checked = layer.wait ? objects.get(layer.name)! : objects.get(layer.name)!.filter((o) => layer.healthChecks.some((h) => h.kind === o.kind && h.name === o.name));
      state.set(layer.name, { applied: true, current: true, ready: !checked.some(unhealthy) });
      changed = true;
    }
  }
  return state;
}

describe("the Flux layers of a cluster: apps never wait on unrelated platform health", () => {
  let ev: Evaluation;
  const spec = parseFleet(fleetConfig(2, { standby: "pilot-light" }), "us-east-1");
  const tree = renderTree(spec);
  const objectsOf = (cluster: string) =>
    new Map(names.TREE_LAYERS.map((layer) => [layer, tree.filter((f) => f.path.startsWith(`clusters/${cluster}/${layer}/`) && !f.path.endsWith("kustomization.yaml")).map((f) => YAML.parse(f.content)).map((o) => ({ kind: o.kind, name: o.metadata.name }))]));
  const layersOf = (cluster: string): Layer[] =>
    ev.resources
      .filter((r) => r.type === KUSTOMIZATION && r.name.startsWith(`${cluster}-`))
      .map((r) => {
        const s = r.inputs.spec as Record<string, any>;
        return { name: (r.inputs.metadata as { name: string }).name, wait: !!s.wait, healthChecks: s.healthChecks ?? [], dependsOn: s.dependsOn ?? [] };
      });

  beforeAll(async () => {
    ev = await evaluateProgram(stackConfig(fleetConfig(2, { standby: "pilot-light" })), ACCOUNT);
  });

  it("has a platform, a traffic and an apps layer per cluster, the traffic layer holding only the health answers", () => {
    expect(layersOf("c1").map((l) => l.name).sort()).toEqual([...names.TREE_LAYERS].sort());
    expect(objectsOf("c1").get("traffic")).toEqual([{ kind: "ConfigMap", name: "health-answers" }]);
  });

  it("applies the apps and the health answers on a first deploy whose secret has no value and whose NodeClass is unhealthy", () => {
    const objects = objectsOf("c1");
    // The ExternalSecret of every first deploy (the value is written later) and an EC2NodeClass that cannot resolve its AMI.
    expect(objects.get("platform")!.map((o) => o.kind)).toEqual(expect.arrayContaining(["ExternalSecret", "EC2NodeClass"]));
    const state = reconcile(layersOf("c1"), objects, { unhealthy: (o) => ["ExternalSecret", "EC2NodeClass"].includes(o.kind) });
    expect(Object.fromEntries(state)).toEqual({
      platform: { applied: true, current: true, ready: false },
      traffic: { applied: true, current: true, ready: true },
      apps: { applied: true, current: true, ready: true },
    });
  });

  it("applies a promotion while the platform's apply fails (an add-on's webhook down), once the platform applied before", () => {
    const layers = layersOf("c1");
    const before = reconcile(layers, objectsOf("c1"));
    const state = reconcile(layers, objectsOf("c1"), { before, applyFails: new Set(["platform"]) });
    expect(Object.fromEntries(state)).toEqual({
      platform: { applied: true, current: false, ready: false },
      traffic: { applied: true, current: true, ready: true },
      apps: { applied: true, current: true, ready: true },
    });
  });

  it("still waits for the platform's first apply, so namespaces and CRDs exist before the apps", () => {
    const state = reconcile(layersOf("c1"), objectsOf("c1"), { applyFails: new Set(["platform"]) });
    expect([...state.values()].map((s) => s.current)).toEqual([false, false, false]);
  });
});

describe("the Argo CD layers: independent Applications, no sync waves between them", () => {
  it("generates each layer as its own Application and orders nothing by health inside the tree", async () => {
    const raw = fleetConfig(2, { standby: "pilot-light" });
    raw.gitops = { ...raw.gitops, engine: "argocd" };
    const ev = await evaluateProgram(stackConfig(raw), ACCOUNT);
    const sets = ev.resources.filter((r) => r.type === "kubernetes:argoproj.io/v1alpha1:ApplicationSet" && r.name.startsWith("c0-"));
    expect(sets.map((s) => (s.inputs.spec as any).template.spec.source.path)).toEqual(names.TREE_LAYERS.map((l) => `{{index .metadata.annotations "gitops_${l}_path"}}`));
    // Argo CD waits for health only between sync waves of one Application (argoproj/argo-cd
    // docs/user-guide/sync-waves.md); the layers share none, so an unhealthy platform object
    // never holds back the apps or the health answers.
    const tree = renderTree(parseFleet(raw, "us-east-1"));
    expect(tree.filter((f) => f.content.includes("argocd.argoproj.io/sync-wave")).map((f) => f.path)).toEqual([]);
  });
});
