/** The after_product_create handler of the bench recorders: one row per call, with the time it ran. */
import type { HookHandler, ProductHookData } from "@digital-commerce/plugin-sdk";

const record: HookHandler<ProductHookData> = async (context, data) => {
  const run = data.product.metadata.bench_run;
  await context.db.query(
    "INSERT INTO received (event_id, product_id, run, attempt, handled_at) VALUES (?, ?, ?, ?, ?)",
    // the Workers clock stands still between I/O: Date.now() is when this call reached the isolate
    [
      context.delivery?.event_id ?? null,
      data.product.id,
      typeof run === "string" ? run : null,
      context.delivery?.attempt ?? 0,
      Date.now(),
    ],
  );
};

export default record;
