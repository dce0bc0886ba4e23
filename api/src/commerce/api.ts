/** Handlers of /api/commerce: each reads the request, runs its operation for the token's tenant, and answers. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../auth/index.ts";
import { hookRunOf, tenantDbOf, validationHook } from "../http/index.ts";
import type { IdempotentAnswer } from "./idempotency.ts";
import { completeOrder, createOrder, getOrder } from "./orders.ts";
import {
  cancelPayment,
  capturePayment,
  getPayment,
  processPayment,
  refreshPayment,
  refundPayment,
} from "./payments.ts";
import { createProduct, getProduct, listProducts, updateProduct } from "./products.ts";
import * as routes from "./routes.ts";
import type { PaymentView } from "./schemas.ts";
import { signIn, signOut } from "./sessions.ts";
import { defined } from "./store.ts";
import { createUser } from "./users.ts";

export const commerceApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** Any role reads; changes (and sign-ins, which open sessions) need admin or owner. */
commerceApi.on(["POST", "PATCH", "PUT", "DELETE"], "*", requireRole("admin"));

const tenantOf = (c: Context<AppEnv>) => c.get("principal").tenantId;

/**
 * A payment operation's answer as it was first given (a replay has the same status and body),
 * saying so on a replay, as Stripe's Idempotent-Replayed header does.
 */
function answer<S extends 200 | 201>(c: Context<AppEnv>, outcome: IdempotentAnswer) {
  if (outcome.replayed) c.header("idempotent-replayed", "true");
  // the body is the payment or the error body of the status it was answered with (402), as the route declares
  return c.json(outcome.body as PaymentView, outcome.status as S);
}

/** The optional JSON body of capture and refund: none means "all of it". */
const amountOf = (c: Context<AppEnv>, body: () => { amount?: number } | undefined) =>
  c.req.header("content-type")?.includes("application/json") ? defined({ amount: body()?.amount }) : {};

commerceApi.openapi(routes.createProduct, async (c) =>
  c.json(await createProduct(hookRunOf(c), c.req.valid("json")), 201),
);

commerceApi.openapi(routes.listProducts, async (c) =>
  c.json(await listProducts(tenantDbOf(c), tenantOf(c), c.req.valid("query")), 200),
);

commerceApi.openapi(routes.getProduct, async (c) =>
  c.json(await getProduct(tenantDbOf(c), tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.updateProduct, async (c) =>
  c.json(await updateProduct(hookRunOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
);

commerceApi.openapi(routes.createOrder, async (c) => c.json(await createOrder(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.getOrder, async (c) =>
  c.json(await getOrder(tenantDbOf(c), tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.completeOrder, async (c) =>
  c.json(await completeOrder(hookRunOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.processPayment, async (c) =>
  answer<201>(c, await processPayment(hookRunOf(c), c.req.valid("json"), c.req.valid("header")["idempotency-key"])),
);

commerceApi.openapi(routes.getPayment, async (c) =>
  c.json(await getPayment(tenantDbOf(c), tenantOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.capturePayment, async (c) =>
  answer<200>(
    c,
    await capturePayment(
      hookRunOf(c),
      c.req.valid("param").id,
      amountOf(c, () => c.req.valid("json")),
      c.req.valid("header")["idempotency-key"],
    ),
  ),
);

commerceApi.openapi(routes.cancelPayment, async (c) =>
  answer<200>(c, await cancelPayment(hookRunOf(c), c.req.valid("param").id, c.req.valid("header")["idempotency-key"])),
);

commerceApi.openapi(routes.refundPayment, async (c) =>
  answer<200>(
    c,
    await refundPayment(
      hookRunOf(c),
      c.req.valid("param").id,
      amountOf(c, () => c.req.valid("json")),
      c.req.valid("header")["idempotency-key"],
    ),
  ),
);

commerceApi.openapi(routes.refreshPayment, async (c) =>
  c.json(await refreshPayment(hookRunOf(c), c.req.valid("param").id), 200),
);

commerceApi.openapi(routes.createUser, async (c) => c.json(await createUser(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.signIn, async (c) => c.json(await signIn(hookRunOf(c), c.req.valid("json")), 201));

commerceApi.openapi(routes.signOut, async (c) =>
  c.json(await signOut(hookRunOf(c), c.req.valid("json").session_id), 200),
);
