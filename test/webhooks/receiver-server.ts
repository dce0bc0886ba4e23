/**
 * A webhook receiver on loopback, run in Node by test/global-setup.ts: it records every request (headers
 * and raw body) and answers by the path's first segment, unless a test told it otherwise for that path.
 * It also verifies signatures with an independent Standard Webhooks verifier, so the tests check the
 * platform's signing against code that shares nothing with it. The tests drive it through
 * test/webhooks/receiver.ts.
 *
 *   /ok/...          200
 *   /always-500/...  500, with a 3 KiB body (the attempt log keeps its first KiB)
 *   /fail-twice/...  503 for the first two requests to the exact path, then 200
 *   /slow-once/...   the first request to the exact path is answered after 3 s (past the tests' 2 s timeout), then 200
 *   /redirect/...    302 to /ok/... (a redirect is a failed attempt: never followed)
 *
 *   GET  /_control/requests?path=P     the requests recorded for path P, oldest first
 *   POST /_control/respond {path, status}   answer `status` to every later request to `path`
 *   POST /_control/verify {secret, headers, body}   {verified, error}
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { WebhookVerificationService } from "@hookflo/tern";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: string;
}

/**
 * The verifier: Tern (@hookflo/tern), configured for Standard Webhooks (`{id}.{timestamp}.{body}`,
 * HMAC-SHA256 over the base64-decoded whsec_ key, space-separated `v1,` signatures), computing the
 * HMAC with node:crypto. Not svix: since 2.0 svix's Webhook.verify delegates to `standardwebhooks`, the
 * very library the platform signs with, so it would agree with the signer even where both were wrong.
 */
async function verify(secret: string, headers: Record<string, string>, body: string) {
  const request = new Request("http://receiver.test/", { method: "POST", headers, body });
  const result = await WebhookVerificationService.verify(request, {
    platform: "custom",
    secret,
    toleranceInSeconds: 300,
    signatureConfig: {
      algorithm: "hmac-sha256",
      headerName: "webhook-signature",
      headerFormat: "raw",
      timestampHeader: "webhook-timestamp",
      timestampFormat: "unix",
      payloadFormat: "custom",
      customConfig: {
        signatureFormat: "v1={signature}",
        payloadFormat: "{id}.{timestamp}.{body}",
        encoding: "base64",
        secretEncoding: "base64",
        idHeader: "webhook-id",
      },
    },
  });
  return { verified: result.isValid, error: result.error ?? null };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function createWebhookReceiver(): Server {
  const requests = new Map<string, RecordedRequest[]>();
  const overrides = new Map<string, number>();

  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver.test");
    const body = await readBody(req);

    if (url.pathname === "/_control/requests") {
      return json(res, 200, { requests: requests.get(url.searchParams.get("path") ?? "") ?? [] });
    }
    if (url.pathname === "/_control/respond") {
      const { path, status } = JSON.parse(body) as { path: string; status: number };
      overrides.set(path, status);
      return json(res, 200, { path, status });
    }
    if (url.pathname === "/_control/verify") {
      const {
        secret,
        headers,
        body: signed,
      } = JSON.parse(body) as {
        secret: string;
        headers: Record<string, string>;
        body: string;
      };
      return json(res, 200, await verify(secret, headers, signed));
    }

    const seen = requests.get(url.pathname) ?? [];
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    seen.push({ method: req.method ?? "", path: url.pathname, headers, body, received_at: new Date().toISOString() });
    requests.set(url.pathname, seen);

    const override = overrides.get(url.pathname);
    if (override !== undefined) return json(res, override, { answered: override });
    const [, behaviour, ...rest] = url.pathname.split("/");
    switch (behaviour) {
      case "ok":
        return json(res, 200, { received: true });
      case "always-500":
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end(`boom ${"x".repeat(3 * 1024)}`);
      case "fail-twice":
        return seen.length <= 2 ? json(res, 503, { try: "again" }) : json(res, 200, { received: true });
      case "slow-once":
        if (seen.length === 1) await new Promise((r) => setTimeout(r, 3000));
        return json(res, 200, { received: true });
      case "redirect":
        res.writeHead(302, { location: `/ok/${rest.join("/")}` });
        return res.end();
      default:
        return json(res, 404, { error: `no behaviour "${behaviour}"` });
    }
  });
}
