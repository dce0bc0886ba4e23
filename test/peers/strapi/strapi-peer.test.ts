/**
 * The Strapi peer itself, in Node: a fresh Strapi per start (its own SQLite file and token), its
 * webhooks sent with the secret header, and each way it can fail saying so.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureStrapiInstalled,
  STRAPI_WEBHOOK_HEADER,
  type StrapiPeer,
  StrapiPeerError,
  startStrapiPeer,
} from "./index.ts";

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.end("ok");
  });
});
let receiverUrl = "";

beforeAll(async () => {
  // a cold machine installs Strapi first: minutes, once
  await ensureStrapiInstalled({ log: (line) => console.log(line) });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  if (address === null || typeof address === "string") throw new Error("no receiver port");
  receiverUrl = `http://127.0.0.1:${address.port}/strapi`;
}, 15 * 60_000);

afterAll(() => new Promise((resolve) => receiver.close(resolve)));

async function products(peer: StrapiPeer, init: RequestInit = {}, query = "") {
  const res = await fetch(`${peer.url}/api/products${query}`, {
    ...init,
    headers: { authorization: `Bearer ${peer.token}`, "content-type": "application/json" },
  });
  return { status: res.status, body: (await res.json()) as { data: unknown } };
}

describe("the Strapi peer", () => {
  it("boots with the token it was given, sends its webhooks with the secret header, and starts empty every time", async () => {
    const token = `peer-test-${crypto.randomUUID()}`;
    const first = await startStrapiPeer({
      port: await freePort(),
      webhookUrl: receiverUrl,
      webhookSecret: "s3cret-s3cret-s3cret",
      token,
    });
    try {
      expect(first.token).toBe(token);
      const created = await products(first, {
        method: "POST",
        body: JSON.stringify({ data: { sku: "PEER-1", title: "Mug", price: 1250, currency: "USD" } }),
      });
      expect(created.status).toBe(201);
      const denied = await fetch(`${first.url}/api/products`, { headers: { authorization: "Bearer not-the-token" } });
      expect(denied.status).toBe(401);
      await expect
        .poll(() => received.find((r) => r.headers["x-strapi-event"] === "entry.create"), { timeout: 10_000 })
        .toBeDefined();
      const hook = received.find((r) => r.headers["x-strapi-event"] === "entry.create");
      expect(hook?.headers[STRAPI_WEBHOOK_HEADER]).toBe("s3cret-s3cret-s3cret");
      expect(JSON.parse(hook?.body ?? "{}")).toMatchObject({ event: "entry.create", entry: { sku: "PEER-1" } });
    } finally {
      await first.close();
    }
    const second = await startStrapiPeer({ port: await freePort() });
    try {
      expect(second.token).not.toBe(token);
      expect((await products(second, {}, "?status=draft")).body.data).toEqual([]);
    } finally {
      await second.close();
    }
  }, 120_000);

  it("fails to boot on a port already taken, with Strapi's own output", async () => {
    // hangs up on every connection, so closing it never waits for the health checks' kept-alive sockets
    const taken = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const failure = await startStrapiPeer({ port: address.port }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StrapiPeerError);
      expect((failure as StrapiPeerError).code).toBe("BOOT_FAILED");
      expect((failure as StrapiPeerError).message).toContain(`port ${address.port}`);
      expect((failure as StrapiPeerError).message).toContain("is already used by another application");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 120_000);

  it("says so when there is no Node to install and run Strapi with", async () => {
    const before = process.env.STRAPI_NODE;
    process.env.STRAPI_NODE = "/nonexistent/bin/node";
    try {
      await expect(ensureStrapiInstalled()).rejects.toMatchObject({ code: "NODE_MISSING" });
    } finally {
      if (before === undefined) delete process.env.STRAPI_NODE;
      else process.env.STRAPI_NODE = before;
    }
  });
});
