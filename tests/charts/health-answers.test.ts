import { renderTree } from "../../charts";
import { FleetSpec, parseFleet } from "../../fleet";
import { fleetConfig } from "../fixtures/fleets";
import { HealthPath, renderedAnswer } from "../support/health-answers";
import { find, Manifest, objectsOf, parsed } from "./render-helpers";

const answersOf = (fleet: FleetSpec) => {
  const files = renderTree(fleet);
  const row = (cluster: string) => (["serving", "takeover", "live"] as HealthPath[]).map((path) => renderedAnswer(fleet, files, cluster, path));
  return Object.fromEntries(fleet.clusters.map((c) => [c.name, row(c.name)]));
};

describe("each cluster's health answers, as the tree renders them", () => {
  it("active-passive: serving on the primary only, takeover on its backup partner only, liveness everywhere", () => {
    const fleet = parseFleet(fleetConfig(3), "us-east-1");
    // c0 primary; its backup partner is c1.
    expect(answersOf(fleet)).toEqual({ c0: [200, 503, 200], c1: [503, 200, 200], c2: [503, 503, 200] });
  });

  it("moves both answers with the primary: a promotion is a change of the tree alone", () => {
    const raw = fleetConfig(3);
    raw.clusters[0].role = "secondary";
    raw.clusters[1].role = "primary";
    // c1 primary; its backup partner is c2, which now takes over; c0, demoted, answers no.
    expect(answersOf(parseFleet(raw, "us-east-1"))).toEqual({ c0: [503, 503, 200], c1: [200, 503, 200], c2: [503, 200, 200] });
  });

  it("active-active: every cluster serves, none takes over", () => {
    const raw = fleetConfig(3, { mode: "active-active" });
    raw.clusters.forEach((c: Record<string, unknown>) => delete c.role);
    expect(answersOf(parseFleet(raw, "us-east-1"))).toEqual({ c0: [200, 503, 200], c1: [200, 503, 200], c2: [200, 503, 200] });
  });

  it("keeps the answers in the traffic layer, one ConfigMap whose keys are the 'yes' answers", () => {
    const tree = parsed(renderTree(parseFleet(fleetConfig(3), "us-east-1")));
    expect(objectsOf(tree, "c2", "traffic")).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: expect.objectContaining({ name: "health-answers", namespace: "ingress" }), data: {} },
    ]);
    expect(find(objectsOf(tree, "c1", "traffic"), "ConfigMap", "health-answers").data).toEqual({ takeover: "yes\n" });
    expect(find(objectsOf(tree, "c1"), "ConfigMap", "fleet-info", "kube-public").data).toMatchObject({ role: "secondary", serves: "false", takeover: "true" });
  });
});

describe("dns.gateway: external, the contract your gateway answers by", () => {
  const raw = fleetConfig(3, { dns: { zone: "example.com", record: "api.example.com", gateway: "external" } });
  const fleet = parseFleet(raw, "us-east-1");
  const tree = parsed(renderTree(fleet));

  it("renders the same answers it would give the builtin gateway, for your gateway to mount or read", () => {
    const builtin = parseFleet(fleetConfig(3), "us-east-1");
    expect(answersOf(fleet)).toEqual(answersOf(builtin));
    for (const cluster of ["c0", "c1", "c2"]) {
      const answers: Manifest = find(objectsOf(tree, cluster, "traffic"), "ConfigMap", "health-answers", "ingress");
      const info: Manifest = find(objectsOf(tree, cluster), "ConfigMap", "fleet-info", "kube-public");
      // fleet-info says the same in words, for a gateway that reads the API instead of a mount.
      expect([info.data.serves, info.data.takeover]).toEqual([String("serving" in (answers.data ?? {})), String("takeover" in (answers.data ?? {}))]);
    }
    // Your gateway pods get the same egress as the builtin one, selected by the label contract.
    expect(find(objectsOf(tree, "c1"), "NetworkPolicy", "allow-gateway-to-fleet-namespaces", "ingress").spec.podSelector).toEqual({
      matchLabels: { "app.kubernetes.io/name": "ingress-gateway" },
    });
  });
});
