/**
 * The signed-in operator: the tenant token lives in sessionStorage (this tab only, gone when it
 * closes; never in the URL, so it is not in history, logs or a Referer), with what whoami said of it.
 */
import { useSyncExternalStore } from "react";
import type { Role, WhoAmI } from "./types.ts";

const KEY = "dcp.dashboard.session";

export interface Session {
  token: string;
  whoami: WhoAmI;
}

let signedOutReason: string | null = null;
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function read(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
}

// one parsed copy, so useSyncExternalStore sees a stable value between changes
let current = read();

export function currentToken(): string | null {
  return current?.token ?? null;
}

export function startSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  current = session;
  signedOutReason = null;
  notify();
}

/** Ends the session; `reason` is shown on the sign-in page (a refused token says so). */
export function clearSession(reason: string | null = null): void {
  sessionStorage.removeItem(KEY);
  current = null;
  signedOutReason = reason;
  notify();
}

export function signedOutBecause(): string | null {
  return signedOutReason;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => current);
}

/** Whether the role may change plugins, settings and dead letters: the API's rule (admin and owner), mirrored. */
export function canChange(role: Role | undefined): boolean {
  return role === "owner" || role === "admin";
}
