/**
 * The loop guard's runtime half (see build/loop-guard.ts): a non-writable global
 * every guarded loop calls. Once the running call is past its time budget it
 * throws, and keeps throwing until the next call starts, so a plugin cannot
 * catch its way back into the loop.
 */
const CHECK_EVERY = 1024;
let deadline = Number.POSITIVE_INFINITY;
let iterations = 0;
let tripped = false;

function loopGuard(): void {
  if (tripped) throw new Error("LOOP_GUARD: this call already ran past its time budget");
  iterations++;
  if (iterations % CHECK_EVERY === 0 && performance.now() > deadline) {
    tripped = true;
    throw new Error("LOOP_GUARD: a loop ran past the call's time budget and was stopped");
  }
}

if (!Object.hasOwn(globalThis, "__dcpLoopGuard")) {
  Object.defineProperty(globalThis, "__dcpLoopGuard", {
    value: loopGuard,
    writable: false,
    configurable: false,
    enumerable: false,
  });
}

/** Starts the time budget of one call into the plugin. */
export function startBudget(ms: number): void {
  deadline = performance.now() + ms;
  iterations = 0;
  tripped = false;
}
