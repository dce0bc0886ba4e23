/**
 * The CMS's webhook, checked while the CMS waits: Strapi signs nothing, so the request must carry the
 * store's webhook secret in the x-cms-webhook-secret header (compared in constant time); then the event
 * is named from the CMS's own body with a stable id, so the same delivery sent twice is handled once.
 */
import { refuseWebhook, type WebhookVerifier } from "@digital-commerce/plugin-sdk";
import { providerOf, settingsOf, WEBHOOK_SECRET_HEADER } from "../settings.ts";

const encoder = new TextEncoder();

/** Equal in time independent of where they differ: both hashed first, so their lengths leak nothing either. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [given, expected].map(async (s) => crypto.subtle.digest("SHA-256", encoder.encode(s))),
  );
  return crypto.subtle.timingSafeEqual(a as ArrayBuffer, b as ArrayBuffer);
}

const verify: WebhookVerifier = async (context, request) => {
  const settings = settingsOf(context);
  const given = request.headers.get(WEBHOOK_SECRET_HEADER);
  if (given === null) refuseWebhook(`the request has no ${WEBHOOK_SECRET_HEADER} header`);
  if (!(await sameSecret(given, settings.webhook_secret))) {
    refuseWebhook(`the ${WEBHOOK_SECRET_HEADER} header is not this store's webhook_secret`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    refuseWebhook("the body is not JSON");
  }
  const cms = providerOf(context, settings);
  const event = cms.webhookEvent(body);
  if (!event) refuseWebhook(`the body is not a webhook of ${cms.label}`);
  return { id: event.id, type: event.type, data: event.change };
};

export default verify;
