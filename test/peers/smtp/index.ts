/**
 * SMTP servers on loopback for the sockets permission's tests and the email plugin's: `smtp-server`
 * (nodemailer's, the usual Node SMTP server) listening plain, with STARTTLS, and with implicit TLS on a
 * certificate from the CA the test makes (tls.ts), and a server that hangs up mid-conversation. Every
 * message is recorded with whether its session was encrypted, and parsed with `mailparser` (here, in
 * Node, since workerd cannot run it); one login works and others get 535, recipients at
 * REFUSED_DOMAIN get 550, and a sender can be refused with 421 for now ("down"). Tests read and steer
 * it over a small HTTP
 * control API (client.ts), since they run inside workerd.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import {
  type ParsedMessage,
  REFUSED_DOMAIN,
  type ReceivedMessage,
  SMTP_PEER_LOGIN,
  type SmtpPeerPorts,
} from "./client.ts";

export type { ReceivedMessage, SmtpPeerPorts } from "./client.ts";

/** An SMTP reply code for smtp-server's callbacks: it answers `responseCode` and the message. */
const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ""));

/** What a mail client would show of the message: mailparser's reading of the raw data. */
async function parsed(data: Buffer): Promise<ParsedMessage> {
  const mail = await simpleParser(data);
  return {
    subject: mail.subject ?? null,
    from: addresses(mail.from),
    from_name: mail.from?.value[0]?.name ?? null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    message_id: mail.messageId ?? null,
    text: mail.text ?? null,
    html: typeof mail.html === "string" ? mail.html : null,
    header_names: [...mail.headers.keys()],
  };
}

const reply = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

function listening(server: { listen(port: number, host: string, cb: () => void): unknown }, port: number) {
  return new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
}

/** A server that greets, answers EHLO, and drops the connection at the next command: a peer dying mid-dialogue. */
function hangUpServer(): TcpServer {
  return createTcpServer((socket) => {
    let said = 0;
    socket.write("220 hang-up.test ESMTP\r\n");
    socket.on("data", (chunk) => {
      for (const line of chunk.toString("utf8").split("\r\n").filter(Boolean)) {
        said += 1;
        if (said === 1 && /^EHLO/i.test(line)) socket.write("250 hang-up.test\r\n");
        else socket.destroy();
      }
    });
    socket.on("error", () => undefined);
  });
}

export async function startSmtpPeer(options: {
  ports: SmtpPeerPorts;
  key: string;
  cert: string;
  /** Told of each message as it arrives (main.ts prints it). */
  onMessage?: (message: ReceivedMessage) => void;
}) {
  const messages: ReceivedMessage[] = [];
  /** Envelope senders the peer refuses for now with a 421 (a server down for them), set over the control API. */
  const down = new Set<string>();
  const smtp = (port: number, mode: ReceivedMessage["server"], extra: SMTPServerOptions) =>
    new SMTPServer({
      authOptional: true,
      logger: false,
      key: options.key,
      cert: options.cert,
      ...extra,
      // one login works (SMTP_PEER_LOGIN); any other is refused as a real server refuses it
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_PEER_LOGIN.user && auth.password === SMTP_PEER_LOGIN.password) {
          callback(null, { user: auth.username });
        } else callback(reply(535, "5.7.8 Authentication credentials invalid"));
      },
      onMailFrom(address, _session, callback) {
        if (down.has(address.address)) callback(reply(421, "4.3.2 Service not available, try again later"));
        else callback();
      },
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith(`@${REFUSED_DOMAIN}`)) callback(reply(550, "5.1.1 No such mailbox here"));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          const data = Buffer.concat(chunks);
          const message: ReceivedMessage = {
            server: mode,
            port,
            secure: session.secure,
            tls_version: session.secure ? ((session.tlsOptions as { version?: string }).version ?? null) : null,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
            data: data.toString("utf8"),
            parsed: await parsed(data).catch(() => null),
          };
          messages.push(message);
          options.onMessage?.(message);
          callback();
        });
      },
    });
  const { ports } = options;
  const plain = smtp(ports.plain, "plain", { disabledCommands: ["STARTTLS"] });
  const starttls = smtp(ports.starttls, "starttls", {});
  const tls = smtp(ports.tls, "tls", { secure: true });
  // a client that drops the connection mid-handshake (the hostile suite's own TLS attempt) is its failure, not the peer's
  for (const server of [plain, starttls, tls]) server.on("error", () => undefined);
  const hangUp = hangUpServer();
  const control: HttpServer = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://control");
    res.setHeader("content-type", "application/json");
    const from = url.searchParams.get("from");
    if (url.pathname === "/down" && from !== null && (req.method === "POST" || req.method === "DELETE")) {
      if (req.method === "POST") down.add(from);
      else down.delete(from);
      res.end(JSON.stringify({ down: [...down] }));
      return;
    }
    if (url.pathname === "/messages") {
      res.end(JSON.stringify({ messages: messages.filter((m) => from === null || m.from === from) }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: "unknown control path" }));
  });
  await Promise.all([
    listening(plain, ports.plain),
    listening(starttls, ports.starttls),
    listening(tls, ports.tls),
    listening(hangUp, ports.hangUp),
    listening(control, ports.control),
  ]);
  return {
    async close() {
      await Promise.all([
        new Promise<void>((r) => plain.close(() => r())),
        new Promise<void>((r) => starttls.close(() => r())),
        new Promise<void>((r) => tls.close(() => r())),
        new Promise<void>((r) => hangUp.close(() => r())),
        new Promise<void>((r) => control.close(() => r())),
      ]);
    },
  };
}
