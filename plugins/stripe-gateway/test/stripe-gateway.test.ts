/**
 * stripe-gateway against a Stripe that speaks Stripe's wire protocol on loopback (test/peers/stripe),
 * through the official SDK inside the plugin's sandbox: amounts exact in every currency, one charge per
 * payment request, the whole state machine, and Stripe's webhooks in any order, settling each payment
 * once. One file, run in order: the counterpart's webhook settings and faults are shared.
 */
import { parseUiTree, type UiNode } from "@digital-commerce/plugin-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../../test/helpers.ts";
import { STRIPE_PEER } from "../../../test/peers/ports.ts";
import { receiverPath, receiverUrl } from "../../../test/webhooks/receiver.ts";
import { creationsFor, firedFor, forward, getPayment, givenStripeStore, stripe, webhooksAbout } from "./given.ts";

beforeEach(async () => {
  await stripe.clearFaults();
  await stripe.configureWebhooks({ url: STRIPE_PEER.webhookUrl, mode: "automatic" });
});
afterEach(async () => {
  await stripe.clearFaults();
});

describe("charging", () => {
  it.each([
    ["JPY", 500],
    ["USD", 1250],
    ["KWD", 1250],
  ])(
    "charges %s %i exactly: Stripe receives the same integer, the payment is captured for it",
    async (currency, amount) => {
      const store = await givenStripeStore();
      const res = await store.pay({ amount, currency, method: "pm_card_visa" });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ status: "captured", amount, captured_amount: amount, currency });
      const [create] = await stripe
        .requests({ method: "POST", path: "/v1/payment_intents" })
        .then((all) =>
          all.filter((r) => (r.params as { metadata?: { payment_id?: string } }).metadata?.payment_id === res.body.id),
        );
      expect(create?.params).toMatchObject({ amount: String(amount), currency: currency.toLowerCase() });
      expect(await firedFor(store.tenant.id, "after_payment_success", res.body.id)).toBe(1);
    },
  );

  it("refuses a payment under the currency's minimum in its before hook, in the customer's money", async () => {
    const store = await givenStripeStore();
    const res = await store.pay({ amount: 25, currency: "USD", method: "pm_card_visa" });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: "HOOK_VETOED", message: "Minimum payment is $0.50" } });
  });

  it("charges once when the same payment request comes twice", async () => {
    const store = await givenStripeStore();
    const key = crypto.randomUUID();
    const first = await store.pay({ amount: 4200, currency: "USD", method: "pm_card_visa" }, key);
    const again = await store.pay({ amount: 4200, currency: "USD", method: "pm_card_visa" }, key);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await creationsFor(first.body.id)).toHaveLength(1);
  });

  it("retries a lost answer with the same idempotency key, and Stripe charges once", async () => {
    const store = await givenStripeStore();
    await stripe.fault({ kind: "drop_response", requests: 1 });
    const res = await store.pay({ amount: 990, currency: "EUR", method: "pm_card_visa" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tries = await creationsFor(res.body.id);
    expect(tries).toHaveLength(2);
    expect(tries[1]?.idempotency_key).toBe(tries[0]?.idempotency_key);
    expect(tries[1]?.replayed).toBe(true);
    const objects = await stripe.objects();
    expect(
      objects.payment_intents.filter((pi) => (pi.metadata as { payment_id?: string }).payment_id === res.body.id),
    ).toHaveLength(1);
  });
});

describe("when Stripe falters", () => {
  it("retries a rate-limited request with the same idempotency key", async () => {
    const store = await givenStripeStore();
    await stripe.fault({ kind: "rate_limit", requests: 1 });
    const res = await store.pay({ amount: 1_100, currency: "USD", method: "pm_card_visa" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tries = await creationsFor(res.body.id);
    expect(tries.map((t) => t.status)).toEqual([429, 200]);
    expect(new Set(tries.map((t) => t.idempotency_key)).size).toBe(1);
  });

  it("keeps a payment pending when it cannot tell whether Stripe charged, and the webhook settles it", async () => {
    const store = await givenStripeStore();
    // the first try runs at Stripe and its answer is lost; the retries find Stripe down: the plugin cannot
    // know the outcome
    await stripe.fault({ kind: "drop_response", requests: 1 });
    await stripe.fault({ kind: "unavailable", status: 503, requests: 2 });
    const res = await store.pay({ amount: 1_300, currency: "USD", method: "pm_card_visa" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: "pending", transaction_id: null });
    const intent = (await stripe.objects()).payment_intents.find(
      (pi) => (pi.metadata as { payment_id?: string }).payment_id === res.body.id,
    );
    expect(intent).toMatchObject({ status: "succeeded", amount: 1_300 });
    const [succeeded] = await eventually(async () => {
      const w = await webhooksAbout(String(intent?.id), "payment_intent.succeeded");
      return w.length ? w : undefined;
    });
    if (!succeeded) throw new Error("no webhook");
    expect((await forward(store, succeeded)).status).toBe(200);
    const settled = await eventually(async () => {
      const p = await getPayment(store, res.body.id);
      return p.status === "captured" ? p : undefined;
    });
    expect(settled).toMatchObject({ transaction_id: intent?.id, captured_amount: 1_300 });
    expect(await firedFor(store.tenant.id, "after_payment_success", res.body.id)).toBe(1);
  });
});

describe("settings", () => {
  it.each([
    ["a publishable key as the secret key", { secret_key: "pk_test_123" }, "config.secret_key"],
    ["a webhook secret that is not one", { webhook_secret: "secret" }, "config.webhook_secret"],
    ["a capture mode Stripe has not", { capture: "sometimes" }, "config.capture"],
    ["an API address that is not a URL", { api_base: "stripe" }, "config.api_base"],
  ])("refuses %s, naming the field", async (_name, bad, field) => {
    const store = await givenStripeStore();
    const res = await store.api<{ error: { code: string; message: string } }>(
      "PUT",
      "/api/admin/plugins/stripe-gateway/config",
      { secret_key: "********", webhook_secret: "********", ...bad },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_CONFIGURATION");
    expect(res.body.error.message).toContain(field);
  });
});

describe("the payment's life", () => {
  it("authorizes, captures in part, refunds in part twice, and the refunds add up to refunded", async () => {
    const store = await givenStripeStore({ capture: "manual" });
    const paid = await store.pay({ amount: 10_000, currency: "USD", method: "pm_card_visa" });
    expect(paid.status).toBe(201);
    expect(paid.body.status).toBe("authorized");
    const captured = await store.shop<{ status: string; captured_amount: number }>(
      "POST",
      `/api/commerce/payments/${paid.body.id}/capture`,
      { amount: 8_000 },
    );
    expect(captured.body).toMatchObject({ status: "captured", captured_amount: 8_000 });
    const first = await store.shop(
      "POST",
      `/api/commerce/payments/${paid.body.id}/refund`,
      { amount: 3_000 },
      {
        "idempotency-key": "refund-1",
      },
    );
    expect(first.body).toMatchObject({ status: "captured", refunded_amount: 3_000 });
    const second = await store.shop(
      "POST",
      `/api/commerce/payments/${paid.body.id}/refund`,
      { amount: 5_000 },
      {
        "idempotency-key": "refund-2",
      },
    );
    expect(second.body).toMatchObject({ status: "refunded", refunded_amount: 8_000 });
    expect(await firedFor(store.tenant.id, "after_payment_success", paid.body.id)).toBe(1);
  });

  it("counts capturing a captured payment and canceling a canceled one as done", async () => {
    const store = await givenStripeStore({ capture: "manual" });
    const a = await store.pay({ amount: 1_000, currency: "USD", method: "pm_card_visa" });
    await store.shop("POST", `/api/commerce/payments/${a.body.id}/capture`);
    const twice = await store.shop("POST", `/api/commerce/payments/${a.body.id}/capture`);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ status: "captured" });
    const b = await store.pay({ amount: 1_000, currency: "USD", method: "pm_card_visa" });
    const canceled = await store.shop("POST", `/api/commerce/payments/${b.body.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: "canceled" });
    const again = await store.shop("POST", `/api/commerce/payments/${b.body.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "canceled" });
  });

  it("fails a declined card with Stripe's decline code and message, firing after_payment_failure once", async () => {
    const store = await givenStripeStore();
    const res = await store.pay({ amount: 2_000, currency: "USD", method: "pm_card_chargeDeclined" });
    expect(res.status).toBe(402);
    const id = (res.body as unknown as { error: { details: { payment_id: string } } }).error.details.payment_id;
    const payment = await getPayment(store, id);
    expect(payment).toMatchObject({
      status: "failed",
      error: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
    });
    // Stripe's own payment_intent.payment_failed later changes nothing
    const [failedEvent] = await eventually(async () => {
      const w = await webhooksAbout(payment.transaction_id ?? "", "payment_intent.payment_failed");
      return w.length ? w : undefined;
    });
    if (failedEvent) expect((await forward(store, failedEvent)).status).toBe(200);
    await eventually(async () =>
      (await store.api<{ events: unknown[] }>("GET", "/api/admin/events?hook=webhook:/stripe")).body.events.length
        ? true
        : undefined,
    );
    expect(await firedFor(store.tenant.id, "after_payment_failure", id)).toBe(1);
  });

  it("keeps a 3-D Secure payment pending with what the storefront needs, until Stripe's webhook completes it", async () => {
    const store = await givenStripeStore();
    const res = await store.pay({ amount: 3_000, currency: "GBP", method: "pm_card_authenticationRequired" });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("pending");
    expect(res.body.next_action?.client_secret).toMatch(/^pi_.+_secret_/);
    const intent = res.body.transaction_id ?? "";
    await stripe.authenticate(intent, "succeed");
    const [succeeded] = await eventually(async () => {
      const w = await webhooksAbout(intent, "payment_intent.succeeded");
      return w.length ? w : undefined;
    });
    expect(succeeded).toBeDefined();
    if (succeeded) expect((await forward(store, succeeded)).status).toBe(200);
    const settled = await eventually(async () => {
      const p = await getPayment(store, res.body.id);
      return p.status === "captured" ? p : undefined;
    });
    expect(settled.captured_amount).toBe(3_000);
    expect(await firedFor(store.tenant.id, "after_payment_success", res.body.id)).toBe(1);
  });
});

describe("Stripe's webhooks", () => {
  it("settles a payment once when the webhook is handled before the synchronous answer", async () => {
    const store = await givenStripeStore();
    // Stripe posts its webhooks before answering the API call, and the receiver holds that post 3 s:
    // the test hands the webhook to the platform meanwhile, so it is handled before the answer arrives
    const path = receiverPath("slow-once");
    await stripe.configureWebhooks({ url: receiverUrl(path), mode: "before_response" });
    const paying = store.pay({ amount: 1_500, currency: "USD", method: "pm_card_visa" });
    const { requestsTo } = await import("../../../test/webhooks/receiver.ts");
    const early = await eventually(async () => {
      const got = (await requestsTo(path)).filter((r) => r.body.includes('"payment_intent.succeeded"'));
      return got[0];
    });
    const intent = (JSON.parse(early.body) as { data: { object: { id: string; metadata: { payment_id: string } } } })
      .data.object;
    expect((await forward(store, early)).status).toBe(200);
    const byWebhook = await eventually(async () => {
      const p = await getPayment(store, intent.metadata.payment_id);
      return p.status === "captured" ? p : undefined;
    });
    expect(byWebhook.transaction_id).toBe(intent.id);
    const answered = await paying;
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ id: intent.metadata.payment_id, status: "captured", captured_amount: 1_500 });
    expect(await firedFor(store.tenant.id, "after_payment_success", answered.body.id)).toBe(1);
  });

  it("changes nothing when the webhook comes after the answer, or twice", async () => {
    const store = await givenStripeStore();
    const paid = await store.pay({ amount: 2_500, currency: "USD", method: "pm_card_visa" });
    const intent = paid.body.transaction_id ?? "";
    const [succeeded] = await eventually(async () => {
      const w = await webhooksAbout(intent, "payment_intent.succeeded");
      return w.length ? w : undefined;
    });
    if (!succeeded) throw new Error("no payment_intent.succeeded");
    const first = await forward(store, succeeded);
    const second = await forward(store, succeeded);
    expect(first.body).toMatchObject({ received: true, duplicate: false });
    expect(second.body).toMatchObject({ received: true, duplicate: true });
    await eventually(async () => {
      const { body } = await store.api<{ events: { id: string; deliveries?: unknown[] }[] }>(
        "GET",
        `/api/admin/events/${String(first.body.event_id)}`,
      );
      return (body as unknown as { deliveries: { status: string }[] }).deliveries?.[0]?.status === "succeeded"
        ? true
        : undefined;
    });
    expect(await getPayment(store, paid.body.id)).toMatchObject({ status: "captured", captured_amount: 2_500 });
    expect(await firedFor(store.tenant.id, "after_payment_success", paid.body.id)).toBe(1);
  });

  it("ends in the right state when webhooks come out of order", async () => {
    const store = await givenStripeStore({ capture: "manual" });
    const paid = await store.pay({ amount: 6_000, currency: "USD", method: "pm_card_visa" });
    await store.shop("POST", `/api/commerce/payments/${paid.body.id}/capture`);
    await store.shop("POST", `/api/commerce/payments/${paid.body.id}/refund`, { amount: 1_000 });
    const intent = paid.body.transaction_id ?? "";
    const events = await eventually(async () => {
      const w = await webhooksAbout(intent);
      return w.some((r) => r.body.includes('"charge.refunded"')) ? w : undefined;
    });
    // newest first: the refund, the capture, then the authorization it overtook
    for (const webhook of [...events].reverse()) expect((await forward(store, webhook)).status).toBe(200);
    await eventually(async () => {
      const { body } = await store.api<{ events: { hook: string }[] }>(
        "GET",
        "/api/admin/events?hook=webhook:/stripe&limit=50",
      );
      return body.events.length >= events.length ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await getPayment(store, paid.body.id)).toMatchObject({
      status: "captured",
      captured_amount: 6_000,
      refunded_amount: 1_000,
    });
    expect(await firedFor(store.tenant.id, "after_payment_success", paid.body.id)).toBe(1);
  });

  it.each([
    ["a tampered body", { tamper: true }],
    ["a stale signature", { timestamp: Math.floor(Date.now() / 1000) - 3_600 }],
    ["another account's secret", { secret: "whsec_someone_else_0000000000" }],
  ])("refuses %s with 400", async (_name, release) => {
    const store = await givenStripeStore();
    const path = receiverPath("ok");
    await stripe.configureWebhooks({ url: receiverUrl(path), mode: "hold" });
    const paid = await store.pay({ amount: 700, currency: "USD", method: "pm_card_visa" });
    await stripe.release(release);
    const { requestsTo } = await import("../../../test/webhooks/receiver.ts");
    const [bad] = (await requestsTo(path)).filter((r) => r.body.includes(paid.body.transaction_id ?? "?"));
    if (!bad) throw new Error("the peer released nothing");
    const res = await forward(store, bad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: "WEBHOOK_REFUSED" } });
  });

  it("ignores events about intents another system made on the same Stripe account", async () => {
    const store = await givenStripeStore();
    const other = await givenStripeStore();
    const paid = await other.pay({ amount: 800, currency: "USD", method: "pm_card_visa" });
    const [succeeded] = await eventually(async () => {
      const w = await webhooksAbout(paid.body.transaction_id ?? "", "payment_intent.succeeded");
      return w.length ? w : undefined;
    });
    if (!succeeded) throw new Error("no webhook");
    // the first store gets the other's event (one account, two systems): handled, and it settles nothing
    const res = await forward(store, succeeded);
    expect(res.status).toBe(200);
    const delivered = await eventually(async () => {
      const { body } = await store.api<{ deliveries: { status: string }[] }>(
        "GET",
        `/api/admin/events/${String(res.body.event_id)}`,
      );
      return body.deliveries?.[0]?.status === "succeeded" ? body : undefined;
    });
    expect(delivered.deliveries).toHaveLength(1);
  });

  it("retries while Stripe is down, dead-letters the event, and settles the payment when it is replayed", async () => {
    const store = await givenStripeStore();
    const res = await store.pay({ amount: 1_800, currency: "USD", method: "pm_card_authenticationRequired" });
    const intent = res.body.transaction_id ?? "";
    await stripe.authenticate(intent, "succeed");
    const [succeeded] = await eventually(async () => {
      const w = await webhooksAbout(intent, "payment_intent.succeeded");
      return w.length ? w : undefined;
    });
    if (!succeeded) throw new Error("no webhook");
    await stripe.fault({ kind: "unavailable", status: 503 });
    expect((await forward(store, succeeded)).status).toBe(200);
    const letter = await eventually(async () => {
      const { body } = await store.api<{ dead_letters: { id: string; attempts: number; last_error: string }[] }>(
        "GET",
        "/api/admin/dead-letters?plugin=stripe-gateway",
      );
      return body.dead_letters[0];
    }, 60_000);
    expect(letter.attempts).toBeGreaterThan(1);
    expect((await getPayment(store, res.body.id)).status).toBe("pending");
    await stripe.clearFaults();
    expect((await store.api("POST", `/api/admin/dead-letters/${letter.id}/replay`)).status).toBe(200);
    await eventually(async () => ((await getPayment(store, res.body.id)).status === "captured" ? true : undefined));
    expect(await firedFor(store.tenant.id, "after_payment_success", res.body.id)).toBe(1);
  }, 90_000);
});

type UiElement = Exclude<UiNode, string | number>;
/** Every node of `type` in a tree, depth first. */
const nodesOf = (node: UiNode, type: string): UiElement[] =>
  typeof node !== "object"
    ? []
    : [...(node.type === type ? [node] : []), ...node.children.flatMap((c) => nodesOf(c, type))];

describe("the stripe-revenue widget", () => {
  it("draws net, refunded and payments per currency from the plugin's ledger, as GET /revenue counts them", async () => {
    const store = await givenStripeStore();
    const usd = await store.pay({ amount: 4_200, currency: "USD", method: "pm_card_visa" });
    const eur = await store.pay({ amount: 1_000, currency: "EUR", method: "pm_card_visa" });
    expect([usd.body.status, eur.body.status]).toEqual(["captured", "captured"]);
    const refund = await store.shop(
      "POST",
      `/api/commerce/payments/${usd.body.id}/refund`,
      { amount: 1_200 },
      {
        "idempotency-key": crypto.randomUUID(),
      },
    );
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);

    const tree = await eventually(async () => {
      const res = await store.as("viewer")<{ widgets: { id: string; tree?: UiNode; error?: unknown }[] }>(
        "GET",
        "/api/admin/dashboards/analytics",
      );
      expect(res.status).toBe(200);
      const widget = res.body.widgets.find((w) => w.id === "stripe-revenue");
      expect(widget?.error).toBeUndefined();
      const cards = nodesOf(widget?.tree ?? "", "Card");
      const refunded = nodesOf(cards[1] ?? "", "Stat").find((s) => s.props.label === "Refunded");
      return cards.length === 2 && refunded?.props.value === 1_200 ? widget?.tree : undefined;
    });
    expect(parseUiTree(tree, { slug: "stripe-gateway" })).toEqual(tree);
    const figures = (card: UiElement) =>
      Object.fromEntries(nodesOf(card, "Stat").map((s) => [s.props.label, [s.props.value, s.props.format ?? null]]));
    const [eurCard, usdCard] = nodesOf(tree as UiNode, "Card");
    expect(eurCard?.props.title).toBe("EUR, last 30 days");
    expect(figures(eurCard as UiElement)).toEqual({
      Net: [1_000, { style: "money", currency: "EUR" }],
      Refunded: [0, { style: "money", currency: "EUR" }],
      Payments: [1, null],
    });
    expect(figures(usdCard as UiElement)).toEqual({
      Net: [3_000, { style: "money", currency: "USD" }],
      Refunded: [1_200, { style: "money", currency: "USD" }],
      Payments: [1, null],
    });
    // the same figures GET /revenue answers
    const revenue = await store.api<{ revenue: { currency: string; net: number }[] }>(
      "GET",
      "/api/plugins/stripe-gateway/revenue?days=30",
    );
    expect(revenue.body.revenue.map((r) => [r.currency, r.net]).sort()).toEqual([
      ["EUR", 1_000],
      ["USD", 3_000],
    ]);
    expect(nodesOf(usdCard as UiElement, "BarChart")[0]?.props.data).toEqual([
      { day: new Date().toISOString().slice(0, 10), net: 3_000, refunded: 1_200 },
    ]);
  });

  it("shows another period when the operator picks it, and refuses one its form does not offer", async () => {
    const store = await givenStripeStore();
    const period = (values: unknown) =>
      store.api<{ tree: UiNode; error?: { code: string } }>(
        "POST",
        "/api/admin/plugins/stripe-gateway/widgets/stripe-revenue/actions/period",
        { values },
      );
    const seven = await period({ days: "7" });
    expect(seven.status, JSON.stringify(seven.body)).toBe(200);
    expect(nodesOf(seven.body.tree, "Select")[0]?.props.value).toBe("7");
    expect(nodesOf(seven.body.tree, "Link")[0]?.props.href).toBe("/api/plugins/stripe-gateway/revenue?days=7");
    expect(nodesOf(seven.body.tree, "Text")[0]?.children.join("")).toBe(
      "No captured Stripe payments in the last 7 days.",
    );
    const other = await period({ days: "7", admin: true });
    expect(other.status).toBe(422);
    expect(other.body.error?.code).toBe("UNKNOWN_ACTION");
  });
});
