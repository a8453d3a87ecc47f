import { PlanResource } from "../plan-document";
import type { Change } from "./cascade";
import { deletedFirst, hasReplaceRule, replacingKeys } from "./replacement";

/**
 * Replacements the engine derives from other replacements rather than from a resource's own
 * changed values, so the offline values cannot show them:
 *
 * - A resource whose provider is replaced is replaced with it: the engine asks the new provider's
 *   DiffConfig, and a replacement there replaces every resource it manages (pulumi/pulumi
 *   pkg/resource/deploy/step_generator.go, `providerChanged`: ReplaceKeys `provider`).
 * - An input whose value the plan hides (a secret, such as a Kubernetes provider's kubeconfig)
 *   and that reads a replaced resource is unknown in a real preview, hence changed; its type's
 *   rule decides whether that replaces it. The Kubernetes provider replaces itself when its
 *   kubeconfig is unknown (pulumi/pulumi-kubernetes provider/pkg/provider/provider.go, DiffConfig).
 * - A resource deleted before its replacement (`deleteBeforeReplace`, or a fixed name: `deletedFirst`) goes first, and so does every resource
 *   that reads it, directly or through others deleted with it, in an input that forces a
 *   replacement, or that it manages as provider: the engine sets those inputs to unknown and asks
 *   the provider's Diff (step_generator.go, `calculateDependentReplacements`). So an EKS cluster
 *   deleted before its replacement takes its add-ons and access entries (`clusterName`) along,
 *   though the name they read stays the same.
 *
 * Changes in place in `changes`; returns whether any was added.
 */
export function replaceDependents(head: readonly PlanResource[], before: ReadonlyMap<string, PlanResource>, changes: Map<string, Change>): boolean {
  const isProvider = (urn: string) => /[:$]pulumi:providers:[^:]+::/.test(urn);
  const replaced = (urn: string) => changes.get(urn)?.action === "replace";
  // Resources deleted before their replacement exists, and those deleted ahead of them.
  const condemned = new Set([...changes.values()].filter((c) => c.action === "replace" && deletedFirst(c.resource)).map((c) => c.resource.urn));
  let grewAny = false;
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of head) {
      const old = before.get(r.urn);
      const existing = changes.get(r.urn);
      // The program's own components have no provider and are never replaced themselves.
      if (!old || existing?.action === "replace" || r.type.startsWith("eks-fleet:")) continue;
      const provider = r.dependsOn.find((d) => replaced(d) && isProvider(d));
      const found = provider
        ? { keys: ["provider"], sources: new Map([["provider", provider]]), forcing: ["`provider` (its provider is replaced)"], action: "replace" as const }
        : inherited(r, old, changes, condemned);
      if (!found) continue;
      const base = existing ?? { resource: r, before: old, keys: [], action: "update" as const, forcing: [], decisive: undefined, causes: new Map<string, string>() };
      const causes = new Map(base.causes);
      for (const [k, urn] of found.sources) causes.set(k, urn);
      const decisive = found.keys[0];
      changes.set(r.urn, {
        ...base,
        keys: [...new Set([...base.keys, ...found.keys])],
        causes,
        action: found.action === "update" && base.action !== "update" ? base.action : found.action,
        forcing: found.action === "replace" ? found.forcing : base.forcing,
        decisive,
        follows: found.sources.get(decisive),
      });
      if (found.action === "replace" && [...found.sources.values()].some((u) => condemned.has(u))) condemned.add(r.urn);
      grew = grewAny = true;
    }
  }
  return grewAny;
}

interface Inherited {
  readonly keys: string[];
  /** Key → the URN its new value comes from. */
  readonly sources: Map<string, string>;
  readonly forcing: string[];
  readonly action: Change["action"];
}

/** What `r` inherits through its inputs from replaced resources that the offline values do not show. */
function inherited(r: PlanResource, old: PlanResource, changes: ReadonlyMap<string, Change>, condemned: ReadonlySet<string>): Inherited | undefined {
  const existing = changes.get(r.urn);
  const sources = new Map<string, string>();
  const forcingKeys = new Set<string>();
  for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
    const key = `inputs.${property}`;
    const source = urns.find((u) => changes.get(u)?.action === "replace");
    const hidden = source && isHidden(old.inputs[property], r.inputs[property]) ? source : undefined;
    const deleted = urns.find((u) => condemned.has(u));
    // A deleted source counts only where its unknown value forces a replacement (Diff with unknowns).
    if (deleted && replacingKeys(r.type, [key], r.replaceOnChanges).length) {
      sources.set(key, deleted);
      forcingKeys.add(key);
    } else if (hidden && !existing?.keys.includes(key)) {
      sources.set(key, hidden);
      if (replacingKeys(r.type, [key], r.replaceOnChanges).length) forcingKeys.add(key);
    } else if (deleted && !hasReplaceRule(r.type) && !existing?.keys.includes(key)) {
      sources.set(key, deleted);
    }
  }
  if (!sources.size) return undefined;
  const keys = [...forcingKeys, ...[...sources.keys()].filter((k) => !forcingKeys.has(k))];
  const action = forcingKeys.size ? "replace" : hasReplaceRule(r.type) ? "update" : "may-replace";
  const forcing = [...forcingKeys].map((k) => `\`${k.replace(/^inputs\./, "")}\` (${condemned.has(sources.get(k)!) ? "reads a resource deleted before its replacement" : "unknown until its source is replaced"})`);
  return { keys, sources, forcing, action };
}

/** A value the plan hides on both sides (a secret), so that a change of it cannot be seen offline. */
function isHidden(before: unknown, after: unknown): boolean {
  const text = JSON.stringify(after);
  return text !== undefined && text === JSON.stringify(before) && text.includes('"[secret]"');
}
