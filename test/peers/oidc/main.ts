// The OIDC peer as a process, for `npm run peers` and the README's walkthrough:
//   node test/peers/oidc/main.ts --port 12112 --client-id shop --client-secret s3cret \
//     --redirect-uri http://127.0.0.1:8787/api/plugins/google-oauth/callback
// --redirect-uri may be given more than once. Runs until SIGINT or SIGTERM.
import { parseArgs } from "node:util";
import { startOidcPeer } from "./index.ts";

const USAGE =
  "usage: node test/peers/oidc/main.ts [--port 12112] [--host 127.0.0.1] --client-id ID --client-secret SECRET --redirect-uri URL [--redirect-uri URL ...]";

function fail(message: string): never {
  console.error(`oidc peer: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: "string", default: "12112" },
        host: { type: "string", default: "127.0.0.1" },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        "redirect-uri": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port)) fail(`--port must be a whole number, got "${values.port}"`);
const clientId = values["client-id"] ?? fail("--client-id is required");
const clientSecret = values["client-secret"] ?? fail("--client-secret is required");
const redirectUris = values["redirect-uri"] ?? fail("--redirect-uri is required");

const peer = await startOidcPeer({
  port,
  host: values.host,
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris }],
}).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

console.log(`oidc peer: issuer ${peer.issuer} (discovery at ${peer.issuer}/.well-known/openid-configuration)`);
console.log(`oidc peer: client ${clientId}, redirect_uris ${redirectUris.join(" ")}`);
for (const a of peer.accounts) {
  console.log(
    `oidc peer: account ${a.email} (email_verified ${a.email_verified}${a.hd ? `, hd ${a.hd}` : ""}, sub ${a.sub})`,
  );
}
console.log(`oidc peer: sign in headlessly with POST ${peer.issuer}/__control/sign-in {authorization_url, email}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    peer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
