/** The handler module `admin-cli add-hook` writes: typed with the hook's payload, saying what the hook's kind allows. */
import {
  authHookData,
  HookCatalogue,
  type HookName,
  orderHookData,
  paymentHookData,
  pluginEventSchema,
  productHookData,
  sessionHookData,
  userHookData,
} from "@digital-commerce/plugin-sdk";
import { camelCase } from "./names.ts";

/** The exported type of each payload schema of the catalogue, found by the schema itself. */
const payloadTypes = new Map<unknown, string>([
  [productHookData, "ProductHookData"],
  [orderHookData, "OrderHookData"],
  [paymentHookData, "PaymentHookData"],
  [userHookData, "UserHookData"],
  [sessionHookData, "SessionHookData"],
  [authHookData, "AuthHookData"],
  [pluginEventSchema, "PluginEventData"],
]);

/** The payload type to import for `hook`; `HookPayload<"...">` for a schema without a name of its own. */
export function payloadTypeOf(hook: HookName): { name: string; imports: string[] } {
  const named = payloadTypes.get(HookCatalogue[hook].payload);
  return named ? { name: named, imports: [named] } : { name: `HookPayload<"${hook}">`, imports: ["HookPayload"] };
}

/** `src/hooks/beforePaymentProcess.ts` for `before_payment_process`. */
export function hookHandlerPath(hook: HookName): string {
  return `src/hooks/${camelCase(hook)}.ts`;
}

/**
 * The handler's source. `logger` says whether the plugin holds the logger capability: the
 * context has only what the manifest declares, so without it the handler must not log.
 */
export function hookHandlerSource(hook: HookName, options: { logger: boolean }): string {
  const { kind, subject, description } = HookCatalogue[hook];
  const fn = camelCase(hook);
  const payload = payloadTypeOf(hook);
  const imports = ["HookHandler", ...payload.imports].sort().join(", ");
  const header = `/** ${hook}: ${description} */\nimport type { ${imports} } from "@digital-commerce/plugin-sdk";\n`;
  if (kind === "before") {
    const body = options.logger
      ? `  context.logger.debug(${JSON.stringify(hook)}, { tenant: context.tenant.slug });\n  return data.${subject};`
      : `  return data.${subject};`;
    return `${header}
/**
 * A before hook: it runs while the request waits. Return the ${subject} (changed or not) to let the
 * operation go on with it, return nothing to leave it as it is, or throw an Error to veto the
 * operation: the caller sees the error's message.
 */
const ${fn}: HookHandler<${payload.name}> = async (${options.logger ? "context" : "_context"}, data) => {
${body}
};

export default ${fn};
`;
  }
  const body = options.logger
    ? `  context.logger.info(${JSON.stringify(hook)}, { keys: Object.keys(data), attempt: context.delivery?.attempt ?? 1 });`
    : "  // what this returns is ignored; a throw makes the platform retry the delivery";
  return `${header}
/**
 * A notification: delivered through a queue after the fact, at least once, so the same event may
 * arrive again (context.delivery.attempt counts). What it returns is ignored; a throw retries it.
 * Pass context.delivery?.idempotency_key as the Idempotency-Key of external calls, so a redelivery
 * never repeats a side effect.
 */
const ${fn}: HookHandler<${payload.name}> = async (${options.logger ? "context, data" : "_context, _data"}) => {
${body}
};

export default ${fn};
`;
}
