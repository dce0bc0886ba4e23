/**
 * email-smtp against a real SMTP server on loopback (smtp-server, test/peers/smtp), through the
 * platform's sockets permission and its TLS: the store's e-mails as a mail client reads them
 * (mailparser), exactly one per delivery, and every failure path ending as a clear error, a retry,
 * a dead letter or a refusal recorded per recipient.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SMTP_PEER } from "../../../test/peers/ports.ts";
import { REFUSED_DOMAIN, setDown } from "../../../test/peers/smtp/client.ts";
import { deliveryRows, eventually, fire, hookRun } from "../../../test/pipeline/helpers.ts";
import { messageIdOf } from "../src/mailer.ts";
import { givenMailStore, type MailStore, overStartTls, sentRecord, servers } from "./given.ts";

const customer = () => `buyer-${crypto.randomUUID().slice(0, 8)}@customer.test`;

function order(email: string) {
  return {
    order: {
      id: "ord_1001",
      items: [
        { product_id: "p_mug", title: "Mug", quantity: 2, unit_price: 1250 },
        { product_id: "p_evil", title: '<script>alert("x")</script> & Co', quantity: 1, unit_price: 999 },
      ],
      total: 3499,
      currency: "USD",
      metadata: { email },
    },
  };
}

async function succeeded(tenantId: string, eventId: string) {
  return await eventually(async () => {
    const [row] = await deliveryRows(tenantId, [eventId]);
    return row?.status === "succeeded" ? row : undefined;
  });
}

async function deadLetterOf(store: MailStore, eventId: string) {
  return await eventually(async () => {
    const { body } = await store.api<{
      dead_letters: { id: string; event_id: string; attempts: number; last_error: string }[];
    }>("GET", "/api/admin/dead-letters?plugin=email-smtp");
    return body.dead_letters.find((l) => l.event_id === eventId);
  }, 60_000);
}

describe("the store's e-mails", () => {
  it("sends the order confirmation over STARTTLS with AUTH: subject, sender, recipient, both bodies, escaped, the Message-ID from the delivery", async () => {
    const store = await givenMailStore(overStartTls);
    const to = customer();
    const [eventId] = await fire(hookRun(store.tenant.id), "after_order_complete", order(to));
    const delivery = await succeeded(store.tenant.id, eventId as string);
    const [message] = await store.arrived();
    expect(message).toMatchObject({ server: "starttls", secure: true, from: store.sender, to: [to] });
    const mail = message?.parsed;
    expect(mail?.subject).toBe(`Your ${store.tenant.name} order ord_1001 is confirmed`);
    expect(mail?.from).toEqual([store.sender]);
    expect(mail?.from_name).toBe(store.tenant.name);
    expect(mail?.to).toEqual([to]);
    // the delivery's idempotency key is its id
    expect(mail?.message_id).toBe(await messageIdOf(delivery.id, store.sender));
    // money as core-utils writes it
    expect(mail?.text).toContain("2 × Mug: $25.00");
    expect(mail?.text).toContain("Total: $34.99");
    expect(mail?.text).toContain('1 × <script>alert("x")</script> & Co: $9.99');
    expect(mail?.html).toContain("<strong>$34.99</strong>");
    expect(mail?.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(mail?.html).not.toContain("<script>");
    expect(mail?.html).toContain(store.tenant.name);
  });

  it("sends the welcome e-mail over implicit TLS, the user's name escaped in HTML", async () => {
    const store = await givenMailStore({ ...overStartTls, smtp_server: servers.tls });
    const email = customer();
    const [eventId] = await fire(hookRun(store.tenant.id), "after_user_create", {
      user: { id: "u_1", email, name: "<img src=x onerror=alert(1)>", metadata: {} },
    });
    await succeeded(store.tenant.id, eventId as string);
    const [message] = await store.arrived();
    expect(message).toMatchObject({ server: "tls", secure: true, to: [email] });
    expect(message?.parsed?.subject).toBe(`Welcome to ${store.tenant.name}`);
    expect(message?.parsed?.html).toContain("Welcome, &lt;img src=x onerror=alert(1)&gt;");
    expect(message?.parsed?.html).not.toContain("<img");
    expect(message?.parsed?.text).toContain("Welcome, <img src=x onerror=alert(1)>");
  });

  it("sends the payment receipt with the amount in the payment's currency", async () => {
    const store = await givenMailStore();
    const email = customer();
    const [eventId] = await fire(hookRun(store.tenant.id), "after_payment_success", {
      payment: {
        id: "pay_7",
        order_id: "ord_7",
        amount: 125_000,
        currency: "JPY",
        method: "card",
        metadata: { email },
      },
    });
    await succeeded(store.tenant.id, eventId as string);
    const [message] = await store.arrived();
    expect(message?.parsed?.subject).toBe(`${store.tenant.name} payment receipt: ¥125,000`);
    expect(message?.parsed?.text).toContain("We received your payment of ¥125,000 for order ord_7.");
  });

  it("uses the store's own template, and refuses one naming a placeholder that does not exist", async () => {
    const store = await givenMailStore({ welcome_subject: "Hello {{name}}, from {{store_name}}" });
    const bad = await store.api<{ error: { message: string } }>("PUT", "/api/admin/plugins/email-smtp/config", {
      welcome_subject: "Your password is {{password}}",
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("welcome_subject");
    const email = customer();
    const [eventId] = await fire(hookRun(store.tenant.id), "after_user_create", {
      user: { email, name: "Ada", metadata: {} },
    });
    await succeeded(store.tenant.id, eventId as string);
    const [message] = await store.arrived();
    expect(message?.parsed?.subject).toBe(`Hello Ada, from ${store.tenant.name}`);
  });
});

describe("exactly one e-mail", () => {
  it("sends nothing again for a delivery redelivered by the queue", async () => {
    const store = await givenMailStore();
    const [eventId] = await fire(hookRun(store.tenant.id), "after_order_complete", order(customer()));
    const delivery = await succeeded(store.tenant.id, eventId as string);
    const copy = {
      type: "delivery",
      delivery_id: delivery.id,
      event_id: eventId,
      tenant_id: store.tenant.id,
      plugin_slug: "email-smtp",
      hook: "after_order_complete",
      payload: order(customer()),
    };
    await env.HOOK_EVENTS.sendBatch([{ body: copy }, { body: copy }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await store.received()).toHaveLength(1);
  });

  it("sends a message once however often sendEmail is called with its idempotency key", async () => {
    const store = await givenMailStore();
    const message = { to: [customer()], subject: "Once", text: "Only once.", idempotency_key: "invoice-42" };
    const first = (await store.sendEmail(message)) as { success: boolean; message_id: string };
    const second = (await store.sendEmail(message)) as { success: boolean; message_id: string };
    expect(first).toMatchObject({ success: true });
    expect(second).toEqual(first);
    expect(await store.received()).toHaveLength(1);
    expect((await store.received())[0]?.parsed?.message_id).toBe(first.message_id);
  });

  it("retries while the server refuses, dead-letters the event, and sends exactly one e-mail when it is replayed", async () => {
    const store = await givenMailStore();
    await setDown(SMTP_PEER.control, store.sender, true);
    const [eventId] = await fire(hookRun(store.tenant.id), "after_order_complete", order(customer()));
    const letter = await deadLetterOf(store, eventId as string);
    expect(letter.attempts).toBeGreaterThan(1);
    expect(letter.last_error).toContain("SMTP_UNAVAILABLE");
    expect(letter.last_error).toContain("421");
    expect(await store.received()).toEqual([]);
    await setDown(SMTP_PEER.control, store.sender, false);
    expect((await store.api("POST", `/api/admin/dead-letters/${letter.id}/replay`)).status).toBe(200);
    await succeeded(store.tenant.id, eventId as string);
    await store.arrived();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await store.received()).toHaveLength(1);
  }, 90_000);
});

describe("what the server refuses", () => {
  it("dead-letters refused credentials at the first attempt, with an error naming the settings", async () => {
    const store = await givenMailStore({ ...overStartTls, smtp_password: "not-the-password" });
    const [eventId] = await fire(hookRun(store.tenant.id), "after_user_create", {
      user: { email: customer(), metadata: {} },
    });
    // no retry burnt on a password that will not change by itself
    const letter = await deadLetterOf(store, eventId as string);
    expect(letter.attempts).toBe(1);
    expect(letter.last_error).toContain("SMTP_AUTH_FAILED");
    expect(letter.last_error).toContain("smtp_user and smtp_password");
    expect(letter.last_error).toContain("535");
    expect(await store.received()).toEqual([]);
  });

  it("records a refused recipient as failed and still sends to the others", async () => {
    const store = await givenMailStore();
    const ok = customer();
    const refused = `nobody@${REFUSED_DOMAIN}`;
    const result = await store.sendEmail({
      to: [ok, refused],
      subject: "Partly",
      text: "Some of you.",
      idempotency_key: "partly-1",
    });
    expect(result).toMatchObject({ success: true, accepted: [ok], rejected: [refused] });
    const [message] = await store.arrived();
    expect(message?.to).toEqual([ok]);
    const record = await sentRecord(store);
    expect(record.recipients).toEqual([
      expect.objectContaining({ address: ok, status: "accepted" }),
      expect.objectContaining({ address: refused, status: "refused", reply: expect.stringContaining("550") }),
    ]);
  });

  it("answers a failure, recorded, when every recipient is refused", async () => {
    const store = await givenMailStore();
    const refused = `nobody@${REFUSED_DOMAIN}`;
    const result = await store.sendEmail({ to: [refused], subject: "None", text: "x", idempotency_key: "none-1" });
    expect(result).toMatchObject({ success: false, error: { code: "RECIPIENTS_REFUSED" } });
    expect((await sentRecord(store)).recipients).toMatchObject([{ address: refused, status: "refused" }]);
    expect(await store.received()).toEqual([]);
  });
});

describe("the defects a mail library had, each closed", () => {
  it("never writes Bcc recipients into the message: they get it through the envelope alone", async () => {
    const store = await givenMailStore();
    const [to, cc, bcc] = [customer(), customer(), customer()];
    await store.sendEmail({
      to: [to],
      cc: [cc],
      bcc: [bcc],
      subject: "Secret copy",
      text: "Hello",
      html: "<p>Hello</p>",
    });
    const [message] = await store.arrived();
    expect(message?.to.sort()).toEqual([to, cc, bcc].sort());
    expect(message?.parsed?.header_names).not.toContain("bcc");
    expect(message?.parsed?.bcc).toEqual([]);
    expect(message?.data.toLowerCase()).not.toContain(bcc.toLowerCase());
    expect(message?.parsed?.cc).toEqual([cc]);
  });

  it("keeps CR/LF in a subject from adding a header", async () => {
    const store = await givenMailStore();
    await store.sendEmail({
      to: [customer()],
      subject: "Hello\r\nBcc: spy@evil.test\r\nX-Injected: yes",
      text: "Hello",
    });
    const [message] = await store.arrived();
    expect(message?.parsed?.header_names).not.toContain("x-injected");
    expect(message?.parsed?.bcc).toEqual([]);
    expect(message?.parsed?.subject).toBe("Hello Bcc: spy@evil.test X-Injected: yes");
  });

  it("stuffs dots, so a line with a lone dot does not end the message early", async () => {
    const store = await givenMailStore();
    await store.sendEmail({ to: [customer()], subject: "Dots", text: "first\n.\n..second\nlast" });
    const [message] = await store.arrived();
    expect(message?.parsed?.text?.trim()).toBe("first\n.\n..second\nlast");
  });

  it("never falls back to plaintext: a STARTTLS address whose server offers none sends nothing", async () => {
    const store = await givenMailStore({
      ...overStartTls,
      smtp_server: servers.starttls.replace(String(SMTP_PEER.starttls), String(SMTP_PEER.plain)),
    });
    await expect(store.sendEmail({ to: [customer()], subject: "x", text: "x" })).rejects.toThrow(/STARTTLS_FAILED/);
    expect(await store.received()).toEqual([]);
  });

  it("fails at once, and the platform serves the next call, when the server hangs up mid-conversation", async () => {
    const store = await givenMailStore({ smtp_server: servers.hangUp });
    const started = Date.now();
    await expect(store.sendEmail({ to: [customer()], subject: "x", text: "x" })).rejects.toThrow(
      /SMTP_CONNECTION_CLOSED/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    const next = await store.api("GET", "/api/plugins/email-smtp/sent");
    expect(next.status).toBe(200);
  });
});

describe("verifyConnection", () => {
  it("says the settings work when the server greets and takes the EHLO", async () => {
    const store = await givenMailStore();
    expect(await store.verifyConnection()).toBe(true);
  });

  it("says they do not when the connection cannot be made as the address says (STARTTLS not offered)", async () => {
    const noStartTls = servers.starttls.replace(String(SMTP_PEER.starttls), String(SMTP_PEER.plain));
    expect(await (await givenMailStore({ smtp_server: noStartTls })).verifyConnection()).toBe(false);
  });

  it("says they do not when the server refuses the credentials", async () => {
    const store = await givenMailStore({ ...overStartTls, smtp_password: "not-the-password" });
    expect(await store.verifyConnection()).toBe(false);
  });

  it("is the plugin's health check: a wrong password shows unhealthy, and the fixed one healthy at once", async () => {
    const store = await givenMailStore({ ...overStartTls, smtp_password: "not-the-password" });
    type Health = { status: string; checks: { name: string; ok: boolean; detail: string }[] };
    const health = async () => (await store.api<Health>("GET", "/api/admin/plugins/email-smtp/health")).body;
    const wrong = await health();
    expect(wrong.status).toBe("unhealthy");
    expect(wrong.checks).toContainEqual({
      name: "connection",
      ok: false,
      detail: "verifyConnection: the settings do not reach the provider; the plugin's log says why",
    });
    const fixed = await store.api("PUT", "/api/admin/plugins/email-smtp/config", {
      ...overStartTls,
      sender: store.sender,
    });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    const right = await health();
    expect(right.checks).toContainEqual({
      name: "connection",
      ok: true,
      detail: "verifyConnection: the settings reach the provider",
    });
    expect(right.status).toBe("healthy");
  });
});

describe("settings", () => {
  it.each([
    ["smtp_server", { smtp_server: "smtp.example.com:587" }],
    ["smtp_server", { smtp_server: "starttls://smtp.example.com:25" }],
    ["smtp_server", { smtp_server: "https://smtp.example.com" }],
    ["sender", { sender: "not an address" }],
    ["order_subject", { order_subject: "Order {{order_id}}\nBcc: x@y.test" }],
    ["receipt_html", { receipt_html: "<p>{{amount}} {{secret}}</p>" }],
    ["smtp_user", { smtp_user: "mailer\r\nRCPT TO:<x@y.test>" }],
  ])("refuses a bad %s, naming it", async (field, config) => {
    const store = await givenMailStore();
    const res = await store.api<{ error: { message: string } }>("PUT", "/api/admin/plugins/email-smtp/config", config);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(field);
  });
});
