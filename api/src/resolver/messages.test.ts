import { describe, expect, it } from "vitest";
import { problemMessage } from "./messages.ts";
import type { ResolutionProblem } from "./types.ts";

describe("problemMessage", () => {
  it.each<{ problem: ResolutionProblem; message: string }>([
    {
      problem: {
        code: "MISSING_DEPENDENCY",
        slug: "core-utils",
        range: "^2.0.0",
        chain: ["stripe-gateway"],
        available: ["1.0.0", "1.2.0"],
      },
      message: "stripe-gateway -> core-utils: needs core-utils@^2.0.0 but only 1.0.0, 1.2.0 are available",
    },
    {
      problem: {
        code: "MISSING_DEPENDENCY",
        slug: "vault",
        range: "^1.0.0",
        chain: ["shop", "stripe-gateway"],
        available: [],
      },
      message: "shop -> stripe-gateway -> vault: needs vault@^1.0.0 but vault is not in the catalogue",
    },
    {
      problem: { code: "MISSING_DEPENDENCY", slug: "shop", range: "^3.0.0", chain: [], available: ["2.0.0"] },
      message: "shop: the request asks for shop@^3.0.0 but only 2.0.0 is available",
    },
    {
      problem: {
        code: "MISSING_DEPENDENCY",
        slug: "core-utils",
        range: "latest",
        chain: ["shop"],
        available: ["1.0.0"],
      },
      message: "shop -> core-utils: needs core-utils@latest, which is not a valid semver range",
    },
    {
      problem: {
        code: "VERSION_CONFLICT",
        slug: "core-utils",
        requirements: [
          { range: "^1.0.0", chain: ["shop", "stripe-gateway"] },
          { range: "^2.0.0", chain: ["shop", "analytics"] },
        ],
      },
      message:
        "core-utils: no single version satisfies both ^1.0.0 (shop -> stripe-gateway -> core-utils) and ^2.0.0 (shop -> analytics -> core-utils)",
    },
    {
      problem: {
        code: "VERSION_CONFLICT",
        slug: "core-utils",
        requirements: [
          { range: "<1.0.0", chain: [] },
          { range: "^1.0.0", chain: ["a"] },
          { range: "^2.0.0", chain: ["b"] },
        ],
      },
      message:
        "core-utils: no single version satisfies all of <1.0.0 (the request), ^1.0.0 (a -> core-utils) and ^2.0.0 (b -> core-utils)",
    },
    {
      problem: {
        code: "VERSION_CONFLICT",
        slug: "core-utils",
        requirements: [{ range: "^2.0.0", chain: ["shop", "stripe-gateway"] }],
        installed: "1.2.0",
      },
      message:
        "core-utils: installed version 1.2.0 does not satisfy ^2.0.0 (shop -> stripe-gateway -> core-utils); update core-utils first",
    },
    {
      problem: { code: "DEPENDENCY_CYCLE", cycle: ["a", "b", "c", "a"] },
      message: "dependency cycle: a -> b -> c -> a",
    },
  ])("says $message", ({ problem, message }) => {
    expect(problemMessage(problem)).toBe(message);
  });
});
