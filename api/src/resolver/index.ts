/**
 * @module
 * The plugin dependency resolver: pure functions from a catalogue and a request to an install order or problems.
 */
export { dependentsOf, topologicalOrder } from "./graph.ts";
export { problemMessage } from "./messages.ts";
export { resolveDependencies } from "./resolve.ts";
export type {
  Catalogue,
  CatalogueEntry,
  Requirement,
  Resolution,
  ResolutionProblem,
  ResolutionProblemCode,
  ResolvedPlugin,
  ResolveRequest,
} from "./types.ts";
