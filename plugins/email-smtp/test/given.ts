/**
 * What the email-smtp tests build: a store with core-utils and email-smtp active against the SMTP
 * counterpart test/global-setup.ts runs (test/peers/smtp), with a sender address no other test uses,
 * so the messages the peer received from it are this test's alone; and the plugin's sendEmail called
 * in its isolate as the platform calls a category method.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { expect } from "vitest";
import { createLogger } from "../../../api/src/logging/index.ts";
import { callPluginMethod, findTarget, type SandboxDeps } from "../../../api/src/sandbox/index.ts";
import { givenStore } from "../../../test/commerce/given.ts";
import { eventually, givenPublished } from "../../../test/helpers.ts";
import { SMTP_PEER } from "../../../test/peers/ports.ts";
import { messagesFrom, SMTP_PEER_LOGIN } from "../../../test/peers/smtp/client.ts";

export const servers = {
  starttls: `starttls://127.0.0.1:${SMTP_PEER.starttls}`,
  tls: `tls://127.0.0.1:${SMTP_PEER.tls}`,
  plain: `plain://127.0.0.1:${SMTP_PEER.plain}`,
  hangUp: `plain://127.0.0.1:${SMTP_PEER.hangUp}`,
};

/** The peer's STARTTLS server with its one login: how a store sends in production (AUTH only over TLS). */
export const overStartTls = {
  smtp_server: servers.starttls,
  smtp_user: SMTP_PEER_LOGIN.user,
  smtp_password: SMTP_PEER_LOGIN.password,
};

/**
 * A store sending to the peer's plain server without AUTH unless `config` says otherwise: what a test
 * not about TLS or AUTH needs, so it depends on neither.
 */
export async function givenMailStore(config: Record<string, unknown> = {}) {
  const store = await givenStore();
  await givenPublished("core-utils");
  await givenPublished("email-smtp");
  const sender = `shop-${crypto.randomUUID().slice(0, 8)}@shop.test`;
  const install = await store.api("POST", "/api/admin/plugins/email-smtp/install", {
    config: {
      smtp_server: servers.plain,
      sender,
      ...config,
    },
  });
  expect(install.status, JSON.stringify(install.body)).toBe(201);
  const activate = await store.api("POST", "/api/admin/plugins/email-smtp/activate?cascade=true");
  expect(activate.status, JSON.stringify(activate.body)).toBe(200);
  return {
    ...store,
    sender,
    /** What the SMTP server received from this store's sender. */
    received: () => messagesFrom(SMTP_PEER.control, sender),
    /** The first `count` messages, once they are there. */
    arrived: (count = 1) =>
      eventually(async () => {
        const messages = await messagesFrom(SMTP_PEER.control, sender);
        return messages.length >= count ? messages : undefined;
      }),
    sendEmail: async (message: Record<string, unknown>) => {
      const target = await findTarget(env, store.tenant.id, "email-smtp");
      if (!target) throw new Error("email-smtp is not installed");
      return await callPluginMethod(sandboxDeps(), target, "sendEmail", [message]);
    },
    verifyConnection: async () => {
      const target = await findTarget(env, store.tenant.id, "email-smtp");
      if (!target) throw new Error("email-smtp is not installed");
      return await callPluginMethod(sandboxDeps(), target, "verifyConnection", []);
    },
  };
}

export type MailStore = Awaited<ReturnType<typeof givenMailStore>>;

function sandboxDeps(): SandboxDeps {
  const ctx = createExecutionContext();
  return { env, exports: ctx.exports, waitUntil: (p) => ctx.waitUntil(p), log: createLogger("silent") };
}

export interface SentRecord {
  emails: { idempotency_key: string; message_id: string; subject: string }[];
  recipients: { idempotency_key: string; address: string; status: string; reply: string | null }[];
}

export async function sentRecord(store: MailStore): Promise<SentRecord> {
  const res = await store.api<SentRecord>("GET", "/api/plugins/email-smtp/sent");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
