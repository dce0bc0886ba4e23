/**
 * The platform's caps on one plugin call. A manifest may ask for less, never more.
 * Production enforces cpu_ms and sub_requests through the Worker Loader's `limits`
 * (https://developers.cloudflare.com/dynamic-workers/usage/limits/); the wall-clock
 * timeout is the platform's own, enforced here with a timer.
 */
import type { PluginLimits } from "@digital-commerce/plugin-sdk";

export const PLATFORM_LIMITS = { timeout_ms: 10_000, cpu_ms: 5_000, sub_requests: 50 } as const;

export interface EffectiveLimits {
  timeoutMs: number;
  cpuMs: number;
  subRequests: number;
}

const lowest = (cap: number, ...asked: (number | undefined)[]) =>
  Math.min(cap, ...asked.filter((n): n is number => typeof n === "number"));

/** The limits one call runs under: the platform cap, lowered by the manifest and by the call (a hook's timeout). */
export function effectiveLimits(manifest: PluginLimits, callTimeoutMs?: number): EffectiveLimits {
  return {
    timeoutMs: lowest(PLATFORM_LIMITS.timeout_ms, manifest.timeout_ms, callTimeoutMs),
    cpuMs: lowest(PLATFORM_LIMITS.cpu_ms, manifest.cpu_ms),
    subRequests: lowest(PLATFORM_LIMITS.sub_requests, manifest.sub_requests),
  };
}
