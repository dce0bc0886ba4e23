/**
 * Runs the Strapi peer on its own, for the README's walkthrough and `npm run peers`:
 * `node test/peers/strapi/main.ts --port 12118` installs Strapi on first use (minutes, once; cached
 * under ~/.cache/digital-commerce), boots it on a fresh SQLite file, and prints its URL, the API token
 * minted at boot (--token's value, or a random one) and the cms-integration settings for the demo store. Stops on Ctrl-C or SIGTERM.
 */
import { parseArgs } from "node:util";
import { STRAPI_WEBHOOK_HEADER, type StrapiPeer, startStrapiPeer } from "./index.ts";

const STRAPI_LOCAL = {
  port: "12118",
  webhookUrl: "http://127.0.0.1:8787/webhooks/demo/cms-integration/strapi",
  webhookSecret: "cms-local-webhook-secret",
};

const usage = `usage: node test/peers/strapi/main.ts [--port ${STRAPI_LOCAL.port}] [--webhook-url URL] [--webhook-secret SECRET]
       [--token API_TOKEN] (the token to mint; a random one without it)`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: STRAPI_LOCAL.port },
        "webhook-url": { type: "string", default: STRAPI_LOCAL.webhookUrl },
        "webhook-secret": { type: "string", default: STRAPI_LOCAL.webhookSecret },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
})();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`--port: ${values.port} is not a port number\n${usage}`);
  process.exit(2);
}

// a signal while Strapi installs or boots stops that too: no Strapi is left running without us
const stopping = new AbortController();
let peer: StrapiPeer | undefined;
const stop = () => {
  stopping.abort();
  if (!peer) return;
  peer.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

try {
  peer = await startStrapiPeer({
    port,
    webhookUrl: values["webhook-url"],
    webhookSecret: values["webhook-secret"],
    ...(values.token ? { token: values.token } : {}),
    signal: stopping.signal,
    log: (line) => console.log(line),
  });
  const settings = {
    cms_url: peer.url,
    api_token: peer.token,
    webhook_secret: values["webhook-secret"],
    content_type: "products",
    cache_ttl: 300,
  };
  console.log(`strapi peer listening on ${peer.url} (booted in ${(peer.bootMs / 1000).toFixed(1)} s)`);
  console.log(`  API token:  ${peer.token}`);
  console.log(`  webhooks:   ${values["webhook-url"]} with ${STRAPI_WEBHOOK_HEADER}: ${values["webhook-secret"]}`);
  console.log(`  cms-integration: ${JSON.stringify(settings)}`);
} catch (error) {
  if (stopping.signal.aborted) process.exit(0);
  console.error(`strapi peer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
