/**
 * The peer's webhooks, checked the way a plugin checks them: each delivery verified with the SDK's
 * `constructEventAsync` on the raw body. Automatic delivery in order, delivery before the API answer,
 * held events released out of order and twice, and the spoiled deliveries a receiver must refuse.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  cardPayment,
  type Delivery,
  givenPeer,
  givenStripe,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./testing.ts";

const secret = "whsec_peer_webhook_tests_0123456789";
const the = givenPeer({ webhookSecret: secret });
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(async () => {
  receiver.clear();
  await the.control.configureWebhooks({ url: receiver.url });
});

const verifier = new Stripe("sk_test_unused");

/** What a plugin's webhook route does: verify the signature on the raw body, then trust the event. */
function verified(delivery: Delivery, options: { secret?: string; tolerance?: number } = {}) {
  return verifier.webhooks.constructEventAsync(
    delivery.body,
    delivery.headers["stripe-signature"] ?? "",
    options.secret ?? secret,
    options.tolerance,
    Stripe.createSubtleCryptoProvider(),
  );
}

describe("webhook deliveries", () => {
  it("sends each state change as a signed Stripe event, in order, right after the API answer", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ metadata: { tenant: "t1" } }), {
      idempotencyKey: "pay-1",
    });
    const deliveries = await receiver.waitFor(3);
    const events = await Promise.all(deliveries.map((d) => verified(d)));
    expect(events.map((e) => e.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
    const succeeded = events[2] as Stripe.PaymentIntentSucceededEvent;
    expect(succeeded).toMatchObject({
      object: "event",
      api_version: Stripe.API_VERSION,
      livemode: false,
      request: { id: pi.lastResponse.requestId, idempotency_key: "pay-1" },
      data: { object: { id: pi.id, object: "payment_intent", status: "succeeded", metadata: { tenant: "t1" } } },
    });
    expect(succeeded.id).toMatch(/^evt_/);
    expect(succeeded.created).toEqual(expect.any(Number));
    expect(deliveries[0]?.headers["user-agent"]).toContain("Stripe/1.0");
    expect(deliveries[0]?.headers["content-type"]).toBe("application/json; charset=utf-8");
    // the events are in the API too
    expect(await stripe.events.retrieve(succeeded.id)).toMatchObject({ id: succeeded.id, type: succeeded.type });
  });

  it("sends the manual-capture, capture, cancel and refund events a gateway listens to", async () => {
    const stripe = givenStripe(the.peer);
    const held = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }));
    await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1000 });
    await stripe.refunds.create({ payment_intent: held.id, amount: 400 });
    const dropped = await stripe.paymentIntents.create(cardPayment({ confirm: false }));
    await stripe.paymentIntents.cancel(dropped.id);
    await expect(
      stripe.paymentIntents.create(cardPayment({ payment_method: "pm_card_chargeDeclined" })),
    ).rejects.toThrow();
    await stripe.paymentIntents.create(cardPayment({ payment_method: "pm_card_authenticationRequired" }));
    await the.control.flush();
    const types = (await Promise.all(receiver.deliveries.map((d) => verified(d)))).map((e) => e.type);
    expect(types).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
      "refund.created",
      "charge.refunded",
      "payment_intent.created",
      "payment_intent.canceled",
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
      "payment_intent.created",
      "payment_intent.requires_action",
    ]);
    const refunded = (await verified(receiver.deliveries[6] as Delivery)) as Stripe.ChargeRefundedEvent;
    expect(refunded.data.object).toMatchObject({ amount_refunded: 400, refunded: false, payment_intent: held.id });
    expect(refunded.data.previous_attributes).toMatchObject({ amount_refunded: 0 });
  });

  it("can deliver before the API answers, so the webhook wins the race", async () => {
    await the.control.configureWebhooks({ mode: "before_response" });
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment());
    const answeredAt = Date.now();
    // every delivery has been answered by the receiver before the SDK call returned
    expect(receiver.deliveries).toHaveLength(3);
    expect(Math.max(...receiver.deliveries.map((d) => d.receivedAt))).toBeLessThanOrEqual(answeredAt);
    expect((await verified(receiver.deliveries[2] as Delivery)).data.object).toMatchObject({ id: pi.id });
  });

  it("holds events until released, then sends them in the order asked, duplicates included", async () => {
    await the.control.configureWebhooks({ mode: "hold" });
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }));
    await stripe.paymentIntents.capture(pi.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.deliveries).toHaveLength(0);
    const { held } = await the.control.webhooks();
    expect(held.map((e) => e.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
    ]);
    const byType = Object.fromEntries(held.map((e) => [e.type, e.id]));
    const succeeded = byType["payment_intent.succeeded"] as string;
    const capturable = byType["payment_intent.amount_capturable_updated"] as string;
    // the later event first, then the earlier one, then the later one again
    const deliveries = await the.control.release({ event_ids: [succeeded, capturable, succeeded] });
    expect(deliveries.map((d) => [d.event_id, d.status])).toEqual([
      [succeeded, 200],
      [capturable, 200],
      [succeeded, 200],
    ]);
    const events = await Promise.all(receiver.deliveries.map((d) => verified(d)));
    expect(events.map((e) => e.id)).toEqual([succeeded, capturable, succeeded]);
    // each event keeps the object as it was when it happened
    expect((events[1] as Stripe.PaymentIntentAmountCapturableUpdatedEvent).data.object.status).toBe("requires_capture");
    expect((await the.control.webhooks()).held.map((e) => e.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "charge.captured",
    ]);
    receiver.clear();
    await the.control.release({ order: "newest_first" });
    expect((await Promise.all(receiver.deliveries.map((d) => verified(d)))).map((e) => e.type)).toEqual([
      "charge.captured",
      "charge.succeeded",
      "payment_intent.created",
    ]);
    expect((await the.control.webhooks()).held).toEqual([]);
  });

  it("sends a tampered body that the signature check refuses", async () => {
    await the.control.configureWebhooks({ mode: "hold" });
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment());
    const succeeded = (await the.control.webhooks()).held.find((e) => e.type === "payment_intent.succeeded");
    await the.control.release({ event_ids: [succeeded?.id as string], tamper: true, keep: true });
    const [tampered] = await receiver.waitFor(1);
    expect(JSON.parse(tampered?.body ?? "{}").data.object.amount).toBe(200_000);
    await expect(verified(tampered as Delivery)).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError);
    await expect(verified(tampered as Delivery)).rejects.toThrow(/No signatures found matching the expected signature/);
    // the same event, untouched, verifies
    await the.control.release({ event_ids: [succeeded?.id as string] });
    const [, genuine] = await receiver.waitFor(2);
    expect((await verified(genuine as Delivery)).id).toBe(succeeded?.id);
  });

  it("sends a stale timestamp that the tolerance refuses, and a signature by another secret", async () => {
    await the.control.configureWebhooks({ mode: "hold" });
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment({ confirm: false }));
    const [created] = (await the.control.webhooks()).held;
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    await the.control.release({ event_ids: [created?.id as string], timestamp: tenMinutesAgo, keep: true });
    await the.control.release({ event_ids: [created?.id as string], secret: "whsec_someone_else" });
    const [stale, forged] = await receiver.waitFor(2);
    expect(stale?.headers["stripe-signature"]).toContain(`t=${tenMinutesAgo},`);
    await expect(verified(stale as Delivery)).rejects.toThrow(/Timestamp outside the tolerance zone/);
    await expect(verified(forged as Delivery)).rejects.toThrow(/No signatures found matching/);
    // both are genuine apart from what was spoiled
    expect((await verified(stale as Delivery, { tolerance: 0 })).id).toBe(created?.id);
    expect((await verified(forged as Delivery, { secret: "whsec_someone_else" })).id).toBe(created?.id);
  });

  it("sends only the enabled event types, and records each delivery with the receiver's answer", async () => {
    await the.control.configureWebhooks({ enabled_events: ["payment_intent.succeeded"] });
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment());
    const deliveries = await the.control.flush();
    expect(deliveries).toMatchObject([
      { type: "payment_intent.succeeded", status: 200, url: receiver.url, tampered: false },
    ]);
  });

  it("records a delivery the receiver never answered", async () => {
    await the.control.configureWebhooks({ url: "http://127.0.0.1:9/nobody-listens" });
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment({ confirm: false }));
    const [delivery] = await the.control.flush();
    expect(delivery).toMatchObject({ type: "payment_intent.created", status: null, error: expect.any(String) });
  });

  it("lists events newest first, filtered by type", async () => {
    const stripe = givenStripe(the.peer);
    const a = await stripe.paymentIntents.create(cardPayment());
    const b = await stripe.paymentIntents.create(cardPayment());
    const list = await stripe.events.list({ type: "payment_intent.succeeded", limit: 5 });
    expect(list.data.map((e) => (e.data.object as Stripe.PaymentIntent).id)).toEqual([b.id, a.id]);
  });
});
