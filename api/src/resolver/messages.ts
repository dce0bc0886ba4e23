/** One human sentence per resolution problem, naming the chain that brings it, for the admin UI and the CLI. */
import semver from "semver";
import type { Requirement, ResolutionProblem } from "./types.ts";

function path(chain: readonly string[], slug: string): string {
  return [...chain, slug].join(" -> ");
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function requirementText(slug: string, requirement: Requirement): string {
  const origin = requirement.chain.length > 0 ? path(requirement.chain, slug) : "the request";
  return `${requirement.range} (${origin})`;
}

/**
 * @example
 * problemMessage({ code: "MISSING_DEPENDENCY", slug: "core-utils", range: "^2.0.0", chain: ["stripe-gateway"], available: ["1.0.0", "1.2.0"] });
 * // "stripe-gateway -> core-utils: needs core-utils@^2.0.0 but only 1.0.0, 1.2.0 are available"
 */
export function problemMessage(problem: ResolutionProblem): string {
  switch (problem.code) {
    case "MISSING_DEPENDENCY": {
      const { slug, range, chain, available } = problem;
      const needs = `${path(chain, slug)}: ${chain.length > 0 ? "needs" : "the request asks for"} ${slug}@${range}`;
      if (semver.validRange(range) === null) return `${needs}, which is not a valid semver range`;
      if (available.length === 0) return `${needs} but ${slug} is not in the catalogue`;
      const verb = available.length === 1 ? "is" : "are";
      return `${needs} but only ${available.join(", ")} ${verb} available`;
    }
    case "VERSION_CONFLICT": {
      const { slug, requirements, installed } = problem;
      const ranges = requirements.map((requirement) => requirementText(slug, requirement));
      if (installed !== undefined) {
        return `${slug}: installed version ${installed} does not satisfy ${listed(ranges)}; update ${slug} first`;
      }
      const quantifier = ranges.length === 2 ? "both " : ranges.length > 2 ? "all of " : "";
      return `${slug}: no single version satisfies ${quantifier}${listed(ranges)}`;
    }
    case "DEPENDENCY_CYCLE":
      return `dependency cycle: ${problem.cycle.join(" -> ")}`;
  }
}
