// Types for wrangler.mjs, which scripts/lib/deploy/ imports.
import type { ChildProcess, SpawnOptions, SpawnSyncOptions } from "node:child_process";

/** Runs wrangler to completion from the repository's root; returns its stdout, throws with its output if it fails. */
export function wranglerSync(args: string[], options?: SpawnSyncOptions): string;
/** Starts wrangler from the repository's root, its output on this terminal unless `stdio` says otherwise. */
export function wranglerSpawn(args: string[], options?: SpawnOptions): ChildProcess;
