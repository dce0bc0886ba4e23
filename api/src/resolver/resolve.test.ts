import { describe, expect, it } from "vitest";
import { givenCatalogue, installOrder } from "./fixtures.ts";
import { resolveDependencies } from "./resolve.ts";

const coreUtils = {
  "core-utils@1.0.0": {},
  "core-utils@1.2.0": {},
  "core-utils@1.10.0": {},
  "core-utils@2.0.0": {},
  "core-utils@2.1.0-beta.1": {},
};

describe("resolveDependencies: picking versions", () => {
  it("picks the highest 1.x of core-utils for stripe-gateway's ^1.0.0, and installs it first", () => {
    const catalogue = givenCatalogue({ "stripe-gateway@1.0.0": { "core-utils": "^1.0.0" }, ...coreUtils });
    const resolution = resolveDependencies(catalogue, { slug: "stripe-gateway" });
    expect(resolution).toEqual({
      ok: true,
      order: [
        { slug: "core-utils", version: "1.10.0", dependencies: [], installed: false },
        {
          slug: "stripe-gateway",
          version: "1.0.0",
          dependencies: [{ name: "core-utils", range: "^1.0.0" }],
          installed: false,
        },
      ],
    });
  });

  it("picks the highest stable version of the root by default, and honours a requested range", () => {
    const catalogue = givenCatalogue(coreUtils);
    expect(installOrder(resolveDependencies(catalogue, { slug: "core-utils" }))).toEqual(["core-utils@2.0.0"]);
    expect(installOrder(resolveDependencies(catalogue, { slug: "core-utils", range: "~1.2.0" }))).toEqual([
      "core-utils@1.2.0",
    ]);
  });

  it("leaves prereleases out unless a range asks for one", () => {
    const catalogue = givenCatalogue({
      "stable-shop@1.0.0": { "core-utils": ">=2.0.0" },
      "beta-shop@1.0.0": { "core-utils": "^2.1.0-beta.0" },
      ...coreUtils,
    });
    expect(installOrder(resolveDependencies(catalogue, { slug: "stable-shop" }))).toContain("core-utils@2.0.0");
    expect(installOrder(resolveDependencies(catalogue, { slug: "beta-shop" }))).toContain("core-utils@2.1.0-beta.1");
  });

  it("installs a diamond's shared dependency once, at the highest version both sides accept", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "^1.0.0", analytics: "^1.0.0" },
      "stripe-gateway@1.0.0": { "core-utils": "^1.2.0" },
      "analytics@1.0.0": { "core-utils": "<1.5.0" },
      "core-utils@1.0.0": {},
      "core-utils@1.2.0": {},
      "core-utils@1.4.0": {},
      "core-utils@1.6.0": {},
    });
    expect(installOrder(resolveDependencies(catalogue, { slug: "shop" }))).toEqual([
      "core-utils@1.4.0",
      "analytics@1.0.0",
      "stripe-gateway@1.0.0",
      "shop@1.0.0",
    ]);
  });

  it("steps a dependency down when another dependent rules its newest version out, and follows the change through", () => {
    // analytics@2 would bring core-utils ^2, but reports accepts only analytics ^1, whose core-utils range is ^1.
    const catalogue = givenCatalogue({
      "shop@1.0.0": { analytics: "*", reports: "*" },
      "analytics@1.0.0": { "core-utils": "^1.0.0" },
      "analytics@2.0.0": { "core-utils": "^2.0.0" },
      "reports@1.0.0": { analytics: "^1.0.0" },
      "core-utils@1.0.0": {},
      "core-utils@2.0.0": {},
    });
    expect(installOrder(resolveDependencies(catalogue, { slug: "shop" }))).toEqual([
      "core-utils@1.0.0",
      "analytics@1.0.0",
      "reports@1.0.0",
      "shop@1.0.0",
    ]);
  });

  it("keeps an installed version that satisfies every range, even when a newer one exists, and marks it installed", () => {
    const catalogue = givenCatalogue({ "stripe-gateway@1.0.0": { "core-utils": "^1.0.0" }, ...coreUtils });
    const resolution = resolveDependencies(catalogue, {
      slug: "stripe-gateway",
      installed: new Map([["core-utils", "1.2.0"]]),
    });
    expect(resolution.ok && resolution.order.map(({ slug, installed }) => ({ slug, installed }))).toEqual([
      { slug: "core-utils", installed: true },
      { slug: "stripe-gateway", installed: false },
    ]);
    expect(installOrder(resolution)).toEqual(["core-utils@1.2.0", "stripe-gateway@1.0.0"]);
  });

  it("ignores installed plugins the root does not need", () => {
    const catalogue = givenCatalogue({ "stripe-gateway@1.0.0": {}, ...coreUtils });
    const installed = new Map([["core-utils", "1.0.0"]]);
    expect(installOrder(resolveDependencies(catalogue, { slug: "stripe-gateway", installed }))).toEqual([
      "stripe-gateway@1.0.0",
    ]);
  });

  it("gives the same answer however the catalogue's Map was built", () => {
    const plugins = {
      "shop@1.0.0": { "stripe-gateway": "^1.0.0", analytics: "^1.0.0" },
      "stripe-gateway@1.0.0": { "core-utils": "^1.0.0" },
      "analytics@1.0.0": { "core-utils": "^1.0.0" },
      ...coreUtils,
    };
    const forwards = resolveDependencies(givenCatalogue(plugins), { slug: "shop" });
    const backwards = resolveDependencies(givenCatalogue(Object.fromEntries(Object.entries(plugins).reverse())), {
      slug: "shop",
    });
    expect(backwards).toEqual(forwards);
    expect(resolveDependencies(givenCatalogue(plugins), { slug: "shop" })).toEqual(forwards);
  });
});

describe("resolveDependencies: problems", () => {
  it("reports two dependents that need incompatible ranges, each with the chain that brings it", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "^1.0.0", analytics: "^1.0.0" },
      "stripe-gateway@1.0.0": { "core-utils": "^1.0.0" },
      "analytics@1.0.0": { reports: "^1.0.0" },
      "reports@1.0.0": { "core-utils": "^2.0.0" },
      ...coreUtils,
    });
    expect(resolveDependencies(catalogue, { slug: "shop" })).toEqual({
      ok: false,
      problems: [
        {
          code: "VERSION_CONFLICT",
          slug: "core-utils",
          requirements: [
            { range: "^1.0.0", chain: ["shop", "stripe-gateway"] },
            { range: "^2.0.0", chain: ["shop", "analytics", "reports"] },
          ],
        },
      ],
    });
  });

  it("names only the ranges that clash, not every range on the plugin", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "*", analytics: "*", reports: "*" },
      "stripe-gateway@1.0.0": { "core-utils": ">=1.0.0" },
      "analytics@1.0.0": { "core-utils": "^1.0.0" },
      "reports@1.0.0": { "core-utils": "^2.0.0" },
      ...coreUtils,
    });
    const resolution = resolveDependencies(catalogue, { slug: "shop" });
    expect(!resolution.ok && resolution.problems).toEqual([
      {
        code: "VERSION_CONFLICT",
        slug: "core-utils",
        requirements: [
          { range: "^1.0.0", chain: ["shop", "analytics"] },
          { range: "^2.0.0", chain: ["shop", "reports"] },
        ],
      },
    ]);
  });

  it("refuses to change an installed version that fails a range, and names the range and its chain", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "^2.0.0" },
      "stripe-gateway@2.0.0": { "core-utils": "^2.0.0" },
      ...coreUtils,
    });
    const resolution = resolveDependencies(catalogue, { slug: "shop", installed: new Map([["core-utils", "1.2.0"]]) });
    expect(resolution).toEqual({
      ok: false,
      problems: [
        {
          code: "VERSION_CONFLICT",
          slug: "core-utils",
          requirements: [{ range: "^2.0.0", chain: ["shop", "stripe-gateway"] }],
          installed: "1.2.0",
        },
      ],
    });
  });

  it("reports a dependency that is not in the catalogue, with its chain and nothing available", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "^1.0.0" },
      "stripe-gateway@1.0.0": { vault: "^1.0.0" },
    });
    expect(resolveDependencies(catalogue, { slug: "shop" })).toEqual({
      ok: false,
      problems: [
        {
          code: "MISSING_DEPENDENCY",
          slug: "vault",
          range: "^1.0.0",
          chain: ["shop", "stripe-gateway"],
          available: [],
        },
      ],
    });
  });

  it("reports a dependency with no version in its range, listing the versions that are available", () => {
    const catalogue = givenCatalogue({ "stripe-gateway@1.0.0": { "core-utils": "^3.0.0" }, ...coreUtils });
    expect(resolveDependencies(catalogue, { slug: "stripe-gateway" })).toEqual({
      ok: false,
      problems: [
        {
          code: "MISSING_DEPENDENCY",
          slug: "core-utils",
          range: "^3.0.0",
          chain: ["stripe-gateway"],
          available: ["1.0.0", "1.2.0", "1.10.0", "2.0.0", "2.1.0-beta.1"],
        },
      ],
    });
  });

  it("reports a range that does not parse as a missing dependency", () => {
    const catalogue = givenCatalogue({ "stripe-gateway@1.0.0": { "core-utils": "one-point-oh" }, ...coreUtils });
    const resolution = resolveDependencies(catalogue, { slug: "stripe-gateway" });
    expect(!resolution.ok && resolution.problems.map((problem) => problem.code)).toEqual(["MISSING_DEPENDENCY"]);
  });

  it.each([
    { case: "a root not in the catalogue", slug: "vault", range: undefined, available: [] },
    {
      case: "a root with no version in the requested range",
      slug: "core-utils",
      range: "^5.0.0",
      available: ["1.0.0", "1.2.0", "1.10.0", "2.0.0", "2.1.0-beta.1"],
    },
  ])("reports $case as missing, with an empty chain", ({ slug, range, available }) => {
    const resolution = resolveDependencies(givenCatalogue(coreUtils), { slug, range });
    expect(resolution).toEqual({
      ok: false,
      problems: [{ code: "MISSING_DEPENDENCY", slug, range: range ?? "*", chain: [], available }],
    });
  });

  it("reports the cycle a -> b -> c -> a as a closed path", () => {
    const catalogue = givenCatalogue({ "a@1.0.0": { b: "*" }, "b@1.0.0": { c: "*" }, "c@1.0.0": { a: "*" } });
    expect(resolveDependencies(catalogue, { slug: "a" })).toEqual({
      ok: false,
      problems: [{ code: "DEPENDENCY_CYCLE", cycle: ["a", "b", "c", "a"] }],
    });
  });

  it("reports a conflict when the picks never settle, rather than looping, and the cycle that drives it", () => {
    // x@2 pulls y down to 1, y@1 pulls x down to 1, x@1 lets y go back up to 2, which lets x go back up to 2.
    // Such a loop needs x and y to depend on each other in some versions: the last picks show that cycle.
    const catalogue = givenCatalogue({
      "root@1.0.0": { x: "*", y: "*" },
      "x@1.0.0": {},
      "x@2.0.0": { y: "^1.0.0" },
      "y@1.0.0": { x: "^1.0.0" },
      "y@2.0.0": {},
    });
    const resolution = resolveDependencies(catalogue, { slug: "root" });
    expect(!resolution.ok && resolution.problems).toEqual([
      {
        code: "VERSION_CONFLICT",
        slug: "x",
        requirements: [
          { range: "*", chain: ["root"] },
          { range: "^1.0.0", chain: ["root", "y"] },
        ],
      },
      { code: "DEPENDENCY_CYCLE", cycle: ["x", "y", "x"] },
    ]);
  });

  it("reports every problem at once: by slug, a plugin's missing ranges before its conflicts, cycles last", () => {
    const catalogue = givenCatalogue({
      "shop@1.0.0": { "stripe-gateway": "*", analytics: "*", reports: "*", a: "*" },
      "stripe-gateway@1.0.0": { "core-utils": "^1.0.0", vault: "^1.0.0" },
      "analytics@1.0.0": { "core-utils": "^2.0.0" },
      "reports@1.0.0": { "core-utils": "^9.0.0" },
      "a@1.0.0": { b: "*" },
      "b@1.0.0": { a: "*" },
      ...coreUtils,
    });
    const resolution = resolveDependencies(catalogue, { slug: "shop" });
    expect(
      !resolution.ok &&
        resolution.problems.map((problem) =>
          problem.code === "DEPENDENCY_CYCLE" ? problem.cycle.join(" -> ") : `${problem.code} ${problem.slug}`,
        ),
    ).toEqual([
      "MISSING_DEPENDENCY core-utils",
      "VERSION_CONFLICT core-utils",
      "MISSING_DEPENDENCY vault",
      "a -> b -> a",
    ]);
  });
});
