/**
 * Runs the Stripe peer on its own: `node test/peers/stripe/main.ts --port 12111`, for the README's
 * walkthrough and `npm run peers`. Prints its URL, key and webhook secret; stops on Ctrl-C or SIGTERM.
 */
import { parseArgs } from "node:util";
import { DEFAULT_API_KEY, STRIPE_PEER_PORT, startStripePeer } from "./index.ts";

const usage = `usage: node test/peers/stripe/main.ts [--port ${STRIPE_PEER_PORT}] [--host 127.0.0.1]
       [--api-key sk_test_…]... [--webhook-url URL] [--webhook-secret whsec_…] [--api-version VERSION]`;

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: String(STRIPE_PEER_PORT) },
        host: { type: "string", default: "127.0.0.1" },
        "api-key": { type: "string", multiple: true },
        "webhook-url": { type: "string" },
        "webhook-secret": { type: "string" },
        "api-version": { type: "string" },
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
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: ${values.port} is not a port number\n${usage}`);
  process.exit(2);
}

try {
  const peer = await startStripePeer({
    port,
    host: values.host,
    apiKey: values["api-key"] ?? DEFAULT_API_KEY,
    ...(values["webhook-url"] ? { webhookUrl: values["webhook-url"] } : {}),
    ...(values["webhook-secret"] ? { webhookSecret: values["webhook-secret"] } : {}),
    ...(values["api-version"] ? { apiVersion: values["api-version"] } : {}),
  });
  console.log(`stripe peer listening on ${peer.url}`);
  console.log(`  api key:        ${peer.apiKey}`);
  console.log(`  webhook secret: ${peer.webhookSecret}`);
  console.log(`  webhooks to:    ${values["webhook-url"] ?? `(none yet: PUT ${peer.url}/__control/webhooks)`}`);
  const stop = () => {
    peer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(`stripe peer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
