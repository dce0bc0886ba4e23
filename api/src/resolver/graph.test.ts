import { describe, expect, it } from "vitest";
import { dependentsOf, topologicalOrder } from "./graph.ts";

describe("topologicalOrder", () => {
  it("puts dependencies first and, among plugins ready together, the smaller slug first", () => {
    expect(topologicalOrder(["a", "m", "z"], [["a", "z"]])).toEqual({ order: ["m", "z", "a"], cycles: [] });
  });

  it("gives the same order whatever order the nodes and edges come in", () => {
    const edges = [
      ["shop", "stripe-gateway"],
      ["stripe-gateway", "core-utils"],
      ["shop", "analytics"],
      ["analytics", "core-utils"],
    ] as const;
    const expected = ["core-utils", "analytics", "stripe-gateway", "shop"];
    expect(topologicalOrder(["shop", "analytics", "core-utils", "stripe-gateway"], edges).order).toEqual(expected);
    expect(topologicalOrder(["stripe-gateway", "core-utils", "shop", "analytics"], [...edges].reverse()).order).toEqual(
      expected,
    );
  });

  it("counts plugins named only by an edge, and a repeated edge once", () => {
    expect(
      topologicalOrder(
        [],
        [
          ["shop", "core-utils"],
          ["shop", "core-utils"],
        ],
      ).order,
    ).toEqual(["core-utils", "shop"]);
  });

  it("reports the cycle a -> b -> c -> a as a closed path and leaves out every plugin that waits on it", () => {
    const result = topologicalOrder(
      ["a", "b", "c", "d", "e"],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["d", "a"],
      ],
    );
    expect(result).toEqual({ order: ["e"], cycles: [["a", "b", "c", "a"]] });
  });

  it("reports a plugin that depends on itself as a one-step cycle", () => {
    expect(topologicalOrder(["a"], [["a", "a"]]).cycles).toEqual([["a", "a"]]);
  });

  it("names every plugin of an entangled cycle in one closed path", () => {
    const { cycles } = topologicalOrder(
      [],
      [
        ["a", "b"],
        ["b", "a"],
        ["b", "c"],
        ["c", "b"],
      ],
    );
    expect(cycles).toEqual([["a", "b", "c", "b", "a"]]);
  });

  it("reports one cycle per strongly connected component, by first slug", () => {
    const { cycles } = topologicalOrder(
      [],
      [
        ["y", "x"],
        ["x", "y"],
        ["b", "a"],
        ["a", "b"],
        ["x", "a"],
      ],
    );
    expect(cycles).toEqual([
      ["a", "b", "a"],
      ["x", "y", "x"],
    ]);
  });
});

describe("dependentsOf", () => {
  const edges = [
    ["stripe-gateway", "core-utils"],
    ["shop", "stripe-gateway"],
    ["reports", "core-utils"],
    ["stripe-gateway", "vault"],
  ] as const;

  it("lists every plugin that depends on core-utils, directly or through another plugin", () => {
    expect(dependentsOf("core-utils", edges)).toEqual(["reports", "shop", "stripe-gateway"]);
  });

  it("lists only direct dependents when asked", () => {
    expect(dependentsOf("core-utils", edges, false)).toEqual(["reports", "stripe-gateway"]);
  });

  it("lists nothing for a plugin nobody depends on, or one not in the graph", () => {
    expect(dependentsOf("shop", edges)).toEqual([]);
    expect(dependentsOf("unknown", edges)).toEqual([]);
  });

  it("does not list a plugin as its own dependent when it lies on a cycle", () => {
    expect(
      dependentsOf("a", [
        ["a", "b"],
        ["b", "a"],
      ]),
    ).toEqual(["b"]);
  });
});
