/**
 * The payment plugin `admin-cli scaffold payment` writes: a gateway whose charges live in its own
 * database (so it works, and its tests run, before any provider is wired in), a before hook
 * enforcing a minimum amount, and an endpoint listing charges.
 */
import { manifestHead, manifestStart, type PluginNames, str } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

export function paymentTemplate(p: PluginNames): CategoryTemplate {
  const manifest = `/** ${p.name}: a payment gateway. Charges are kept in the plugin's own database until it calls a provider. */
import { createPaymentPlugin } from "@digital-commerce/plugin-sdk";

${manifestStart("createPaymentPlugin", p)}
${manifestHead(p, `${p.name} payment gateway`)}
  .hook("before_payment_process", "src/hooks/beforePaymentProcess.ts")
  .apiEndpoint("GET", "/charges", "src/api/charges.ts")
  .setting("minimum_amount", {
    type: "integer",
    label: "Minimum amount",
    description:
      "Payments below this amount (in the currency's minor units: 50 is 0.50 USD) are refused before they are processed.",
    default: 50,
    min: 0,
  })
  .setting("capture", {
    type: "string",
    label: "Capture",
    description: "automatic: charges are captured at once; manual: authorized now, captured later",
    enum: ["automatic", "manual"],
    default: "automatic",
  })
  .permission({ capabilities: ["db", "logger"] })
  .migration(
    "0001_charges",
    // amounts are integers in the currency's minor units, as the platform passes them
    \`CREATE TABLE charges (
       transaction_id  TEXT PRIMARY KEY,
       idempotency_key TEXT NOT NULL UNIQUE,
       payment_id      TEXT NOT NULL,
       amount          INTEGER NOT NULL,
       currency        TEXT NOT NULL,
       status          TEXT NOT NULL,
       captured        INTEGER NOT NULL DEFAULT 0,
       refunded        INTEGER NOT NULL DEFAULT 0,
       created_at      TEXT NOT NULL
     )\`,
  )
  .migration("0002_refunds", "CREATE TABLE refunds (idempotency_key TEXT PRIMARY KEY, transaction_id TEXT NOT NULL)")
  .build();
`;

  const hook = `/** before_payment_process: refuses payments below the configured minimum and tags the others with this plugin. */
import type { HookHandler, PaymentHookData } from "@digital-commerce/plugin-sdk";

// a before hook runs while the request waits: what it returns goes on, what it throws vetoes the payment
const beforePaymentProcess: HookHandler<PaymentHookData> = async (context, data) => {
  const minimum = Number(context.plugin.config.minimum_amount ?? 0);
  if (data.payment.amount < minimum) {
    context.logger.info("payment refused", { amount: data.payment.amount, minimum });
    throw new Error(\`Minimum payment is \${minimum} \${data.payment.currency} minor units\`);
  }
  return { ...data.payment, metadata: { ...data.payment.metadata, checked_by: context.plugin.slug } };
};

export default beforePaymentProcess;
`;

  const endpoint = `/** GET /api/plugins/${p.slug}/charges?limit=20: the store's newest charges first. */
import type { PluginContext } from "@digital-commerce/plugin-sdk";

export default async function charges(context: PluginContext, request: Request) {
  const limit = Math.min(Math.max(Number(new URL(request.url).searchParams.get("limit")) || 20, 1), 100);
  const rows = await context.db.query(
    "SELECT transaction_id, amount, currency, status, refunded, created_at FROM charges ORDER BY created_at DESC LIMIT ?",
    [limit],
  );
  return { charges: rows };
}
`;

  const plugin = `/**
 * ${p.name}'s payment methods. A charge is stored under the payment's idempotency key and a refund
 * under the call's, so a retried call returns what the first one did instead of charging or
 * refunding twice. Amounts are integers in the currency's minor units. Every answer reports the
 * charge's whole state (amounts so far). To reach a provider, replace the database writes with its
 * API calls (declare its host in the manifest's permissions) and pass the same keys as its
 * Idempotency-Key.
 */
import type {
  PaymentResult,
  PaymentUpdate,
  PluginContext,
  PluginImplementation,
  Row,
} from "@digital-commerce/plugin-sdk";

const chargeOf = (context: PluginContext, transactionId: string) =>
  context.db.one("SELECT * FROM charges WHERE transaction_id = ?", [transactionId]);

const failure = (code: string, message: string) => ({ success: false as const, error: { code, message } });

/** The charge's state as the platform reads it: the provider's truth, amounts so far. */
const stateOf = (row: Row): PaymentUpdate => ({
  payment_id: String(row.payment_id),
  transaction_id: String(row.transaction_id),
  status: String(row.status) as PaymentUpdate["status"],
  amount: Number(row.amount),
  captured_amount: Number(row.captured),
  refunded_amount: Number(row.refunded),
});

const resultOf = (row: Row): PaymentResult => {
  const { payment_id: _, error: __, ...state } = stateOf(row);
  return state.status === "failed"
    ? failure("DECLINED", "The payment was declined.")
    : { success: true, ...state, status: state.status };
};

/** Reads the charge again after a change: the answer is its state now. */
async function answer(context: PluginContext, transactionId: string): Promise<PaymentResult> {
  const row = await chargeOf(context, transactionId);
  return row ? resultOf(row) : failure("TRANSACTION_NOT_FOUND", \`No charge \${transactionId} in this store.\`);
}

const plugin: PluginImplementation<"payment"> = {
  async processPayment(context, payment) {
    const status = context.plugin.config.capture === "manual" ? "authorized" : "captured";
    // a repeated key (a retry) keeps the first charge
    await context.db.query(
      \`INSERT INTO charges (transaction_id, idempotency_key, payment_id, amount, currency, status, captured, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING\`,
      [
        \`ch_\${crypto.randomUUID()}\`,
        payment.idempotency_key,
        payment.payment_id,
        payment.amount,
        payment.currency,
        status,
        status === "captured" ? payment.amount : 0,
        new Date().toISOString(),
      ],
    );
    const row = await context.db.one("SELECT * FROM charges WHERE idempotency_key = ?", [payment.idempotency_key]);
    if (!row) throw new Error(\`the charge for \${payment.idempotency_key} was not stored\`);
    context.logger.info("payment processed", { transaction_id: row.transaction_id, status: row.status });
    return resultOf(row);
  },

  async capturePayment(context, transactionId, amount) {
    const row = await chargeOf(context, transactionId);
    if (!row) return failure("TRANSACTION_NOT_FOUND", \`No charge \${transactionId} in this store.\`);
    if (row.status === "authorized") {
      // a partial capture releases the rest
      const captured = Math.min(amount ?? Number(row.amount), Number(row.amount));
      await context.db.query("UPDATE charges SET status = 'captured', captured = ? WHERE transaction_id = ?", [
        captured,
        transactionId,
      ]);
    } else if (row.status !== "captured" && row.status !== "refunded") {
      return failure(
        "NOT_CAPTURABLE",
        \`Charge \${transactionId} is \${String(row.status)}; only an authorized one can be captured.\`,
      );
    }
    return await answer(context, transactionId);
  },

  async cancelPayment(context, transactionId) {
    const row = await chargeOf(context, transactionId);
    if (!row) return failure("TRANSACTION_NOT_FOUND", \`No charge \${transactionId} in this store.\`);
    if (row.status === "authorized") {
      await context.db.query("UPDATE charges SET status = 'canceled' WHERE transaction_id = ?", [transactionId]);
    } else if (row.status !== "canceled") {
      return failure("NOT_CANCELABLE", \`Charge \${transactionId} is \${String(row.status)}; refund it instead.\`);
    }
    return await answer(context, transactionId);
  },

  async refundPayment(context, transactionId, amount) {
    // the platform's key for this refund: the same on every retry of it
    const key = context.idempotency_key ?? crypto.randomUUID();
    const row = await chargeOf(context, transactionId);
    if (!row) return failure("TRANSACTION_NOT_FOUND", \`No charge \${transactionId} in this store.\`);
    const done = await context.db.one("SELECT 1 FROM refunds WHERE idempotency_key = ?", [key]);
    if (done) return resultOf(row);
    const remaining = Number(row.captured) - Number(row.refunded);
    const wanted = amount ?? remaining;
    if (row.status !== "captured" || wanted <= 0 || wanted > remaining) {
      return failure("NOT_REFUNDABLE", \`Charge \${transactionId} has \${remaining} left to refund; \${wanted} was asked.\`);
    }
    const refunded = Number(row.refunded) + wanted;
    await context.db.transaction(async (tx) => {
      tx.query("INSERT INTO refunds (idempotency_key, transaction_id) VALUES (?, ?)", [key, transactionId]);
      tx.query("UPDATE charges SET refunded = ?, status = ? WHERE transaction_id = ?", [
        refunded,
        refunded === Number(row.captured) ? "refunded" : "captured",
        transactionId,
      ]);
    });
    return await answer(context, transactionId);
  },

  async retrievePayment(context, transactionId) {
    const row = await chargeOf(context, transactionId);
    if (!row) throw new Error(\`No charge \${transactionId} in this store.\`);
    return stateOf(row);
  },

  // the provider's event names a charge: answer with the charge as it is now (events come late and out of order)
  async handleWebhook(context, event, data) {
    context.logger.info("provider webhook", { event });
    const transactionId = (data as { transaction_id?: unknown } | null)?.transaction_id;
    const row = typeof transactionId === "string" ? await chargeOf(context, transactionId) : null;
    return row ? stateOf(row) : null;
  },
};

export default plugin;
`;

  const test = `/** ${p.name}, run by Node's test runner (\`node --test\`) against the SDK's in-memory plugin context. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext } from "@digital-commerce/plugin-sdk/testing";
import { manifest } from "./manifest.ts";
import plugin from "./plugin.ts";
import charges from "./src/api/charges.ts";
import beforePaymentProcess from "./src/hooks/beforePaymentProcess.ts";

// amounts are integers in the currency's minor units: 2500 is 25.00 USD
const payment = { amount: 2500, currency: "USD", metadata: {} };
const paymentData = { ...payment, payment_id: "pay_1", tenant_id: "store-1", idempotency_key: "order-1:payment" };

describe(${str(p.slug)}, () => {
  it("refuses a payment below the configured minimum", async () => {
    const t = createTestContext({ manifest, config: { minimum_amount: 100 } });
    await assert.rejects(async () => beforePaymentProcess(t.context, { payment: { ...payment, amount: 50 } }), {
      message: "Minimum payment is 100 USD minor units",
    });
    assert.equal(t.logs[0]?.message, "payment refused");
  });

  it("lets other payments through, tagged with the plugin", async () => {
    const { context } = createTestContext({ manifest });
    const result = await beforePaymentProcess(context, { payment });
    assert.deepEqual(result, {
      ...payment,
      metadata: { checked_by: ${str(p.slug)} },
    });
  });

  it("charges once however often the same payment is retried, and lists the charge", async () => {
    const { context } = createTestContext({ manifest });
    const first = await plugin.processPayment(context, paymentData);
    const retried = await plugin.processPayment(context, paymentData);
    assert.equal(first.success, true);
    assert.deepEqual(retried, first);
    const listed = await charges(context, new Request("https://store.example/charges"));
    assert.equal(listed.charges.length, 1);
  });

  it("authorizes only when capture is manual, and captures later", async () => {
    const { context } = createTestContext({ manifest, config: { capture: "manual" } });
    const charge = await plugin.processPayment(context, paymentData);
    if (!charge.success) assert.fail(charge.error.message);
    assert.equal(charge.status, "authorized");
    assert.deepEqual(await plugin.capturePayment(context, charge.transaction_id, 2000), {
      success: true,
      transaction_id: charge.transaction_id,
      status: "captured",
      amount: 2500,
      captured_amount: 2000,
      refunded_amount: 0,
    });
    // a webhook about the charge answers with its state now
    assert.equal(
      (await plugin.handleWebhook(context, "charge.captured", { transaction_id: charge.transaction_id }))
        ?.captured_amount,
      2000,
    );
  });

  it("refunds part of a charge once per refund, and never more than is left", async () => {
    const { context } = createTestContext({ manifest, idempotency_key: "refund-1" });
    const charge = await plugin.processPayment(context, paymentData);
    if (!charge.success) assert.fail(charge.error.message);
    await plugin.refundPayment(context, charge.transaction_id, 1000);
    const retried = await plugin.refundPayment(context, charge.transaction_id, 1000);
    assert.equal(retried.success && retried.refunded_amount, 1000);
    // the next refund comes with a key of its own
    context.idempotency_key = "refund-2";
    const tooMuch = await plugin.refundPayment(context, charge.transaction_id, 2000);
    assert.equal((tooMuch as { error?: { code: string } }).error?.code, "NOT_REFUNDABLE");
  });
});
`;

  return {
    files: {
      "manifest.ts": manifest,
      "plugin.ts": plugin,
      "src/hooks/beforePaymentProcess.ts": hook,
      "src/api/charges.ts": endpoint,
      "plugin.test.ts": test,
    },
    readme: {
      summary: `A payment gateway: \`processPayment\`, \`capturePayment\` (in full or in part), \`cancelPayment\`, \`refundPayment\`, \`retrievePayment\` and \`handleWebhook\` (\`plugin.ts\`), with charges kept in the plugin's own database so it works before any provider is wired in. Amounts are integers in the currency's minor units (2500 is 25.00 USD). Every call is idempotent: a charge is stored under the payment's idempotency key, a refund under the call's.`,
      hooks: [
        "`before_payment_process` (`src/hooks/beforePaymentProcess.ts`): refuses payments below `minimum_amount` (a veto the caller sees as 422 HOOK_VETOED), tags the others.",
      ],
      endpoints: [`\`GET /api/plugins/${p.slug}/charges?limit=20\` (\`src/api/charges.ts\`): the newest charges.`],
      settings: [
        "`minimum_amount` (integer, minor units, default 50)",
        "`capture` (`automatic` or `manual`, default `automatic`)",
      ],
      next: 'Replace the database writes in `plugin.ts` with your provider\'s API: declare its host with `.permission({ network: ["api.provider.com"], capabilities: ["http"] })`, add its key as a sensitive setting, and pass `payment.idempotency_key` (and `context.idempotency_key` for refunds) as its Idempotency-Key.',
    },
  };
}
