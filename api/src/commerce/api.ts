/** Handlers of /api/commerce: each reads the request, runs its operation for the token's tenant, and answers. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { hookRunOf, validationHook } from "../http/index.ts";
import { completeOrder, createOrder, getOrder } from "./orders.ts";
import { capturePayment, getPayment, type PaymentOutcome, processPayment, refundPayment } from "./payments.ts";
import { createProduct, getProduct, listProducts, updateProduct } from "./products.ts";
import * as routes from "./routes.ts";
import { signIn, signOut } from "./sessions.ts";
import { createUser } from "./users.ts";

export const commerceApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** Any role reads; changes (and sign-ins, which open sessions) need admin or owner. */
commerceApi.on(["POST", "PATCH", "PUT", "DELETE"], "*", requireRole("admin"));

const tenantOf = (c: Context<AppEnv>) => c.get("principal").tenantId;

/** A replayed answer says so, as Stripe's Idempotent-Replayed header does. */
function paymentAnswer(c: Context<AppEnv>, outcome: PaymentOutcome, created: boolean) {
  if (outcome.replayed) c.header("idempotent-replayed", "true");
  return { body: outcome.payment, status: (created && !outcome.replayed ? 201 : 200) as 200 | 201 };
}

commerceApi.openapi(routes.createProduct, async (c) =>
  c.json(await createProduct(hookRunOf(c), c.req.valid("json")), 201),
);

commerceApi.openapi(routes.listProducts, async (c) =>
  c.json(await listProducts(c.env.DB, tenantOf(c), c.req.valid("query")), 200),
);

commerceApi.openapi(routes.getProduct, async (c) =>
  c.json(await getProduct(c.env.DB, tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.updateProduct, async (c) =>
  c.json(await updateProduct(hookRunOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

commerceApi.openapi(routes.createOrder, async (c) => c.json(await createOrder(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.getOrder, async (c) =>
  c.json(await getOrder(c.env.DB, tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.completeOrder, async (c) =>
  c.json(await completeOrder(hookRunOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.processPayment, async (c) => {
  const outcome = await processPayment(hookRunOf(c), c.req.valid("json"), c.req.valid("header")["idempotency-key"]);
  const { body, status } = paymentAnswer(c, outcome, true);
  return c.json(body, status);
});

commerceApi.openapi(routes.getPayment, async (c) =>
  c.json(await getPayment(c.env.DB, tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.capturePayment, async (c) => {
  const outcome = await capturePayment(hookRunOf(c), c.req.valid("param").id);
  return c.json(paymentAnswer(c, outcome, false).body, 200);
});

commerceApi.openapi(routes.refundPayment, async (c) => {
  // the body is optional: no body refunds the whole remainder
  const amount = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json")?.amount : undefined;
  const outcome = await refundPayment(
    hookRunOf(c),
    c.req.valid("param").id,
    amount,
    c.req.valid("header")["idempotency-key"],
  );
  return c.json(paymentAnswer(c, outcome, false).body, 200);
});

commerceApi.openapi(routes.createUser, async (c) => c.json(await createUser(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.signIn, async (c) => c.json(await signIn(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.signOut, async (c) =>
  c.json(await signOut(hookRunOf(c), c.req.valid("json").session_id), 200),
);
