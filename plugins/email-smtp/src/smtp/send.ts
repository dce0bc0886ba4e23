/**
 * The SMTP dialogue that sends one message: EHLO, AUTH (PLAIN, else LOGIN) when credentials are set,
 * MAIL FROM, RCPT TO for each recipient (a refused recipient is recorded and the rest still get the
 * message), DATA with dot-stuffing, QUIT. Source: RFC 5321, RFC 4954 (AUTH), RFC 4616 (PLAIN).
 */
import { type Reply, replyText, SmtpError, SmtpSession } from "./session.ts";

export interface SmtpServer {
  host: string;
  port: number;
  /** The name this client gives in EHLO: the sender's domain. */
  clientName: string;
  user?: string;
  password?: string;
}

export interface Delivery {
  accepted: string[];
  /** Each refused recipient with the server's reply. */
  rejected: { address: string; reply: string }[];
  /** The server's answer to the message's end (`250 ... queued as ...`). */
  response: string;
}

const base64 = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};

/**
 * Lines starting with "." get another "." (RFC 5321 4.5.2), bare LF and CR become CRLF, and the
 * message ends in CRLF "." CRLF, so no content can end the DATA early.
 */
export function dotStuffed(message: string): string {
  const crlf = message.replace(/\r\n|\r|\n/g, "\r\n");
  const body = crlf.endsWith("\r\n") ? crlf : `${crlf}\r\n`;
  return `${body.replace(/^\./gm, "..")}.\r\n`;
}

function refused(stage: string, reply: Reply): SmtpError {
  return new SmtpError(
    reply.code === 421 ? "SMTP_UNAVAILABLE" : "SMTP_REFUSED",
    `${stage}: ${replyText(reply)}`,
    reply.code < 500,
  );
}

async function authenticate(session: SmtpSession, ehlo: Reply, user: string, password: string): Promise<void> {
  const offered = ehlo.lines
    .filter((l) => /^250[- ]AUTH[ =]/i.test(l))
    .flatMap((l) => l.slice(9).toUpperCase().split(/\s+/));
  let reply: Reply;
  if (offered.includes("PLAIN")) {
    reply = await session.command(`AUTH PLAIN ${base64(`\0${user}\0${password}`)}`);
  } else if (offered.includes("LOGIN")) {
    reply = await session.command("AUTH LOGIN");
    if (reply.code === 334) reply = await session.command(base64(user));
    if (reply.code === 334) reply = await session.command(base64(password));
  } else {
    throw new SmtpError(
      "SMTP_AUTH_UNSUPPORTED",
      "the server offers neither AUTH PLAIN nor AUTH LOGIN; clear smtp_user and smtp_password if it needs no login",
      false,
    );
  }
  if (reply.code === 235) return;
  if (reply.code >= 500) {
    throw new SmtpError(
      "SMTP_AUTH_FAILED",
      `the server refused the credentials in the settings smtp_user and smtp_password: ${replyText(reply)}`,
      false,
    );
  }
  throw refused("AUTH", reply);
}

/**
 * Sends `data` (the composed message) from `from` to each of `recipients` (To, Cc and Bcc: the
 * envelope is the only place Bcc recipients appear). Throws an SmtpError when nothing was sent;
 * answers which recipients were accepted and which refused when something was.
 *
 * @example
 * await sendMessage({ host: "smtp.example.com", port: 587, clientName: "example.com" },
 *   "shop@example.com", ["ada@example.com"], "Subject: Hi\r\n\r\nHello\r\n");
 */
export async function sendMessage(
  server: SmtpServer,
  from: string,
  recipients: string[],
  data: string,
): Promise<Delivery> {
  const session = await SmtpSession.open(server.host, server.port);
  try {
    let ehlo = await session.command(`EHLO ${server.clientName}`);
    if (ehlo.code !== 250) {
      // a server from before ESMTP: HELO, and no AUTH
      ehlo = await session.command(`HELO ${server.clientName}`);
      if (ehlo.code !== 250) throw refused("HELO", ehlo);
    }
    if (server.user) await authenticate(session, ehlo, server.user, server.password ?? "");
    const mail = await session.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) throw refused("MAIL FROM", mail);
    const accepted: string[] = [];
    const rejected: Delivery["rejected"] = [];
    for (const address of recipients) {
      const rcpt = await session.command(`RCPT TO:<${address}>`);
      if (rcpt.code === 250 || rcpt.code === 251) accepted.push(address);
      else if (rcpt.code === 421) throw refused("RCPT TO", rcpt);
      else rejected.push({ address, reply: replyText(rcpt) });
    }
    if (accepted.length === 0) {
      await session.command("RSET").catch(() => undefined);
      return { accepted, rejected, response: "" };
    }
    const go = await session.command("DATA");
    if (go.code !== 354) throw refused("DATA", go);
    await session.write(dotStuffed(data));
    const done = await session.reply();
    if (done.code !== 250) throw refused("end of DATA", done);
    // the message is the server's now: a QUIT that goes unanswered changes nothing
    await session.command("QUIT").catch(() => undefined);
    return { accepted, rejected, response: replyText(done) };
  } finally {
    await session.close();
  }
}

/** Opens a session, says EHLO (and AUTH when configured) and QUITs: whether the settings reach a server that takes them. */
export async function checkServer(server: SmtpServer): Promise<void> {
  const session = await SmtpSession.open(server.host, server.port);
  try {
    const ehlo = await session.command(`EHLO ${server.clientName}`);
    if (ehlo.code !== 250) throw refused("EHLO", ehlo);
    if (server.user) await authenticate(session, ehlo, server.user, server.password ?? "");
    await session.command("QUIT").catch(() => undefined);
  } finally {
    await session.close();
  }
}
