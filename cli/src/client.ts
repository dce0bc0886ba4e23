/** The admin API from the CLI: JSON in and out, the platform's error shape turned into a CliError. */
import type { Connection } from "./connection.ts";
import { CliError } from "./errors.ts";

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export type Client = ReturnType<typeof createClient>;

export function createClient(connection: Connection) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!connection.token) {
      throw new CliError(
        "NOT_LOGGED_IN",
        `No API token for ${connection.url}: run admin-cli login --token <token>, or pass --token or ADMIN_CLI_TOKEN.`,
      );
    }
    let res: Response;
    try {
      res = await fetch(`${connection.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${connection.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(
        "UNREACHABLE",
        `Cannot reach the platform at ${connection.url} (${reason}). Is it running? Start it with npm run dev, or pass --url.`,
      );
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) {
      const err = (parsed as ApiError | null)?.error;
      throw new CliError(
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? `${method} ${path} answered ${res.status}`,
        {
          details: err?.details,
        },
      );
    }
    return parsed as T;
  }
  return {
    connection,
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
    put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
    patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
    delete: <T>(path: string) => request<T>("DELETE", path),
  };
}
