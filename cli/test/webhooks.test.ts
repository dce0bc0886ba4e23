/**
 * Outbound webhooks from the terminal, with a real receiver on this machine that verifies each
 * delivery's signature with the secret the CLI printed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, givenLoggedIn, type LoggedIn } from "./operations.ts";

interface Received {
  type: string;
  headers: Record<string, string>;
  body: string;
}

let me: LoggedIn;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let endpointId: string | undefined;

beforeAll(async () => {
  me = await givenLoggedIn();
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ type: (JSON.parse(body) as { type: string }).type, headers, body });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/orders`;
});

afterAll(async () => {
  // no endpoint left behind to fail deliveries once the receiver is gone
  if (endpointId) await api("DELETE", `/api/admin/webhooks/${endpointId}`);
  await new Promise((resolve) => receiver.close(resolve));
});

/** The deliveries received since `from`, once there are `count` of them. */
const deliveriesFrom = (from: number, count = 1) =>
  eventually(async () => (received.length >= from + count ? received.slice(from) : undefined));

const verifies = (secret: string, r: Received) => {
  new Webhook(secret).verify(r.body, r.headers);
  return true;
};

async function createProduct(title: string): Promise<void> {
  expect((await api("POST", "/api/commerce/products", { title, price: 5, currency: "USD" })).status).toBe(201);
}

describe("admin-cli webhooks", () => {
  let secret: string;

  it("adds an endpoint and prints its secret once; deliveries verify with it", async () => {
    const run = await me.cli([
      "webhooks",
      "add",
      receiverUrl,
      "--events",
      "after_product_create",
      "--description",
      "cli test",
    ]);
    expect(run.code).toBe(0);
    const added = /Added (ep_[0-9a-f]{32}) → /.exec(run.stdout);
    const shown = /Signing secret: (whsec_\S+)/.exec(run.stdout);
    expect(added && shown).toBeTruthy();
    endpointId = added?.[1] as string;
    secret = shown?.[1] as string;
    expect(run.stderr).toContain("the only time the secret is shown");

    const list = await me.cli(["webhooks", "list"]);
    expect(list.stdout).toMatch(
      new RegExp(`${endpointId}\\s+${receiverUrl}\\s+after_product_create\\s+enabled\\s+0\\s+cli test`),
    );
    const json = (await me.cli(["--json", "webhooks", "list"])).json<{ endpoints: { id: string }[] }>();
    expect(json.endpoints.map((e) => e.id)).toContain(endpointId);
    expect(JSON.stringify(json)).not.toContain("whsec_");

    const from = received.length;
    await createProduct("Webhook mug");
    const [delivery] = await deliveriesFrom(from);
    expect(delivery?.type).toBe("after_product_create");
    expect(verifies(secret, delivery as Received)).toBe(true);
  });

  it("shows an endpoint's deliveries with every attempt", async () => {
    const run = await eventually(async () => {
      const r = await me.cli(["webhooks", "deliveries", endpointId as string]);
      return r.stdout.includes("succeeded") ? r : undefined;
    });
    expect(run.stdout).toMatch(/after_product_create\s+succeeded/);
    expect(run.stdout).toMatch(/#1 .+ succeeded\s+200\s+\d/);
  });

  it("rotates the secret with an overlap; later deliveries verify with the new one", async () => {
    const run = await me.cli(["webhooks", "rotate", endpointId as string, "--overlap", "60"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("the previous one signs too until");
    const rotated = /Signing secret: (whsec_\S+)/.exec(run.stdout)?.[1];
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(secret);
    secret = rotated as string;
    expect((await me.cli(["webhooks", "rotate", endpointId as string, "--overlap", "soon"])).code).toBe(2);
  });

  it("replays what a disabled endpoint skipped, once it is enabled again", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await me.cli(["webhooks", "disable", endpointId as string])).code).toBe(0);
    const from = received.length;
    await createProduct("Skipped mug");
    await eventually(async () => {
      const r = await me.cli(["--json", "webhooks", "deliveries", endpointId as string, "--status", "skipped"]);
      return r.json<{ deliveries: unknown[] }>().deliveries.length > 0 ? r : undefined;
    });
    const refused = await me.cli(["--json", "webhooks", "replay", endpointId as string]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: "WEBHOOK_ENDPOINT_DISABLED" } });

    expect((await me.cli(["webhooks", "enable", endpointId as string])).code).toBe(0);
    const run = await me.cli(["--json", "webhooks", "replay", endpointId as string, "--since", since]);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ replayed: 1, remaining: 0 });
    const [delivery] = await deliveriesFrom(from);
    expect(verifies(secret, delivery as Received)).toBe(true);
    expect((await me.cli(["webhooks", "replay", endpointId as string, "--since", "yesterday"])).code).toBe(2);
  });

  it("refuses an endpoint without events (exit 2) and names an unknown one (exit 1)", async () => {
    expect((await me.cli(["webhooks", "add", receiverUrl])).code).toBe(2);
    const unknown = await me.cli(["--json", "webhooks", "rotate", "ep_00000000000000000000000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toMatchObject({ error: { code: "WEBHOOK_ENDPOINT_NOT_FOUND" } });
  });
});
