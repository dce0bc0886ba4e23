/**
 * Real servers on loopback for the sandbox tests, started in Node before workerd:
 * an "allowed" HTTP server a plugin's manifest lists (8791), and a "forbidden"
 * HTTP and TCP server no manifest lists (8792), which must never see a request, a webhook receiver
 * (8794) that records outbound webhook deliveries (test/webhooks/receiver-server.ts), and the reference
 * plugins' counterparts: a Stripe that speaks Stripe's wire protocol (8795, test/peers/stripe), whose
 * webhooks land on the receiver for the tests to forward into the platform, and a real OpenID provider
 * (8796, test/peers/oidc), and SMTP servers plain, with STARTTLS and with implicit TLS (8810-8814,
 * test/peers/smtp) on a certificate from a CA made for this run by vitest.config.ts, which workerd
 * trusts through NODE_EXTRA_CA_CERTS. A real Strapi (8815, test/peers/strapi) installs (minutes, on first
 * use) and boots in the background, so no other test waits for it: the CMS tests wait in their beforeAll.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { startOidcPeer } from "./peers/oidc/index.ts";
import {
  ALLOWED_PORT,
  FORBIDDEN_PORT,
  FORBIDDEN_TCP_PORT,
  OIDC_PEER,
  SMTP_PEER,
  STRAPI_PEER,
  STRIPE_PEER,
} from "./peers/ports.ts";
import { startSmtpPeer } from "./peers/smtp/index.ts";
import { readTestCertificates, removeTestCertificates } from "./peers/smtp/tls.ts";
import { type StrapiPeer, startStrapiPeer } from "./peers/strapi/index.ts";
import { startStripePeer } from "./peers/stripe/index.ts";
import { WEBHOOK_RECEIVER_PORT } from "./webhooks/receiver.ts";
import { createWebhookReceiver } from "./webhooks/receiver-server.ts";

let servers: (Server | TcpServer)[] = [];
let peers: { close(): Promise<void> }[] = [];
const forbiddenHits: string[] = [];
const strapiStop = new AbortController();
let strapi: Promise<StrapiPeer | undefined> = Promise.resolve(undefined);

declare module "vitest" {
  export interface ProvidedContext {
    /** The API token the Strapi peer mints at boot: chosen here, so it is known before Strapi is up. */
    strapiToken: string;
  }
}

export async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const tlsDir = process.env.SMTP_PEER_TLS_DIR;
  if (!tlsDir) throw new Error("SMTP_PEER_TLS_DIR is not set: vitest.config.ts makes the SMTP peer's certificates");
  const certificates = readTestCertificates(tlsDir);
  const allowed = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, path: req.url, method: req.method }));
  });
  const forbidden = createServer((req, res) => {
    forbiddenHits.push(`${req.method} ${req.url}`);
    res.end("you should not be here");
  });
  const tcp = createTcpServer((socket) => {
    forbiddenHits.push("tcp connection");
    socket.end("you should not be here\n");
  });
  const webhookReceiver = createWebhookReceiver();
  await Promise.all([
    new Promise<void>((r) => allowed.listen(ALLOWED_PORT, "127.0.0.1", r)),
    new Promise<void>((r) => forbidden.listen(FORBIDDEN_PORT, "127.0.0.1", r)),
    new Promise<void>((r) => tcp.listen(FORBIDDEN_TCP_PORT, "127.0.0.1", r)),
    new Promise<void>((r) => webhookReceiver.listen(WEBHOOK_RECEIVER_PORT, "127.0.0.1", r)),
  ]);
  servers = [allowed, forbidden, tcp, webhookReceiver];
  peers = await Promise.all([
    startStripePeer({
      port: STRIPE_PEER.port,
      apiKey: STRIPE_PEER.apiKeys,
      webhookUrl: STRIPE_PEER.webhookUrl,
      webhookSecret: STRIPE_PEER.webhookSecret,
    }),
    startOidcPeer({ port: OIDC_PEER.port, clients: [OIDC_PEER.client] }),
    startSmtpPeer({ ports: SMTP_PEER, key: certificates.key, cert: certificates.cert }),
  ]);
  provide("forbiddenPorts", [FORBIDDEN_PORT, FORBIDDEN_TCP_PORT]);
  const strapiToken = randomBytes(32).toString("hex");
  strapi = startStrapiPeer({
    port: STRAPI_PEER.port,
    webhookUrl: STRAPI_PEER.webhookUrl,
    webhookSecret: STRAPI_PEER.webhookSecret,
    token: strapiToken,
    signal: strapiStop.signal,
    log: (line) => console.log(line),
  }).catch((error: unknown) => {
    // the CMS tests fail on their own (Strapi never answers); this says why
    if (!strapiStop.signal.aborted) console.error(`strapi peer: ${(error as Error).message}`);
    return undefined;
  });
  provide("strapiToken", strapiToken);
}

export async function teardown() {
  strapiStop.abort();
  await (await strapi)?.close();
  await Promise.all(peers.map((p) => p.close()));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (process.env.SMTP_PEER_TLS_DIR) removeTestCertificates(process.env.SMTP_PEER_TLS_DIR);
  if (forbiddenHits.length > 0) {
    throw new Error(`a plugin reached a server no manifest lists: ${forbiddenHits.join(", ")}`);
  }
}
