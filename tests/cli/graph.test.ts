import { DependencyGraph } from "../../cli/engine/graph";

describe("DependencyGraph", () => {
  // release → provider → nodes → cluster → logs; a child waits for its parent; an unrelated bucket.
  const node = (urn: string, dependsOn: string[], parent: string | null = null) => ({ urn, dependsOn, parent });
  const graph = new DependencyGraph([
    node("release", ["provider"]),
    node("provider", ["nodes"]),
    node("nodes", ["cluster"]),
    node("cluster", ["logs"]),
    node("logs", []),
    node("bucket", []),
    node("policy", [], "bucket"),
  ]);

  it("follows dependencies transitively, and a child waits for its parent", () => {
    expect([...graph.dependenciesOf("release")].sort()).toEqual(["cluster", "logs", "nodes", "provider"]);
    expect(graph.waitsFor("release", "logs")).toBe(true);
    expect(graph.waitsFor("policy", "bucket")).toBe(true);
  });

  it("does not invent edges, in either direction", () => {
    expect(graph.waitsFor("logs", "release")).toBe(false);
    expect(graph.waitsFor("release", "bucket")).toBe(false);
    expect(() => graph.dependenciesOf("unknown")).toThrow("no resource unknown in the plan");
  });

  it("orders every resource after what it waits for", () => {
    const order = graph.topologicalOrder();
    for (const urn of order) for (const dep of graph.waitsOn(urn)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(urn));
  });

  it("refuses a cycle, which the engine would refuse too", () => {
    const cyclic = new DependencyGraph([node("a", ["b"]), node("b", ["a"])]);
    expect(() => cyclic.topologicalOrder()).toThrow("dependency cycle through a");
  });
});
