/**
 * The hook pipeline's API Worker half: before hooks run inline (priority order, transform,
 * veto, per-hook timeout and chain budget); after hooks and analytics events are written
 * to the outbox with the change and delivered by the consumer Worker through Queues.
 */
export {
  type ChainOptions,
  type ChainResult,
  DEFAULT_CHAIN_BUDGET_MS,
  type HookRun,
  runBeforeHooks,
  traceBeforeHooks,
} from "./before-chain.ts";
export { HookError, type HookErrorCode } from "./errors.ts";
export { analyticsEvent, commitWithEvents, notification } from "./events.ts";
export {
  activeTargetsOf,
  byRunOrder,
  forgetSubscribers,
  type Subscription,
  subscribersOf,
} from "./subscribers.ts";
export { type ChainTrace, chainsOfTrace, chainTraceSchema, type TraceStep, traceStepSchema } from "./trace.ts";
