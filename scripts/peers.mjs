// `npm run peers`: the reference plugins' counterparts on loopback, for trying them against `npm run dev`
// without accounts: a Stripe that speaks Stripe's wire protocol (test/peers/stripe), posting its webhooks
// to the demo store, a real OpenID provider (test/peers/oidc) whose client is the demo store's
// google-oauth, a real SMTP server (test/peers/smtp) for email-smtp, and a real Strapi v5 (test/peers/strapi,
// installed on first use: minutes, once) for cms-integration, its webhooks to the demo store. Prints the settings to use.
import { spawn } from "node:child_process";

const platform = process.env.PLATFORM_URL ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`;
const store = process.env.STORE ?? "demo";

export const PEERS = {
  stripe: {
    port: process.env.STRIPE_PEER_PORT ?? "12111",
    apiKey: "sk_test_peer_0000000000000000",
    webhookSecret: "whsec_local_peer_secret",
  },
  oidc: {
    port: process.env.OIDC_PEER_PORT ?? "12112",
    clientId: "local-store-client",
    clientSecret: "local-store-secret",
  },
  // plain on this port; STARTTLS, TLS, a hang-up server and the control API on the next four
  smtp: { port: process.env.SMTP_PEER_PORT ?? "12113", user: "mailer", password: "mailer-password" },
  strapi: {
    port: process.env.STRAPI_PEER_PORT ?? "12118",
    token: "cms-local-api-token-0000000000000000",
    webhookSecret: "cms-local-webhook-secret",
  },
};

const stripeArgs = [
  "test/peers/stripe/main.ts",
  "--port",
  PEERS.stripe.port,
  "--api-key",
  PEERS.stripe.apiKey,
  "--webhook-url",
  `${platform}/webhooks/${store}/stripe-gateway/stripe`,
  "--webhook-secret",
  PEERS.stripe.webhookSecret,
];
const oidcArgs = [
  "test/peers/oidc/main.ts",
  "--port",
  PEERS.oidc.port,
  "--client-id",
  PEERS.oidc.clientId,
  "--client-secret",
  PEERS.oidc.clientSecret,
  "--redirect-uri",
  `${platform}/api/stores/${store}/plugins/google-oauth/callback`,
];

const smtpArgs = ["test/peers/smtp/main.ts", "--port", PEERS.smtp.port];

const strapiArgs = [
  "test/peers/strapi/main.ts",
  "--port",
  PEERS.strapi.port,
  "--token",
  PEERS.strapi.token,
  "--webhook-url",
  `${platform}/webhooks/${store}/cms-integration/strapi`,
  "--webhook-secret",
  PEERS.strapi.webhookSecret,
];

// process.execPath is the Node that runs npm scripts here (24), which runs the peers' TypeScript as it is
const children = [oidcArgs, stripeArgs, smtpArgs, strapiArgs].map((args) =>
  spawn(process.execPath, args, { stdio: "inherit" }),
);

console.log(
  [
    "",
    "Settings for the demo store (README, walkthroughs of stripe-gateway and google-oauth):",
    `  stripe-gateway: {"secret_key":"${PEERS.stripe.apiKey}","webhook_secret":"${PEERS.stripe.webhookSecret}","api_base":"http://127.0.0.1:${PEERS.stripe.port}"}`,
    `  google-oauth:   {"client_id":"${PEERS.oidc.clientId}","client_secret":"${PEERS.oidc.clientSecret}","issuer":"http://127.0.0.1:${PEERS.oidc.port}"}`,
    `  email-smtp:     {"smtp_server":"plain://127.0.0.1:${PEERS.smtp.port}","smtp_user":"${PEERS.smtp.user}","smtp_password":"${PEERS.smtp.password}","sender":"shop@demo.test"}`,
    `  cms-integration: {"cms_url":"http://127.0.0.1:${PEERS.strapi.port}","api_token":"${PEERS.strapi.token}","webhook_secret":"${PEERS.strapi.webhookSecret}","content_type":"products","cache_ttl":300}`,
    "  (Strapi installs on first use, minutes once; it says when it listens)",
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
let exited = 0;
for (const child of children) {
  child.on("exit", (code) => {
    exited += 1;
    // one peer gone (a port taken, say) is the whole command failing: stop the other one too
    for (const other of children) if (other !== child && other.exitCode === null) other.kill("SIGTERM");
    if (exited === children.length) process.exit(code ?? 0);
  });
}
