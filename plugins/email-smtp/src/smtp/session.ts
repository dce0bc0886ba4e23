/**
 * One SMTP session over `connect()` from `cloudflare:sockets`, through the platform's egress gate:
 * the plugin always speaks plaintext to the gate, which runs TLS (implicit or STARTTLS) to the real
 * server when the address says so (README, "The sandbox"). Every reply is read with a timeout, and
 * a connection that closes mid-conversation fails the send at once with CONNECTION_CLOSED instead
 * of waiting (or spinning) on a stream that will never speak again. Source: RFC 5321.
 */
import { connect } from "cloudflare:sockets";

/** How long a reply may take; a plugin call has 30 s in all. */
export const REPLY_TIMEOUT_MS = 10_000;
/** Longer than any SMTP reply line a server sends (RFC 5321 4.5.3.1.5 says 512): more is not SMTP. */
const MAX_LINE = 4_096;

export type SmtpErrorCode =
  /** The server (or the platform's gate, for a destination it refuses) said 421 or could not be reached. */
  | "SMTP_UNAVAILABLE"
  | "SMTP_CONNECTION_CLOSED"
  | "SMTP_TIMEOUT"
  /** The server refused the credentials (535 and the other 5xx answers to AUTH). */
  | "SMTP_AUTH_FAILED"
  /** Credentials are configured but the server offers neither AUTH PLAIN nor AUTH LOGIN. */
  | "SMTP_AUTH_UNSUPPORTED"
  /** A command's reply was a refusal: `temporary` for 4xx (try later), permanent for 5xx. */
  | "SMTP_REFUSED"
  | "SMTP_PROTOCOL";

export class SmtpError extends Error {
  constructor(
    readonly code: SmtpErrorCode,
    message: string,
    /** A 4xx reply, a timeout or a lost connection: worth trying again later. */
    readonly temporary: boolean,
  ) {
    super(`${code}: ${message}`);
    this.name = "SmtpError";
  }
}

export interface Reply {
  code: number;
  lines: string[];
}

export const replyText = (r: Reply) => r.lines.join(" / ");

const encoder = new TextEncoder();

export class SmtpSession {
  readonly #socket: Socket;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.#reader = socket.readable.getReader();
    this.#writer = socket.writable.getWriter();
    // a socket that fails rejects `opened` and `closed`; the reads and writes report it where it matters
    socket.opened.catch(() => undefined);
    socket.closed.catch(() => undefined);
  }

  /** Opens `host:port` and reads the greeting, which must be 220. */
  static async open(host: string, port: number): Promise<SmtpSession> {
    let socket: Socket;
    try {
      socket = connect({ hostname: host, port }, { allowHalfOpen: false });
    } catch (error) {
      throw new SmtpError("SMTP_UNAVAILABLE", `cannot connect to ${host}:${port}: ${(error as Error).message}`, true);
    }
    const session = new SmtpSession(socket);
    try {
      const greeting = await session.reply();
      if (greeting.code !== 220) {
        throw new SmtpError(
          greeting.code === 421 ? "SMTP_UNAVAILABLE" : "SMTP_REFUSED",
          `${host}:${port} greeted with ${replyText(greeting)}`,
          greeting.code < 500,
        );
      }
      return session;
    } catch (error) {
      await session.close();
      if (error instanceof SmtpError && error.code === "SMTP_CONNECTION_CLOSED") {
        throw new SmtpError("SMTP_UNAVAILABLE", `${host}:${port} closed the connection before greeting`, true);
      }
      throw error;
    }
  }

  /** Sends one command line and reads its reply. */
  async command(line: string): Promise<Reply> {
    await this.write(`${line}\r\n`);
    return await this.reply();
  }

  async write(text: string): Promise<void> {
    try {
      await this.#writer.write(encoder.encode(text));
    } catch (error) {
      throw new SmtpError("SMTP_CONNECTION_CLOSED", `writing failed: ${(error as Error).message}`, true);
    }
  }

  /** One reply: a line, or `250-...` continuation lines up to the last `250 ...`. */
  async reply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.#line();
      if (!/^\d{3}(?:[ -]|$)/.test(line)) throw new SmtpError("SMTP_PROTOCOL", `not an SMTP reply: ${line}`, true);
      lines.push(line);
      if (line[3] !== "-") return { code: Number(line.slice(0, 3)), lines };
    }
  }

  async #line(): Promise<string> {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(end + 1);
        return line;
      }
      if (this.#buffer.length > MAX_LINE)
        throw new SmtpError("SMTP_PROTOCOL", "the server sent a line over 4 KB", true);
      if (this.#closed) throw new SmtpError("SMTP_CONNECTION_CLOSED", "the server closed the connection", true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
      });
      try {
        const read = await Promise.race([this.#reader.read(), timeout]).catch((error: unknown) => {
          throw new SmtpError("SMTP_CONNECTION_CLOSED", `reading failed: ${(error as Error).message}`, true);
        });
        if (read === "timeout") {
          throw new SmtpError("SMTP_TIMEOUT", `no reply within ${REPLY_TIMEOUT_MS / 1000} s`, true);
        }
        // the end of the stream: what is buffered is all there will ever be
        if (read.done) this.#closed = true;
        else this.#buffer += this.#decoder.decode(read.value, { stream: true });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#socket.close().catch(() => undefined);
  }
}
