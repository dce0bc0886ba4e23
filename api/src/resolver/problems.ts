/** Why a selection cannot be installed: missing versions, clashing or unmet ranges, and their deterministic order. */
import semver from "semver";
import { compareSlugs } from "./adjacency.ts";
import { type CatalogueIndex, highestSatisfying } from "./catalogue.ts";
import type { Selection } from "./fixpoint.ts";
import type { Requirement, ResolutionProblem } from "./types.ts";

/** Problems of every reached slug; cycles are found separately, on the graph of what was selected. */
export function selectionProblems(
  index: CatalogueIndex,
  selection: Selection,
  installed: ReadonlyMap<string, string>,
): ResolutionProblem[] {
  const problems: ResolutionProblem[] = [];
  for (const slug of selection.reached) {
    const requirements = selection.requirements.get(slug) ?? [];
    const installedVersion = installed.get(slug);
    const unsettled = selection.unsettled.get(slug);
    if (installedVersion !== undefined) {
      const failing = requirements.filter((requirement) => !semver.satisfies(installedVersion, requirement.range));
      if (failing.length > 0) {
        problems.push({ code: "VERSION_CONFLICT", slug, requirements: failing, installed: installedVersion });
      }
    } else if (unsettled !== undefined) {
      problems.push({ code: "VERSION_CONFLICT", slug, requirements: [...unsettled] });
    } else if (selection.versions.get(slug) === undefined) {
      problems.push(...unmetRequirements(slug, requirements, index.versionsOf(slug)));
    }
  }
  return problems;
}

/** Each range nothing satisfies on its own is missing; of the rest, a smallest set that no one version meets. */
function unmetRequirements(
  slug: string,
  requirements: readonly Requirement[],
  descending: readonly string[],
): ResolutionProblem[] {
  const available = [...descending].reverse();
  const satisfiable = (some: readonly Requirement[]) =>
    highestSatisfying(
      descending,
      some.map((requirement) => requirement.range),
    ) !== undefined;
  const problems: ResolutionProblem[] = [];
  const feasible: Requirement[] = [];
  for (const requirement of requirements) {
    if (satisfiable([requirement])) feasible.push(requirement);
    else
      problems.push({
        code: "MISSING_DEPENDENCY",
        slug,
        range: requirement.range,
        chain: requirement.chain,
        available,
      });
  }
  if (feasible.length > 1 && !satisfiable(feasible)) {
    problems.push({ code: "VERSION_CONFLICT", slug, requirements: clashingCore(feasible, satisfiable) });
  }
  return problems;
}

/**
 * Drops every requirement the clash does not need, so the problem names only the ranges that truly conflict
 * (a minimal unsatisfiable subset, found by deletion in order; deterministic for a given order).
 */
function clashingCore(
  requirements: readonly Requirement[],
  satisfiable: (some: readonly Requirement[]) => boolean,
): Requirement[] {
  let core = [...requirements];
  for (const requirement of requirements) {
    const without = core.filter((kept) => kept !== requirement);
    if (!satisfiable(without)) core = without;
  }
  return core;
}

const codeRank: Record<ResolutionProblem["code"], number> = {
  MISSING_DEPENDENCY: 0,
  VERSION_CONFLICT: 1,
  DEPENDENCY_CYCLE: 2,
};

function subjectOf(problem: ResolutionProblem): string {
  return problem.code === "DEPENDENCY_CYCLE" ? (problem.cycle[0] ?? "") : problem.slug;
}

/** Plugin problems by slug, then cycles by first slug; a stable sort keeps breadth-first order within a slug. */
export function sortProblems(problems: readonly ResolutionProblem[]): ResolutionProblem[] {
  return [...problems].sort(
    (a, b) =>
      Number(a.code === "DEPENDENCY_CYCLE") - Number(b.code === "DEPENDENCY_CYCLE") ||
      compareSlugs(subjectOf(a), subjectOf(b)) ||
      codeRank[a.code] - codeRank[b.code],
  );
}
