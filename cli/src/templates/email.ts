/**
 * The email plugin `admin-cli scaffold email` writes: messages sent through an HTTP email API
 * (its host declared in the manifest, its key a sensitive setting), a welcome email on
 * after_user_create, and an endpoint that sends a test message.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function emailTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: an email provider. Messages go out through an HTTP email API whose host the manifest declares. */
import { createEmailPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createEmailPlugin", p)}
${manifestHead(p, `${p.name} email`)}
  .hook("after_user_create", "src/hooks/afterUserCreate.ts")
  .apiEndpoint("POST", "/test-message", "src/api/testMessage.ts")
  .setting("api_key", { type: "string", label: "API key", required: true, sensitive: true })
  .setting("from_address", {
    type: "email",
    label: "From address",
    description: "The sender of messages that do not name one.",
    default: "store@example.com",
  })
  .permission({ network: ["api.example.com"], capabilities: ["http", "logger"] })
  .build();
`;

  const provider = `/**
 * The email API the plugin sends through. Its host must stay in the manifest's
 * permissions.network: the platform refuses every other host (403 EGRESS_DENIED).
 */
import type { EmailAddress, EmailMessage, EmailResult, PluginContext } from "@digital-commerce/plugin-sdk";

export const API_URL = "https://api.example.com/v1";

const addressOf = (a: EmailAddress) => (typeof a === "string" ? a : a.email);

/** The provider's authorization header, or null when the store has not set the API key. */
export function authorization(context: PluginContext): { authorization: string } | null {
  const key = context.plugin.config.api_key;
  return typeof key === "string" && key !== "" ? { authorization: \`Bearer \${key}\` } : null;
}

/** Sends \`message\`; a provider failure is a value, retryable when the provider may take it later. */
export async function send(context: PluginContext, message: EmailMessage): Promise<EmailResult> {
  const auth = authorization(context);
  if (!auth) {
    return { success: false, error: { code: "NOT_CONFIGURED", message: "Set api_key in the plugin's settings." } };
  }
  const res = await context.http.post(
    \`\${API_URL}/messages\`,
    { ...message, from: message.from ?? String(context.plugin.config.from_address) },
    // a retried send with the same key is recognised by the provider and not delivered twice
    { headers: { ...auth, ...(message.idempotency_key ? { "idempotency-key": message.idempotency_key } : {}) } },
  );
  if (!res.ok) {
    const retryable = res.status === 429 || res.status >= 500;
    return {
      success: false,
      error: { code: "SEND_FAILED", message: \`The email API answered \${res.status}.\`, retryable },
    };
  }
  const { id } = (await res.json()) as { id?: unknown };
  return { success: true, message_id: String(id), accepted: message.to.map(addressOf) };
}
`;

  const hook = `/** after_user_create: sends the new customer a welcome message. */
import type { HookHandler, UserHookData } from "@digital-commerce/plugin-sdk";
import { send } from "../provider.ts";

// a notification may be delivered again: its delivery key keeps the provider from sending twice
const afterUserCreate: HookHandler<UserHookData> = async (context, data) => {
  const result = await send(context, {
    to: [data.user.email],
    cc: [],
    bcc: [],
    subject: "Welcome",
    text: \`Welcome\${data.user.name ? \`, \${data.user.name}\` : ""}! Your account is ready.\`,
    headers: {},
    attachments: [],
    ...(context.delivery ? { idempotency_key: context.delivery.idempotency_key } : {}),
  });
  // a throw makes the platform retry the delivery; a failure that will not pass later is only logged
  if (!result.success && result.error.retryable) throw new Error(result.error.message);
  if (!result.success) context.logger.warn("welcome message not sent", { error: result.error });
};

export default afterUserCreate;
`;

  const endpoint = `/** POST /api/plugins/${p.slug}/test-message {to}: sends a test message, to check the settings. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { send } from "../provider.ts";

export default async function testMessage(context: PluginContext, request: Request) {
  const body = (await request.json().catch(() => null)) as { to?: unknown } | null;
  if (typeof body?.to !== "string" || !body.to.includes("@")) {
    return Response.json(
      { error: { code: "INVALID_ADDRESS", message: 'Send { "to": "someone@example.com" }.' } },
      { status: 400 },
    );
  }
  const result = await send(context, {
    to: [body.to],
    cc: [],
    bcc: [],
    subject: "Test message",
    text: "This is a test message from ${p.name}.",
    headers: {},
    attachments: [],
  });
  return Response.json(result, { status: result.success ? 200 : 502 });
}
`;

  const plugin = `/** ${p.name}'s email methods: sending through the email API, checking the connection, delivery reports. */
import type { PluginImplementation } from "@digital-commerce/plugin-sdk";
import { API_URL, authorization, send } from "./src/provider.ts";

const plugin: PluginImplementation<"email"> = {
  sendEmail: (context, message) => send(context, message),

  async verifyConnection(context) {
    const auth = authorization(context);
    if (!auth) return false;
    const res = await context.http.get(\`\${API_URL}/account\`, { headers: auth });
    return res.ok;
  },

  // bounces and complaints, from providers that report them
  async handleWebhook(context, event, data) {
    context.logger.info("delivery report", { event, data });
  },
};

export default plugin;
`;

  const test = `/**
 * ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin
 * context. The email API is played by a function given as the context's fetch: requests reach
 * it only for hosts the manifest declares, as on the platform.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import plugin from "./plugin.ts";
import afterUserCreate from "./src/hooks/afterUserCreate.ts";

/** An email API that accepts every message and remembers what it was sent. */
function emailApi(status = 200) {
  const received: { url: string; authorization: string | null; body: unknown }[] = [];
  const fetch = async (request: Request) => {
    received.push({
      url: request.url,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    return Response.json({ id: \`msg_\${received.length}\` }, { status });
  };
  return { received, fetch };
}

const message = {
  to: ["ada@example.com"],
  cc: [],
  bcc: [],
  subject: "Your order has shipped",
  text: "It is on its way.",
  headers: {},
  attachments: [],
};

describe(${str(p.slug)}, () => {
  it("sends a message through the email API with the configured key", async () => {
    const api = emailApi();
    const { context } = createTestContext({ manifest, config: { api_key: "key_test_123" }, fetch: api.fetch });
    const result = await plugin.sendEmail(context, message);
    assert.deepEqual(result, { success: true, message_id: "msg_1", accepted: ["ada@example.com"] });
    assert.equal(api.received[0]?.authorization, "Bearer key_test_123");
    assert.match(String(api.received[0]?.body), /"from":"store@example.com"/);
  });

  it("reports a missing key and a failing API as values, retryable when the API may recover", async () => {
    const unconfigured = createTestContext({ manifest, fetch: emailApi().fetch });
    const missing = await plugin.sendEmail(unconfigured.context, message);
    assert.equal(missing.success ? "sent" : missing.error.code, "NOT_CONFIGURED");
    const down = createTestContext({ manifest, config: { api_key: "key_test_123" }, fetch: emailApi(503).fetch });
    assert.deepEqual(await plugin.sendEmail(down.context, message), {
      success: false,
      error: { code: "SEND_FAILED", message: "The email API answered 503.", retryable: true },
    });
  });

  it("welcomes a new customer, once per delivery", async () => {
    const api = emailApi();
    const delivery = { id: "dl_1", event_id: "ev_1", attempt: 1, idempotency_key: "key-1" };
    const { context } = createTestContext({
      manifest,
      config: { api_key: "key_test_123" },
      fetch: api.fetch,
      delivery,
    });
    await afterUserCreate(context, { user: { email: "ada@example.com", name: "Ada", metadata: {} } });
    assert.match(String(api.received[0]?.body), /Welcome, Ada!/);
  });

  it("reaches only the hosts its manifest declares", async () => {
    const t = createTestContext({ manifest, config: { api_key: "key_test_123" }, fetch: emailApi().fetch });
    const res = await t.context.http.get("https://elsewhere.example.org/");
    assert.equal(res.status, 403);
    assert.deepEqual(t.requests, [{ method: "GET", url: "https://elsewhere.example.org/", allowed: false }]);
  });

  it("keeps the API key out of its logs", async () => {
    const t = createTestContext({ manifest, config: { api_key: "key_test_123" } });
    await plugin.handleWebhook?.(t.context, "bounce", { key: "key_test_123" });
    assert.deepEqual(t.logs[0]?.meta, { event: "bounce", data: { key: "[redacted]" } });
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "plugin.ts": plugin,
      "src/provider.ts": provider,
      "src/hooks/afterUserCreate.ts": hook,
      "src/api/testMessage.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary:
        "An email provider: `sendEmail` posts each message to an HTTP email API, `verifyConnection` checks the key against it, `handleWebhook` logs delivery reports (`plugin.ts`). Failures are values (`{ success: false, error: { code, message, retryable } }`).",
      hooks: [
        "`after_user_create` (`src/hooks/afterUserCreate.ts`): sends the new customer a welcome message, keyed by the delivery so a redelivery does not send twice.",
      ],
      endpoints: [
        `\`POST /api/plugins/${p.slug}/test-message\` (\`src/api/testMessage.ts\`): sends a test message, \`{ "to": "someone@example.com" }\`.`,
      ],
      settings: [
        "`api_key` (string, required, sensitive: encrypted at rest, masked on read, redacted from logs)",
        "`from_address` (email, default `store@example.com`)",
      ],
      next: "Point `API_URL` in `src/provider.ts` at your provider, adapt the request body to its API, and put its host in the manifest's `permissions.network` in place of `api.example.com`.",
    },
  };
}
