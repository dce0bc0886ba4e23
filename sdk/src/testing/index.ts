/**
 * @module
 * `@digital-commerce/plugin-sdk/testing`: what a plugin's own tests import. Runs in Node (22.18 or
 * later: its SQLite and type stripping), not in a Worker.
 */

export type {
  EmittedEvent,
  LogLine,
  TestContext,
  TestContextOptions,
  TestDependency,
  TestPlugin,
  TrackedEvent,
} from "./context.ts";
export { createTestContext } from "./context.ts";
export type { EgressRecord } from "./egress.ts";
export { hostAllowed } from "./egress.ts";
