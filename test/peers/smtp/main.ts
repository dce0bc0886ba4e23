/**
 * Runs the SMTP peer on its own, for the README's walkthrough and `npm run peers`:
 * `node test/peers/smtp/main.ts --port 12113` listens plain on 12113, with STARTTLS on 12114, implicit
 * TLS on 12115 (a certificate from a CA made for this run, its file printed: start `npm run dev` with
 * NODE_EXTRA_CA_CERTS naming it to try those), a server that hangs up on 12116, and the control API
 * on 12117 (GET /messages). Prints each message as it arrives; stops on Ctrl-C or SIGTERM.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SMTP_PEER_LOGIN } from "./client.ts";
import { startSmtpPeer } from "./index.ts";
import { makeTestCertificates, removeTestCertificates } from "./tls.ts";

const usage = "usage: node test/peers/smtp/main.ts [--port 12113] (it takes that port and the next four)";

const { values } = (() => {
  try {
    return parseArgs({
      options: { port: { type: "string", default: "12113" }, help: { type: "boolean", short: "h" } },
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
if (!Number.isInteger(port) || port < 1 || port > 65_531) {
  console.error(`--port: ${values.port} is not a port number with four free after it\n${usage}`);
  process.exit(2);
}

try {
  const certificates = makeTestCertificates();
  // a stable path for NODE_EXTRA_CA_CERTS, whatever temporary folder this run's CA is in
  const caFile = resolve(".peers/smtp-ca.pem");
  mkdirSync(resolve(".peers"), { recursive: true });
  copyFileSync(certificates.caFile, caFile);
  const ports = { plain: port, starttls: port + 1, tls: port + 2, hangUp: port + 3, control: port + 4 };
  const peer = await startSmtpPeer({
    ports,
    key: certificates.key,
    cert: certificates.cert,
    onMessage(message) {
      const parsed = message.parsed;
      console.log(
        `smtp peer: message from ${message.from} to ${message.to.join(", ")} (${message.server}${message.secure ? `, ${message.tls_version}` : ""}): "${parsed?.subject ?? "(unparsed)"}" ${parsed?.message_id ?? ""}`,
      );
    },
  });
  console.log(`smtp peer listening: plain 127.0.0.1:${ports.plain}, STARTTLS :${ports.starttls}, TLS :${ports.tls}`);
  console.log(`  login:     ${SMTP_PEER_LOGIN.user} / ${SMTP_PEER_LOGIN.password}`);
  console.log(`  messages:  http://127.0.0.1:${ports.control}/messages`);
  console.log(`  test CA:   ${caFile} (NODE_EXTRA_CA_CERTS for STARTTLS and TLS)`);
  const stop = () => {
    removeTestCertificates(certificates.dir);
    peer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(`smtp peer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
