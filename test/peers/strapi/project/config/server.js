// Where the peer listens: test/peers/strapi/index.ts gives HOST, PORT and fresh APP_KEYS to every run.
module.exports = ({ env }) => ({
  host: env("HOST", "127.0.0.1"),
  port: env.int("PORT", 1337),
  app: { keys: env.array("APP_KEYS") },
  // no update check: the peer runs offline, and the version is pinned
  logger: { updates: { enabled: false } },
});
