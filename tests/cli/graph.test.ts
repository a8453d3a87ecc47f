import { DependencyGraph } from "../../cli/engine/graph";

describe("DependencyGraph", () => {
  // release → provider → cluster → logs; nodes → cluster; an unrelated bucket.
  const graph = new DependencyGraph([
    { urn: "release", dependsOn: ["provider"] },
    { urn: "provider", dependsOn: ["nodes"] },
    { urn: "nodes", dependsOn: ["cluster"] },
    { urn: "cluster", dependsOn: ["logs"] },
    { urn: "logs", dependsOn: [] },
    { urn: "bucket", dependsOn: [] },
  ]);

  it("follows dependencies transitively", () => {
    expect([...graph.waitsFor("release")].sort()).toEqual(["cluster", "logs", "nodes", "provider"]);
    expect(graph.dependsOn("release", "logs")).toBe(true);
  });

  it("does not invent edges, in either direction", () => {
    expect(graph.dependsOn("logs", "release")).toBe(false);
    expect(graph.dependsOn("release", "bucket")).toBe(false);
    expect(graph.waitsFor("unknown").size).toBe(0);
  });

  it("terminates on a cycle", () => {
    const cyclic = new DependencyGraph([{ urn: "a", dependsOn: ["b"] }, { urn: "b", dependsOn: ["a"] }]);
    expect([...cyclic.waitsFor("a")].sort()).toEqual(["a", "b"]);
  });
});
