/**
 * The peer's bootstrap, run on every boot against a fresh SQLite file: mints a full-access API token
 * (written to STRAPI_PEER_DATA_DIR/api-token, which test/peers/strapi/index.ts reads once /_health
 * answers) and registers the webhook a store's cms-integration receives, with the secret header it
 * authenticates (Strapi signs nothing). With STRAPI_PEER_API_TOKEN the token's key is that value
 * instead of a random one, so a test run can hand the token to its tests before Strapi is up.
 */
const { writeFileSync, renameSync } = require("node:fs");
const { join } = require("node:path");

const WEBHOOK_EVENTS = ["entry.create", "entry.update", "entry.publish", "entry.unpublish", "entry.delete"];

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    const dataDir = process.env.STRAPI_PEER_DATA_DIR;
    if (!dataDir) throw new Error("STRAPI_PEER_DATA_DIR is not set: start the peer with test/peers/strapi/index.ts");
    const tokens = strapi.service("admin::api-token");
    const token = await tokens.create({
      name: "cms-integration",
      description: "Minted at boot for the cms-integration plugin and its tests",
      type: "full-access",
      lifespan: null,
    });
    let accessKey = token.accessKey;
    const given = process.env.STRAPI_PEER_API_TOKEN;
    if (given) {
      // Strapi keeps only the key's HMAC (and an encrypted copy for its admin panel): set both to the given key
      await strapi.db.query("admin::api-token").update({
        where: { id: token.id },
        data: { accessKey: tokens.hash(given), encryptedKey: strapi.service("admin::encryption").encrypt(given) },
      });
      accessKey = given;
    }
    // written whole, then renamed, so a reader never sees half a token
    const file = join(dataDir, "api-token");
    writeFileSync(`${file}.partial`, accessKey);
    renameSync(`${file}.partial`, file);

    const url = process.env.STRAPI_PEER_WEBHOOK_URL;
    if (url) {
      const header = process.env.STRAPI_PEER_WEBHOOK_HEADER || "x-cms-webhook-secret";
      const secret = process.env.STRAPI_PEER_WEBHOOK_SECRET;
      if (!secret) throw new Error("STRAPI_PEER_WEBHOOK_SECRET is not set: a webhook needs its secret header");
      const webhook = await strapi.get("webhookStore").createWebhook({
        name: "cms-integration",
        url,
        headers: { [header]: secret },
        events: WEBHOOK_EVENTS,
        enabled: true,
      });
      // webhooks stored before boot are loaded by Strapi; one made now must join the runner itself
      strapi.get("webhookRunner").add(webhook);
    }
  },
};
