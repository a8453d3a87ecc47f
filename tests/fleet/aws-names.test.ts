import fc from "fast-check";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { PlanDocument, planDocument } from "../../cli/plan-document";
import { FleetConfigError, nodeAmiType, parseFleet } from "../../fleet";
import { generatedAwsNames } from "../../fleet/aws-names";
import { autoName, nameProblem, RESOURCE_NAMES, RuleId } from "../../fleet/naming-rules";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** A DNS label of exactly `length` characters (1–16): a letter, then letters, digits and inner '-'. */
const label = (length: number) =>
  fc.tuple(fc.constantFrom(..."abcxyz"), fc.array(fc.constantFrom(..."az09-"), { minLength: length - 1, maxLength: length - 1 }))
    .map(([first, rest]) => `${first}${rest.join("")}`.replace(/-+$/, (dashes) => "0".repeat(dashes.length)));
/** Lengths at the edges of every rule the names meet: 1, around the 12 EventBridge allows a cluster, 16. */
const edgeLength = fc.constantFrom(1, 2, 11, 12, 12, 13, 16);

/** Configs at the edges of every length and character rule, most of them valid. */
const edgeFleet = fc
  .record({
    fleet: edgeLength.chain(label),
    clusters: fc.uniqueArray(edgeLength.chain(label), { minLength: 2, maxLength: 3 }),
    // `*.<record>` meets ACM's 64 at a 50-character first label.
    recordLabel: fc.constantFrom(1, 49, 50, 50, 51).map((n) => "r".repeat(n)),
    accountId: fc.stringMatching(/^\d{12}$/),
    secret: fc.oneof(fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,40}$/), fc.constant(`s/${"x".repeat(510)}`)),
    argocd: fc.boolean(),
    accelerator: fc.boolean(),
    graviton: fc.boolean(),
  })
  .map((f) => {
    const raw = fleetConfig(f.clusters.length, {
      name: f.fleet,
      accountId: f.accountId,
      deployRoleArn: `arn:aws:iam::${f.accountId}:role/eks-fleet-deploy`,
      dns: { zone: "example.com", record: `${f.recordLabel}.example.com`, globalAccelerator: f.accelerator },
      secrets: [{ name: f.secret, namespace: "payments" }],
    });
    raw.clusters.forEach((cluster: Record<string, any>, i: number) => {
      cluster.name = f.clusters[i];
      if (f.graviton) cluster.nodes.instanceTypes = ["m7g.large", "c6gn.xlarge"];
    });
    if (f.argocd) raw.gitops.engine = "argocd"; // a hub per region: each region's first cluster
    return raw;
  });

/** Every AWS name in a plan: the inputs that hold one, or the name Pulumi generates when the program leaves it out. */
function namesIn(document: PlanDocument): { type: string; rule: RuleId; name: string }[] {
  return document.resources.flatMap((resource) =>
    (RESOURCE_NAMES[resource.type] ?? []).flatMap(({ path, rule, autoNamed }) => {
      const values = valuesAt(resource.inputs, path);
      if (values.length === 0 && autoNamed) return [{ type: resource.type, rule, name: autoName(resource.name) }];
      return values.filter((v): v is string => typeof v === "string").map((name) => ({ type: resource.type, rule, name }));
    }),
  );
}

/** The values at `a.b`, `list[].name` or `list[]` of an object. */
function valuesAt(value: unknown, path: string): unknown[] {
  return path.split(".").reduce<unknown[]>((nodes, segment) => {
    const list = segment.endsWith("[]");
    const key = list ? segment.slice(0, -2) : segment;
    const next = nodes.map((node) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined)).filter((v) => v !== undefined);
    return list ? next.flatMap((v) => (Array.isArray(v) ? v : [])) : next;
  }, [value]);
}

/** The same name however it was generated: Pulumi's random suffix and ACM's validation label written as placeholders. */
const normalized = (name: string) => name.replace(/\.$/, "").replace(/-[0-9a-fx]{7}$/, "-xxxxxxx").replace(/^_[0-9a-fx]{32}\./, "_validation.");

let planned = 0;

describe("property: every AWS name the program generates is valid for its service", () => {
  it("for configs at the edges of every length and character rule: refused when parsed, or every name in plan.json passes the naming table", async () => {
    await fc.assert(
      fc.asyncProperty(edgeFleet, async (raw) => {
        let spec;
        try {
          spec = parseFleet(raw, "us-east-1");
        } catch (err) {
          // A config that does not parse is refused with located problems, never a crash.
          expect(err).toBeInstanceOf(FleetConfigError);
          return;
        }
        planned++;
        // plan.json as `npm run plan` writes it, without the policy run the names do not need.
        const { resources } = await evaluateProgram(stackConfig(raw), spec.accountId);
        const document = planDocument("test", spec, resources, []);
        const found = namesIn(document);
        for (const { type, rule, name } of found) expect([type, name, nameProblem(rule, name)]).toEqual([type, name, undefined]);
        for (const resource of document.resources) {
          // Every AWS type is placed in the table: a new one cannot slip past it.
          if (resource.type.startsWith("aws:") && !resource.type.startsWith("aws:index/")) expect([resource.type, RESOURCE_NAMES[resource.type]]).toEqual([resource.type, expect.any(Array)]);
          // Route 53 limits a tag's length only; the other services, its characters too.
          const valueRule: RuleId = resource.type.startsWith("aws:route53/") ? "route53TagValue" : "tagValue";
          for (const [key, value] of Object.entries((resource.inputs.tags ?? {}) as Record<string, unknown>)) {
            expect([resource.name, key, nameProblem("tagKey", key), nameProblem(valueRule, String(value))]).toEqual([resource.name, key, undefined, undefined]);
          }
        }
        // The names checked at parse time are the names the program makes (inline policy names are constants).
        const generated = new Set(generatedAwsNames(spec).map((g) => `${g.rule} ${normalized(g.name)}`));
        const missing = found.filter((f) => f.rule !== "iamInlinePolicy").map((f) => `${f.rule} ${normalized(f.name)}`).filter((key) => !generated.has(key));
        expect(missing).toEqual([]);
        // A Graviton-only node group runs the ARM AMI.
        for (const group of document.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")) {
          expect(group.inputs.amiType).toBe(nodeAmiType(group.inputs.instanceTypes as string[]));
        }
      }),
      { numRuns: 20 },
    );
    expect(planned).toBeGreaterThan(1); // about half the edge configs parse: the property is not vacuous
  });
});
