/**
 * The tests' side of the SMTP peer (index.ts, started by test/global-setup.ts): what it received, read
 * over its control API with plain fetch() to loopback, which workerd allows in tests.
 */

export interface SmtpPeerPorts {
  plain: number;
  starttls: number;
  tls: number;
  hangUp: number;
  control: number;
}

export interface ReceivedMessage {
  /** Which of the peer's servers took it. */
  server: "plain" | "starttls" | "tls";
  port: number;
  /** Whether the session was encrypted when the message arrived, and with which TLS version. */
  secure: boolean;
  tls_version: string | null;
  from: string | null;
  to: string[];
  data: string;
  /** mailparser's reading of `data`, or null when it could not parse it. */
  parsed: ParsedMessage | null;
}

export interface ParsedMessage {
  subject: string | null;
  from: string[];
  from_name: string | null;
  to: string[];
  cc: string[];
  /** A Bcc header, which a message must never carry: its recipients are only in the envelope. */
  bcc: string[];
  message_id: string | null;
  text: string | null;
  html: string | null;
  /** Every header's name, lower case. */
  header_names: string[];
}

/** The one login the peer's servers take; any other gets 535. AUTH is optional, and refused before TLS. */
export const SMTP_PEER_LOGIN = { user: "mailer", password: "mailer-password" } as const;

/** Recipients at this domain are refused with 550 (no such mailbox). */
export const REFUSED_DOMAIN = "refused.test";

/** Makes the peer refuse (421, for now) every message from the envelope sender `from`, or take them again. */
export async function setDown(controlPort: number, from: string, down: boolean): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${controlPort}/down?from=${encodeURIComponent(from)}`, {
    method: down ? "POST" : "DELETE",
  });
  if (!res.ok) throw new Error(`the SMTP peer's control API answered ${res.status}`);
}

/** Every message the peer took from the envelope sender `from`. */
export async function messagesFrom(controlPort: number, from: string): Promise<ReceivedMessage[]> {
  const res = await fetch(`http://127.0.0.1:${controlPort}/messages?from=${encodeURIComponent(from)}`);
  if (!res.ok) throw new Error(`the SMTP peer's control API answered ${res.status}`);
  return ((await res.json()) as { messages: ReceivedMessage[] }).messages;
}
