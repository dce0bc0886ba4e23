/**
 * The sockets permission: a plugin's connect() reaches the SMTP servers its grants list, over the
 * transport each grant names, with TLS run by the platform (the plugin speaks plaintext to the gate);
 * every connection is counted in the plugin's accounting. Against the real SMTP peer (test/peers/smtp).
 */

import { env } from "cloudflare:test";
import { createPlugin, ManifestError } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { prepareConfig } from "../../api/src/config/index.ts";
import { ledgerDb } from "../../api/src/ledger/index.ts";
import { eventually, givenTenantWith } from "../helpers.ts";
import { SMTP_PEER } from "../peers/ports.ts";
import { messagesFrom } from "../peers/smtp/client.ts";

interface Talk {
  transcript: { sent: string | null; reply: string[] }[];
  ended: string;
  ms: number;
  error?: string;
}

/** One message's SMTP dialogue from a sender no other test uses, so the peer's record of it is this test's. */
function dialogue() {
  const from = `${crypto.randomUUID()}@sender.test`;
  return {
    from,
    lines: [
      "EHLO smtp-probe.test",
      `MAIL FROM:<${from}>`,
      "RCPT TO:<buyer@customer.test>",
      "DATA",
      `Subject: sockets test\r\nFrom: ${from}\r\n\r\nHello over the sockets permission.\r\n.`,
      "QUIT",
    ],
  };
}

async function talk(smtpServer: string | undefined, lines: string[], address?: string) {
  const config = smtpServer ? { smtp_server: smtpServer } : {};
  const { api, tenant } = await givenTenantWith({ "smtp-probe": config });
  const res = await api<Talk>("POST", "/api/plugins/smtp-probe/talk", { lines, ...(address ? { address } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...res.body, api, tenant };
}

/** The plugin's socket rows, once `count` are there: a connection is accounted when it closes, after the answer. */
async function connections(tenantId: string, count = 1) {
  return await eventually(async () => {
    const rows = await socketRows(tenantId);
    return rows.length >= count ? rows : undefined;
  });
}

async function socketRows(tenantId: string) {
  const { results } = await ledgerDb(env, tenantId)
    .prepare(
      "SELECT name, outcome, error_code FROM plugin_calls WHERE tenant_id = ? AND slug = 'smtp-probe' AND kind = 'socket'",
    )
    .bind(tenantId)
    .all<{ name: string; outcome: string; error_code: string | null }>();
  return results;
}

describe("a plugin granted SMTP sockets", () => {
  it("sends a message over plain SMTP to the server the operator configured", async () => {
    const { from, lines } = dialogue();
    const res = await talk(`plain://127.0.0.1:${SMTP_PEER.plain}`, lines);
    expect(res.ended).toBe("done");
    expect(res.transcript.map((t) => t.reply.at(-1)?.slice(0, 3))).toEqual([
      "220",
      "250",
      "250",
      "250",
      "354",
      "250",
      "221",
    ]);
    const [message] = await messagesFrom(SMTP_PEER.control, from);
    expect(message).toMatchObject({ server: "plain", secure: false, to: ["buyer@customer.test"] });
    expect(message?.data).toContain("Hello over the sockets permission.");
    expect(await connections(res.tenant.id)).toEqual([
      { name: `plain 127.0.0.1:${SMTP_PEER.plain}`, outcome: "ok", error_code: null },
    ]);
  });

  it("reaches a STARTTLS server encrypted: the platform upgrades, the plugin sees a server already on TLS", async () => {
    const { from, lines } = dialogue();
    const res = await talk(`starttls://127.0.0.1:${SMTP_PEER.starttls}`, lines);
    expect(res.ended).toBe("done");
    expect(res.transcript[0]?.reply).toEqual(["220 127.0.0.1 ESMTP (TLS by the platform)"]);
    // after the upgrade the server offers no STARTTLS: the plugin has nothing to skip
    expect(res.transcript[1]?.reply.join("\n")).not.toMatch(/STARTTLS/);
    const [message] = await messagesFrom(SMTP_PEER.control, from);
    expect(message).toMatchObject({ server: "starttls", secure: true, tls_version: "TLSv1.3" });
  });

  it("reaches an implicit-TLS server its manifest lists, the plugin speaking plaintext to the platform", async () => {
    const { from, lines } = dialogue();
    const res = await talk(undefined, lines, `127.0.0.1:${SMTP_PEER.tls}`);
    expect(res.ended).toBe("done");
    const [message] = await messagesFrom(SMTP_PEER.control, from);
    expect(message).toMatchObject({ server: "tls", secure: true, tls_version: "TLSv1.3" });
    expect(await connections(res.tenant.id)).toEqual([
      { name: `tls 127.0.0.1:${SMTP_PEER.tls}`, outcome: "ok", error_code: null },
    ]);
  });

  it("never falls back to plaintext: a STARTTLS grant to a server without STARTTLS ends in a 421", async () => {
    const { from, lines } = dialogue();
    const res = await talk(`starttls://127.0.0.1:${SMTP_PEER.plain}`, lines);
    expect(res.ended).toBe("refused");
    expect(res.transcript[0]?.reply[0]).toMatch(/^421 4\.7\.0 STARTTLS_FAILED: 127\.0\.0\.1 does not offer STARTTLS/);
    expect(await messagesFrom(SMTP_PEER.control, from)).toEqual([]);
    expect(await connections(res.tenant.id)).toMatchObject([{ outcome: "error", error_code: "STARTTLS_FAILED" }]);
  });

  it("counts each connection in the plugin's health", async () => {
    const { lines } = dialogue();
    const res = await talk(`plain://127.0.0.1:${SMTP_PEER.plain}`, lines);
    await res.api("POST", "/api/plugins/smtp-probe/talk", { lines: ["QUIT"] });
    await connections(res.tenant.id, 2);
    const health = await res.api<{ calls: { connections: number; calls: number } }>(
      "GET",
      "/api/admin/plugins/smtp-probe/health",
    );
    expect(health.body.calls.connections).toBe(2);
    // install and activate, then the two endpoint calls; connections are not calls
    expect(health.body.calls.calls).toBe(4);
  });
});

describe("the sockets permission in a manifest", () => {
  it.each([
    [
      "port 25",
      { host: "smtp.example.com", port: 25, transport: "starttls" },
      /permissions\.sockets\.0\.port: port 25 is blocked/,
    ],
    ["port 0", { host: "smtp.example.com", port: 0, transport: "tls" }, /permissions\.sockets\.0\.port/],
    [
      "a port past 65535",
      { host: "smtp.example.com", port: 70_000, transport: "tls" },
      /permissions\.sockets\.0\.port/,
    ],
    [
      "an unknown transport",
      { host: "smtp.example.com", port: 587, transport: "ssl" },
      /permissions\.sockets\.0\.transport/,
    ],
    [
      "a host with a port",
      { host: "smtp.example.com:587", port: 587, transport: "tls" },
      /permissions\.sockets\.0\.host/,
    ],
  ])("refuses %s, naming the field", (_name, grant, message) => {
    const build = () =>
      createPlugin("Bad", "bad-sockets")
        .permission({ sockets: [grant as never] })
        .build();
    expect(build).toThrow(ManifestError);
    expect(build).toThrow(message);
  });
});

describe("a socket-address setting", () => {
  const settings = {
    smtp_server: {
      type: "url" as const,
      label: "SMTP server",
      socket: ["starttls" as const, "tls" as const],
      required: false,
      sensitive: false,
    },
  };
  const keys = { secret: "x", tenantId: "t", slug: "p" };

  it.each([
    ["port 25", "starttls://smtp.example.com:25", /port 25 is blocked/],
    [
      "a transport the setting does not allow",
      "plain://smtp.example.com:587",
      /must use starttls:\/\/ or tls:\/\/, not plain:\/\//,
    ],
    ["an http URL", "https://smtp.example.com:587", /must name its transport as the scheme/],
    ["no port", "tls://smtp.example.com", /host and port/],
    ["credentials", "tls://user:pw@smtp.example.com:465", /credentials belong in their own/],
    ["loopback outside development", "tls://127.0.0.1:465", /loopback/],
    ["loopback spelt as a number", "tls://2130706433:465", /loopback/],
    ["a private network", "starttls://10.0.0.8:587", /private/],
  ])("refuses %s, naming the field", async (_name, value, reason) => {
    const refused = prepareConfig(settings, { smtp_server: value }, {}, keys);
    await expect(refused).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(refused).rejects.toThrow(new RegExp(`config\\.smtp_server: .*${reason.source}`));
  });

  it("takes a public host over an allowed transport", async () => {
    const prepared = prepareConfig(settings, { smtp_server: "starttls://smtp.example.com:587" }, {}, keys);
    await expect(prepared).resolves.toBeDefined();
  });
});
