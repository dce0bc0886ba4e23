/**
 * The Stripe peer against the real `stripe` SDK: PaymentIntents through their whole lifecycle,
 * refunds, amounts per currency, Stripe's errors, authentication, form params, the fetch HTTP client
 * and the standalone CLI.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { StripePeerControl } from "./control-client.ts";
import { cardPayment, givenPeer, givenStripe, stripeError } from "./testing.ts";

const other = "sk_test_other_account_000000000000";
const the = givenPeer({ apiKey: ["sk_test_peer_main_0000000000000000", other] });

describe("PaymentIntents", () => {
  it("charges a Visa card at once: succeeded, amount received, one captured charge", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ metadata: { tenant: "t1", order: "o-1" } }));
    expect(pi).toMatchObject({
      object: "payment_intent",
      status: "succeeded",
      amount: 2000,
      amount_received: 2000,
      amount_capturable: 0,
      capture_method: "automatic_async",
      currency: "usd",
      metadata: { tenant: "t1", order: "o-1" },
      livemode: false,
    });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    // Stripe turns the test name into a fresh PaymentMethod id
    expect(pi.payment_method).toMatch(/^pm_(?!card_)/);
    const withCharge = await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] });
    const charge = withCharge.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: "charge",
      amount: 2000,
      amount_captured: 2000,
      amount_refunded: 0,
      captured: true,
      paid: true,
      refunded: false,
      status: "succeeded",
      payment_intent: pi.id,
    });
    expect(charge.payment_method_details?.card?.last4).toBe("4242");
  });

  it("creates, then confirms in a second call", async () => {
    const stripe = givenStripe(the.peer);
    const created = await stripe.paymentIntents.create(cardPayment({ confirm: false, payment_method: undefined }));
    expect(created.status).toBe("requires_payment_method");
    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: "pm_card_mastercard" });
    expect(confirmed.status).toBe("succeeded");
    await expect(stripe.paymentIntents.confirm(created.id)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "payment_intent_unexpected_state",
      message:
        "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.",
    });
  });

  it("authorizes with manual capture, captures part of it, and refuses a second capture", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ amount: 5000, capture_method: "manual" }));
    expect(pi).toMatchObject({ status: "requires_capture", amount_capturable: 5000, amount_received: 0 });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ captured: false, amount_captured: 0, status: "succeeded" });

    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 });
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 3000, amount_capturable: 0 });
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      captured: true,
      amount_captured: 3000,
    });
    await expect(stripe.paymentIntents.capture(pi.id)).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
      message: "This PaymentIntent could not be captured because it has already been captured.",
      payment_intent: expect.objectContaining({ id: pi.id, status: "succeeded" }),
    });
  });

  it("refuses to capture more than was authorized", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }));
    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2001 })).rejects.toMatchObject({
      statusCode: 400,
      param: "amount_to_capture",
    });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe("requires_capture");
  });

  it("cancels an authorization, refunding what was held, and refuses to cancel twice", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }));
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: "requested_by_customer" });
    expect(canceled).toMatchObject({
      status: "canceled",
      cancellation_reason: "requested_by_customer",
      amount_capturable: 0,
    });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      amount_refunded: 2000,
      refunded: true,
    });
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
      message: expect.stringContaining("because it has a status of canceled"),
    });
    await expect(stripe.paymentIntents.capture(pi.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
      message: expect.stringContaining("has a status of canceled"),
    });
  });

  it("refuses to cancel a payment that succeeded", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment());
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
      message:
        "You cannot cancel this PaymentIntent because it has a status of succeeded. Only a PaymentIntent with one of " +
        "the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, " +
        "requires_action, processing.",
    });
  });

  it("updates metadata (an empty value removes a key) and refuses a new amount once paid", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ confirm: false, metadata: { a: "1", b: "2" } }));
    const updated = await stripe.paymentIntents.update(pi.id, { metadata: { a: "", c: "3" }, amount: 2500 });
    expect(updated).toMatchObject({ metadata: { b: "2", c: "3" }, amount: 2500 });
    await stripe.paymentIntents.confirm(pi.id);
    await expect(stripe.paymentIntents.update(pi.id, { amount: 100 })).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
      message: expect.stringContaining("amount could not be updated because it has a status of succeeded"),
    });
  });
});

describe("declines and 3-D Secure", () => {
  it("declines pm_card_chargeDeclined with a 402 card_error, and the PaymentIntent waits for another card", async () => {
    const stripe = givenStripe(the.peer);
    const error = await stripe.paymentIntents
      .create(cardPayment({ payment_method: "pm_card_chargeDeclined" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({
      statusCode: 402,
      code: "card_declined",
      decline_code: "generic_decline",
      message: "Your card was declined.",
      doc_url: "https://stripe.com/docs/error-codes/card-declined",
    });
    const pi = (error as Stripe.errors.StripeCardError).payment_intent as Stripe.PaymentIntent;
    const now = await stripe.paymentIntents.retrieve(pi.id);
    expect(now).toMatchObject({
      status: "requires_payment_method",
      payment_method: null,
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: "generic_decline" },
    });
    expect(await stripe.charges.retrieve(now.latest_charge as string)).toMatchObject({
      status: "failed",
      paid: false,
      failure_code: "card_declined",
    });
    // another card then succeeds on the same PaymentIntent
    expect((await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" })).status).toBe("succeeded");
  });

  it.each([
    ["pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"],
    ["pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"],
    ["pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"],
  ])("declines %s with code %s (%s)", async (pm, code, declineCode) => {
    const stripe = givenStripe(the.peer);
    await expect(stripe.paymentIntents.create(cardPayment({ payment_method: pm }))).rejects.toMatchObject({
      type: "StripeCardError",
      code,
      decline_code: declineCode,
    });
  });

  it("asks for 3-D Secure with use_stripe_sdk, and completes when the customer authenticates", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ payment_method: "pm_card_authenticationRequired" }));
    expect(pi.status).toBe("requires_action");
    expect(pi.next_action).toMatchObject({ type: "use_stripe_sdk" });
    expect(pi.client_secret).toBeTruthy();
    await the.control.authenticate(pi.id, "succeed");
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: "succeeded", next_action: null });
  });

  it("redirects to the 3-D Secure page when a return_url is given, and back with the outcome", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(
      cardPayment({
        payment_method: "pm_card_authenticationRequired",
        allowed_payment_method_types: undefined,
        return_url: "https://shop.example/return",
        capture_method: "manual",
      }),
    );
    const redirect = pi.next_action?.redirect_to_url;
    expect(pi.next_action?.type).toBe("redirect_to_url");
    expect(redirect?.return_url).toBe("https://shop.example/return");
    const page = await fetch(redirect?.url as string);
    expect(await page.text()).toContain("Complete authentication");
    const answer = await fetch(redirect?.url as string, {
      method: "POST",
      body: new URLSearchParams({ outcome: "succeed" }),
      redirect: "manual",
    });
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get("location") ?? "");
    expect(back.origin + back.pathname).toBe("https://shop.example/return");
    expect(back.searchParams.get("payment_intent")).toBe(pi.id);
    expect(back.searchParams.get("redirect_status")).toBe("succeeded");
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
      status: "requires_capture",
      amount_capturable: 2000,
    });
  });

  it("returns a failed authentication to requires_payment_method with Stripe's error", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ payment_method: "pm_card_authenticationRequired" }));
    await the.control.authenticate(pi.id, "fail");
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "payment_intent_authentication_failure", type: "invalid_request_error" },
    });
    await expect(the.control.authenticate(pi.id, "succeed")).rejects.toThrow(/WRONG_STATE/);
  });

  it("declines a 3-D Secure card off session instead of asking the absent customer", async () => {
    const stripe = givenStripe(the.peer);
    await expect(
      stripe.paymentIntents.create(
        cardPayment({ payment_method: "pm_card_authenticationRequired", off_session: true }),
      ),
    ).rejects.toMatchObject({ type: "StripeCardError", code: "authentication_required" });
  });

  it("needs a return_url to confirm with automatic payment methods that may redirect", async () => {
    const stripe = givenStripe(the.peer);
    await expect(
      stripe.paymentIntents.create(cardPayment({ allowed_payment_method_types: undefined })),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("you must provide a `return_url`"),
    });
    const never = await stripe.paymentIntents.create(
      cardPayment({
        allowed_payment_method_types: undefined,
        automatic_payment_methods: { enabled: true, allow_redirects: "never" },
      }),
    );
    expect(never.status).toBe("succeeded");
  });
});

describe("refunds", () => {
  it("refunds in parts that add up, then the rest, then refuses: already refunded", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ amount: 1000 }));
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 300, reason: "requested_by_customer" });
    const second = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
    expect(first).toMatchObject({ object: "refund", amount: 300, status: "succeeded", payment_intent: pi.id });
    expect(second.amount).toBe(200);
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      amount_refunded: 500,
      refunded: false,
    });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 600 })).rejects.toMatchObject({
      statusCode: 400,
      param: "amount",
      message: "Refund amount ($6.00) is greater than unrefunded amount on charge ($5.00)",
    });
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(500);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ["refunds"] });
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.amount)).toEqual([300, 200, 500]);
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({
      statusCode: 400,
      code: "charge_already_refunded",
      message: `Charge ${pi.latest_charge} has already been refunded.`,
    });
    expect(await stripe.refunds.retrieve(first.id)).toMatchObject({ id: first.id, amount: 300 });
    // the PaymentIntent itself stays succeeded: a refund is the charge's business
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });

  it("refunds a partial capture only up to what was captured", async () => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ amount: 1000, capture_method: "manual" }));
    await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 700 });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 800 })).rejects.toMatchObject({
      message: "Refund amount ($8.00) is greater than charge amount ($7.00)",
    });
    expect((await stripe.refunds.create({ charge: pi.latest_charge as string })).amount).toBe(700);
  });

  it("refuses to refund what was never captured or never paid", async () => {
    const stripe = givenStripe(the.peer);
    const held = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }));
    await expect(stripe.refunds.create({ payment_intent: held.id })).rejects.toMatchObject({ statusCode: 400 });
    const unpaid = await stripe.paymentIntents.create(cardPayment({ confirm: false }));
    await expect(stripe.refunds.create({ payment_intent: unpaid.id })).rejects.toMatchObject({
      message: expect.stringContaining("does not have a successful charge to refund"),
    });
    await expect(stripe.refunds.create({ payment_intent: "pi_missing" })).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });
});

describe("amounts in minor units", () => {
  it.each([
    ["jpy", 500, "¥500 is amount 500"],
    ["krw", 15000, "₩15,000 is amount 15000"],
    ["usd", 1999, "$19.99 is amount 1999"],
    ["kwd", 1230, "KWD 1.230 is amount 1230"],
    ["bhd", 5000, "BHD 5.000 is amount 5000"],
  ])("charges %s %i exactly (%s)", async (currency, amount) => {
    const stripe = givenStripe(the.peer);
    const pi = await stripe.paymentIntents.create(cardPayment({ amount, currency }));
    expect(pi).toMatchObject({ amount, amount_received: amount, currency });
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      amount,
      amount_captured: amount,
    });
  });

  it.each([
    ["usd", 49, "Amount must be at least $0.50 usd"],
    ["jpy", 49, "Amount must be at least ¥50 jpy"],
    ["gbp", 29, "Amount must be at least £0.30 gbp"],
    ["eur", 0, "Amount must be at least €0.50 eur"],
  ])("refuses %s %i below Stripe's minimum charge: %s", async (currency, amount, message) => {
    const stripe = givenStripe(the.peer);
    await expect(stripe.paymentIntents.create(cardPayment({ amount, currency }))).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_small",
      param: "amount",
      message,
    });
  });

  it("refuses a three-decimal amount whose last digit is not 0, and an amount of more than eight digits", async () => {
    const stripe = givenStripe(the.peer);
    await expect(stripe.paymentIntents.create(cardPayment({ amount: 1235, currency: "kwd" }))).rejects.toMatchObject({
      param: "amount",
      message: expect.stringContaining("must end in 0"),
    });
    await expect(stripe.paymentIntents.create(cardPayment({ amount: 100_000_000 }))).rejects.toMatchObject({
      code: "amount_too_large",
      message: "Amount must be no more than $999,999.99",
    });
  });

  it("takes the currency in upper case and answers it in lower case", async () => {
    const stripe = givenStripe(the.peer);
    expect((await stripe.paymentIntents.create(cardPayment({ currency: "USD" }))).currency).toBe("usd");
  });
});

describe("the wire protocol", () => {
  it("refuses a request without a key, and one with a key it does not know, with Stripe's 401", async () => {
    const missing = await fetch(`${the.peer.url}/v1/payment_intents/pi_x`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("You did not provide an API key") },
    });
    const wrong = givenStripe(the.peer, { key: "sk_test_not_a_key_of_this_peer_1234" });
    await expect(wrong.paymentIntents.create(cardPayment())).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
      message: "Invalid API Key provided: sk_test_***********************1234",
    });
    const basic = await fetch(`${the.peer.url}/v1/payment_intents/pi_x`, {
      headers: { authorization: `Basic ${Buffer.from(`${the.peer.apiKey}:`).toString("base64")}` },
    });
    expect(basic.status).toBe(404);
  });

  it("keeps each account's objects to itself", async () => {
    const mine = givenStripe(the.peer);
    const theirs = givenStripe(the.peer, { key: other });
    const pi = await mine.paymentIntents.create(cardPayment());
    await expect(theirs.paymentIntents.retrieve(pi.id)).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      message: `No such payment_intent: '${pi.id}'`,
      param: "intent",
    });
  });

  it("parses nested and indexed form params as Stripe does", async () => {
    const body = new URLSearchParams([
      ["amount", "1500"],
      ["currency", "eur"],
      ["metadata[tenant]", "t1"],
      ["metadata[order]", "o-7"],
      ["allowed_payment_method_types[0]", "card"],
      ["automatic_payment_methods[enabled]", "false"],
      ["expand[]", "latest_charge"],
    ]);
    const res = await fetch(`${the.peer.url}/v1/payment_intents`, {
      method: "POST",
      headers: { authorization: `Bearer ${the.peer.apiKey}`, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    expect(await res.json()).toMatchObject({
      amount: 1500,
      metadata: { tenant: "t1", order: "o-7" },
      allowed_payment_method_types: ["card"],
      payment_method_types: ["card"],
      status: "requires_payment_method",
    });
    const [logged] = await the.control.requests({ method: "POST", path: "/v1/payment_intents" });
    expect(logged?.params).toMatchObject({ metadata: { tenant: "t1", order: "o-7" }, expand: ["latest_charge"] });
  });

  it.each([
    [{ amount: "12.5", currency: "usd" }, "amount", "parameter_invalid_integer", "Invalid integer: 12.5"],
    [{ currency: "usd" }, "amount", "parameter_missing", "Missing required param: amount."],
    [
      { amount: "100", currency: "usd", colour: "red" },
      "colour",
      "parameter_unknown",
      "Received unknown parameter: colour",
    ],
    [
      {
        amount: "100",
        currency: "usd",
        "automatic_payment_methods[shiny]": "x",
        "automatic_payment_methods[enabled]": "true",
      },
      "automatic_payment_methods[shiny]",
      "parameter_unknown",
      "Received unknown parameter: automatic_payment_methods[shiny]",
    ],
    [
      { amount: "100", currency: "usd", capture_method: "later" },
      "capture_method",
      undefined,
      "Invalid capture_method: must be one of automatic, automatic_async, or manual",
    ],
    [{ amount: "100", currency: "usd", confirm: "yes" }, "confirm", undefined, "Invalid boolean: yes"],
    [
      { amount: "100", currency: "usd", description: "" },
      "description",
      "parameter_invalid_empty",
      expect.stringContaining("You passed an empty string for 'description'"),
    ],
  ])("refuses %j naming %s", async (params, param, code, message) => {
    const res = await fetch(`${the.peer.url}/v1/payment_intents`, {
      method: "POST",
      headers: { authorization: `Bearer ${the.peer.apiKey}` },
      body: new URLSearchParams(params as Record<string, string>),
    });
    expect(res.status).toBe(400);
    const error = await stripeError(res);
    expect(error).toMatchObject({ type: "invalid_request_error", param, message });
    expect(error.code).toBe(code);
  });

  it("takes payment_method_types only from API versions before endive, which renamed it", async () => {
    const create = (version: string) =>
      fetch(`${the.peer.url}/v1/payment_intents`, {
        method: "POST",
        headers: { authorization: `Bearer ${the.peer.apiKey}`, "stripe-version": version },
        body: new URLSearchParams({ amount: "1000", currency: "usd", "payment_method_types[0]": "card" }),
      });
    const basil = await create("2025-08-27.basil");
    expect(basil.status).toBe(200);
    expect(await basil.json()).toMatchObject({ payment_method_types: ["card"], automatic_payment_methods: null });
    const endive = await create(Stripe.API_VERSION);
    expect(endive.status).toBe(400);
    expect(await stripeError(endive)).toMatchObject({ code: "parameter_unknown", param: "payment_method_types" });
  });

  it("answers an unknown URL with Stripe's 404", async () => {
    const res = await fetch(`${the.peer.url}/v1/customers`, {
      headers: { authorization: `Bearer ${the.peer.apiKey}` },
    });
    expect(res.status).toBe(404);
    expect((await stripeError(res)).message).toContain("Unrecognized request URL (GET: /v1/customers)");
  });

  it("records the Stripe-Version each request carried, and refuses one that is not a version", async () => {
    const stripe = givenStripe(the.peer, { apiVersion: "2024-06-20" as Stripe.LatestApiVersion });
    const pi = await stripe.paymentIntents.create(cardPayment());
    expect(pi.lastResponse.headers["stripe-version"]).toBe("2024-06-20");
    const [logged] = await the.control.requests({ path: "/v1/payment_intents" });
    expect(logged?.stripe_version).toBe("2024-06-20");
    const res = await fetch(`${the.peer.url}/v1/payment_intents/${pi.id}`, {
      headers: { authorization: `Bearer ${the.peer.apiKey}`, "stripe-version": "latest-please" },
    });
    expect(res.status).toBe(400);
  });

  it("talks to the SDK's fetch HTTP client, as the plugin does inside workerd", async () => {
    const stripe = givenStripe(the.peer, { httpClient: Stripe.createFetchHttpClient() });
    const pi = await stripe.paymentIntents.create(cardPayment({ capture_method: "manual" }), {
      idempotencyKey: "fetch-client-1",
    });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1500 });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    expect([pi.status, captured.status, refund.amount]).toEqual(["requires_capture", "succeeded", 500]);
    await expect(
      stripe.paymentIntents.create(cardPayment({ payment_method: "pm_card_chargeDeclined" })),
    ).rejects.toMatchObject({ type: "StripeCardError", decline_code: "generic_decline" });
    expect((await the.control.requests({ idempotency_key: "fetch-client-1" })).length).toBe(1);
  });
});

describe("the standalone server", () => {
  it("runs from the command line, answers the API, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "main.ts"), "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) ok(m[1]);
        });
        child.once("exit", () => fail(new Error(`exited before listening: ${out}`)));
      });
      const stripe = new Stripe("sk_test_peer_0000000000000000", {
        host: new URL(url).hostname,
        port: Number(new URL(url).port),
        protocol: "http",
      });
      expect((await stripe.paymentIntents.create(cardPayment())).status).toBe("succeeded");
      expect(await new StripePeerControl(url).webhooks()).toMatchObject({ mode: "automatic", url: null });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
