/** Endpoint paths with parameters: what matches, what wins, what a manifest may declare. */
import { describe, expect, it } from "vitest";
import { findRoute, matchRoute, routePatternProblem } from "./routes.ts";

describe("matchRoute", () => {
  it.each([
    ["/products/:sku/page", "/products/MUG-1/page", { sku: "MUG-1" }],
    ["/products/:sku", "/products/caf%C3%A9", { sku: "café" }],
    ["/a/:x/b/:y", "/a/1/b/2", { x: "1", y: "2" }],
    ["/plain", "/plain", {}],
  ])("matches %s against %s", (pattern, path, params) => {
    expect(matchRoute(pattern, path)).toEqual(params);
  });

  it.each([
    ["/products/:sku", "/products/"],
    ["/products/:sku", "/products/a/b"],
    ["/products/:sku/page", "/products/a"],
    ["/products/:sku", "/products/%E0%A4%A"],
    ["/plain", "/Plain"],
  ])("does not match %s against %s", (pattern, path) => {
    expect(matchRoute(pattern, path)).toBeNull();
  });
});

describe("findRoute", () => {
  const routes = [
    { method: "GET", path: "/items/:id" },
    { method: "GET", path: "/items/featured" },
    { method: "POST", path: "/items/:id" },
  ];
  it("prefers the route with more literal segments, whatever the declaration order", () => {
    expect(findRoute(routes, "GET", "/items/featured")?.route.path).toBe("/items/featured");
    expect(findRoute(routes, "GET", "/items/7")).toEqual({ route: routes[0], params: { id: "7" } });
  });
  it("matches the method too", () => {
    expect(findRoute(routes, "POST", "/items/7")?.route).toBe(routes[2]);
    expect(findRoute(routes, "DELETE", "/items/7")).toBeNull();
  });
});

describe("routePatternProblem", () => {
  it.each([
    ["/items/:id-x", /":id-x" is not a parameter/],
    ["/items/a:b", /"a:b" is not a parameter/],
    ["/items/:", /":" is not a parameter/],
    ["/items/:id/sub/:id", /:id is named twice/],
  ])("refuses %s", (pattern, message) => {
    expect(routePatternProblem(pattern)).toMatch(message);
  });
  it("takes literal and parameter segments", () => {
    expect(routePatternProblem("/products/:sku/page")).toBeNull();
  });
});
