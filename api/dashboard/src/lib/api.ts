/**
 * The dashboard's one way to the admin API: the session's token as a Bearer header, JSON in and out,
 * and every refusal turned into an ApiError carrying the API's own code and message.
 */
import { clearSession, currentToken } from "./session.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Query = Record<string, string | boolean | undefined>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  /** A token to use instead of the session's: signing in checks a token before keeping it. */
  token?: string;
}

function pathWithQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Calls `/api/admin{path}`; resolves with the parsed body, rejects with an ApiError. */
export async function adminApi<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? currentToken();
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(pathWithQuery(`/api/admin${path}`, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(
      0,
      "NETWORK",
      `The admin API did not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(
      response.status,
      "BAD_RESPONSE",
      `The admin API answered ${response.status} with a body that is not JSON.`,
    );
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    // a token that stopped working (revoked, or another tenant's) ends the session: the sign-in page says why
    if (response.status === 401 && !options.token) clearSession(error?.message ?? "The session's token was refused.");
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The admin API answered ${response.status}.`,
      error?.details,
    );
  }
  return body as T;
}

/** The message to show for anything a call threw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError)
    return error.code.startsWith("HTTP_") ? error.message : `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
