// The admin panel is neither built nor served: the tests speak to the REST API with the token the bootstrap mints.
module.exports = ({ env }) => ({
  serveAdminPanel: false,
  auth: { secret: env("ADMIN_JWT_SECRET") },
  apiToken: { salt: env("API_TOKEN_SALT") },
  transfer: { token: { salt: env("TRANSFER_TOKEN_SALT") } },
  secrets: { encryptionKey: env("ENCRYPTION_KEY") },
  flags: { nps: false, promoteEE: false },
});
