/**
 * The tests' side of the webhook receiver (test/webhooks/receiver-server.ts, started by
 * test/global-setup.ts): URLs to register, what it recorded, answers to set, signatures to verify.
 * Plain fetch() to loopback, which workerd allows in tests.
 */
import type { RecordedRequest } from "./receiver-server.ts";

export const WEBHOOK_RECEIVER_PORT = 8794;
const BASE = `http://127.0.0.1:${WEBHOOK_RECEIVER_PORT}`;

export type { RecordedRequest };

/** A receiver path of `behaviour` (ok, always-500, fail-twice, slow-once, redirect) no other test uses. */
export function receiverPath(behaviour: string): string {
  return `/${behaviour}/${crypto.randomUUID()}`;
}

export const receiverUrl = (path: string) => `${BASE}${path}`;

export async function requestsTo(path: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${BASE}/_control/requests?path=${encodeURIComponent(path)}`);
  return ((await res.json()) as { requests: RecordedRequest[] }).requests;
}

/** From now on the receiver answers `status` to every request to `path`. */
export async function answer(path: string, status: number): Promise<void> {
  const res = await fetch(`${BASE}/_control/respond`, { method: "POST", body: JSON.stringify({ path, status }) });
  if (!res.ok) throw new Error(`the receiver refused the override: ${res.status}`);
}

/** Verifies a delivery with the receiver's independent Standard Webhooks verifier. */
export async function verifies(
  secret: string,
  request: Pick<RecordedRequest, "headers" | "body">,
): Promise<{ verified: boolean; error: string | null }> {
  const res = await fetch(`${BASE}/_control/verify`, {
    method: "POST",
    body: JSON.stringify({ secret, headers: request.headers, body: request.body }),
  });
  return (await res.json()) as { verified: boolean; error: string | null };
}
