// Types for dashboard.mjs, which vitest.config.ts imports.
import type { ChildProcess } from "node:child_process";

/** One Vite build of api/dashboard/ into api/dashboard/dist; throws with Vite's output if it fails. */
export function buildDashboard(options?: { quiet?: boolean }): void;
/** `vite build --watch` beside `npm run dev`. */
export function watchDashboard(): ChildProcess;
