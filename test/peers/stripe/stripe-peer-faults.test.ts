/**
 * Stripe misbehaving, on demand: down (5xx or a closed connection) for some requests or until it is
 * back, an answer lost after the work was done, rate limits and slowness; and what the real SDK's
 * retries make of each, with the same Idempotency-Key on every attempt.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { cardPayment, givenPeer, givenStripe } from "./testing.ts";

const the = givenPeer();

/** Retries close together, so the tests do not wait for the SDK's production back-off. */
const retrying = { maxNetworkRetries: 2 } as const;

describe("faults", () => {
  it("answers 503 for the next two requests; the SDK's retries get through with one key and one charge", async () => {
    const stripe = givenStripe(the.peer, retrying);
    await the.control.fault({ kind: "unavailable", status: 503, requests: 2 });
    const pi = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "retry-me" });
    expect(pi.status).toBe("succeeded");
    const attempts = await the.control.requests({ path: "/v1/payment_intents" });
    expect(attempts.map((r) => [r.status, r.fault, r.idempotency_key])).toEqual([
      [503, "unavailable", "retry-me"],
      [503, "unavailable", "retry-me"],
      [200, null, "retry-me"],
    ]);
    expect((await the.control.objects()).charges).toHaveLength(1);
  });

  it("stays down until the faults are cleared, with Stripe's api_error", async () => {
    const stripe = givenStripe(the.peer);
    await the.control.fault({ kind: "unavailable", status: 500 });
    for (let i = 0; i < 3; i++) {
      const error = await stripe.paymentIntents.create(cardPayment()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error).toMatchObject({ statusCode: 500, rawType: "api_error" });
    }
    await the.control.clearFaults();
    expect((await stripe.paymentIntents.create(cardPayment())).status).toBe("succeeded");
    expect((await the.control.objects()).payment_intents).toHaveLength(1);
  });

  it("closes the connection before anything runs: a connection error, and nothing made", async () => {
    const stripe = givenStripe(the.peer);
    await the.control.fault({ kind: "drop_connection", requests: 2 });
    // the SDK retries a closed connection once by itself, even with retries off
    await expect(stripe.paymentIntents.create(cardPayment())).rejects.toBeInstanceOf(
      Stripe.errors.StripeConnectionError,
    );
    expect((await the.control.objects()).payment_intents).toHaveLength(0);
    expect((await the.control.requests()).map((r) => r.fault)).toEqual(["drop_connection", "drop_connection"]);
  });

  it("loses the answer after charging: the retry with the same key learns the outcome, and nothing is charged twice", async () => {
    const stripe = givenStripe(the.peer);
    await the.control.fault({ kind: "drop_response", requests: 1 });
    const pi = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "lost-answer" });
    expect(pi.status).toBe("succeeded");
    expect(pi.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const attempts = await the.control.requests({ idempotency_key: "lost-answer" });
    expect(attempts.map((r) => [r.fault, r.replayed])).toEqual([
      ["drop_response", false],
      [null, true],
    ]);
    expect((await the.control.objects()).charges).toHaveLength(1);
  });

  it("rate-limits the next requests with Stripe's 429 rate_limit", async () => {
    const stripe = givenStripe(the.peer);
    await the.control.fault({ kind: "rate_limit", requests: 1 });
    const error = await stripe.paymentIntents.create(cardPayment()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: "rate_limit" });
    expect((await stripe.paymentIntents.create(cardPayment())).status).toBe("succeeded");
  });

  it("answers slowly: past the client's timeout it is a connection error, and the work is still done once", async () => {
    const stripe = givenStripe(the.peer, { timeout: 200 });
    await the.control.fault({ kind: "delay", ms: 500, requests: 1 });
    await expect(stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "slow-one" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeConnectionError,
    );
    await new Promise((r) => setTimeout(r, 400));
    const retried = await stripe.paymentIntents.create(cardPayment(), { idempotencyKey: "slow-one" });
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await the.control.objects()).payment_intents).toHaveLength(1);
  });

  it("refuses a fault it does not know, naming the field", async () => {
    const res = await fetch(`${the.peer.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "unavailable", status: 200 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "INVALID_CONTROL_REQUEST", message: expect.stringMatching(/^status:/) },
    });
  });
});
