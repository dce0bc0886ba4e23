/**
 * Idempotent requests on the peer, through the real SDK: a replay is the saved answer (a decline too),
 * a reused key with other params or on another endpoint is Stripe's idempotency_error, keys belong to
 * one account, and a request refused before it ran leaves its key free.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { cardPayment, givenPeer, givenStripe } from "./testing.ts";

const second = "sk_test_second_account_0000000000";
const the = givenPeer({ apiKey: ["sk_test_peer_idem_0000000000000000", second] });

describe("Idempotency-Key", () => {
  it("replays the first answer for the same key and params: one PaymentIntent, one charge", async () => {
    const stripe = givenStripe(the.peer);
    const first = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "order-1-pay" });
    const again = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "order-1-pay" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(again.lastResponse.headers["original-request"]).toBe(first.lastResponse.requestId);
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    const objects = await the.control.objects();
    expect(objects.payment_intents).toHaveLength(1);
    expect(objects.charges).toHaveLength(1);
    const requests = await the.control.requests({ idempotency_key: "order-1-pay" });
    expect(requests.map((r) => [r.status, r.replayed])).toEqual([
      [200, false],
      [200, true],
    ]);
  });

  it("compares params, not their order", async () => {
    const post = (body: string) =>
      fetch(`${the.peer.url}/v1/payment_intents`, {
        method: "POST",
        headers: { authorization: `Bearer ${the.peer.apiKey}`, "idempotency-key": "same-in-any-order" },
        body,
      });
    const a = (await (await post("amount=1000&currency=usd&metadata[a]=1&metadata[b]=2")).json()) as { id: string };
    const replay = await post("metadata[b]=2&currency=usd&metadata[a]=1&amount=1000");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(a.id);
  });

  it("refuses the same key with other params with Stripe's idempotency_error", async () => {
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "order-2-pay" });
    const error = await stripe.paymentIntents
      .create(cardPayment({ amount: 2100 }), { idempotencyKey: "order-2-pay" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({
      statusCode: 400,
      message:
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try " +
        "using a key other than 'order-2-pay' if you meant to execute a different request.",
    });
    expect((await the.control.objects()).payment_intents).toHaveLength(1);
  });

  it("refuses the same key on another endpoint", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "reused-everywhere" });
    await expect(
      stripe.refunds.create({ payment_intent: pi.id }, { idempotencyKey: "reused-everywhere" }),
    ).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      message: expect.stringContaining("can only be used for the same endpoint they were first used for"),
    });
  });

  it("replays a decline as the decline, without a second attempt on the card", async () => {
    const stripe = givenStripe(the.peer);
    const declined = cardPayment({ payment_method: "pm_card_chargeDeclined" });
    const first = await stripe.paymentIntents.create(declined, { idempotencyKey: "decline-once" }).catch((e) => e);
    const again = await stripe.paymentIntents.create(declined, { idempotencyKey: "decline-once" }).catch((e) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(again.payment_intent.id).toBe(first.payment_intent.id);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const objects = await the.control.objects();
    expect(objects.charges).toHaveLength(1);
  });

  it("keeps keys apart per account, as Stripe scopes them", async () => {
    const mine = givenStripe(the.peer);
    const theirs = givenStripe(the.peer, { key: second });
    const a = await mine.paymentIntents.create(cardPayment(), { idempotencyKey: "shared-key" });
    const b = await theirs.paymentIntents.create(cardPayment({ amount: 999 }), { idempotencyKey: "shared-key" });
    expect(b.id).not.toBe(a.id);
    expect(b.amount).toBe(999);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("saves nothing for a request refused before it ran, so the key can be used again", async () => {
    const stripe = givenStripe(the.peer);
    await expect(
      stripe.paymentIntents.create(cardPayment({ amount: 10 }), { idempotencyKey: "fix-and-retry" }),
    ).rejects.toMatchObject({ code: "amount_too_small" });
    const fixed = await stripe.paymentIntents.create(cardPayment({ amount: 100 }), { idempotencyKey: "fix-and-retry" });
    expect(fixed.status).toBe("succeeded");
  });

  it("answers 409 while the first request with the key is still running, then replays it", async () => {
    const stripe = givenStripe(the.peer);
    await the.control.fault({ kind: "delay", ms: 400, requests: 1 });
    const slow = stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "twice-at-once" });
    await new Promise((r) => setTimeout(r, 100));
    await expect(
      stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "twice-at-once" }),
    ).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringContaining("There is currently another in-progress request using this Idempotent Key"),
    });
    const first = await slow;
    const after = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "twice-at-once" });
    expect(after.id).toBe(first.id);
  });

  it("ignores the key on a GET, as Stripe does", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ confirm: false }));
    await stripe.paymentIntents.retrieve(pi.id, {}, { idempotencyKey: "get-key" });
    const second = await stripe.paymentIntents.retrieve(pi.id, {}, { idempotencyKey: "get-key" });
    expect(second.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("gives every SDK POST a key of its own even without one from the caller", async () => {
    const stripe = givenStripe(the.peer);
    await stripe.paymentIntents.create(cardPayment());
    const [logged] = await the.control.requests({ method: "POST", path: "/v1/payment_intents" });
    expect(logged?.idempotency_key).toMatch(/^stripe-node-retry-/);
  });
});
