/**
 * The TCP half of the egress gate: a plugin's `connect()` from `cloudflare:sockets` arrives as an
 * inbound socket whose `opened` names the destination it asked for. A granted destination is connected
 * by the gate and piped both ways; TLS is the gate's, never the plugin's, because the runtime cannot
 * carry a plugin's own TLS through the gate (measured: "Incoming CONNECT with TLS not supported",
 * "startTls() is not supported on this connection"). So the plugin always speaks plaintext to the gate,
 * and for a `tls` grant the gate connects with TLS from the first byte; for `starttls` it runs SMTP's
 * upgrade itself (greeting, EHLO, STARTTLS, 220, startTls()) before the plugin sees a byte, then hands
 * the plugin a synthetic 220 greeting over the encrypted session. A server that offers no STARTTLS, or
 * refuses it, ends the connection: TLS is never optional where the grant names it.
 *
 * Refusals are SMTP `421` lines before the close, so a client fails at once with a reason instead of
 * waiting on a socket it cannot tell from a server hanging up.
 */
import { connect } from "cloudflare:sockets";
import { normalHostname, type SocketGrant } from "@digital-commerce/plugin-sdk";

/** A connection's whole life, plugin and server together: a plugin call lasts 30 s at most. */
export const SOCKET_MAX_MS = 60_000;
/** How long the gate waits for each line of the STARTTLS dialogue before giving up on the server. */
export const DIALOGUE_TIMEOUT_MS = 10_000;

export type SocketErrorCode =
  | "SOCKET_DENIED"
  | "SOCKET_UNREACHABLE"
  | "STARTTLS_FAILED"
  /** The call's requests_per_call quota is spent, or the connection was opened outside any call (call-meter.ts). */
  | "QUOTA_EXCEEDED"
  | "CALL_ENDED";

export class SocketError extends Error {
  constructor(
    readonly code: SocketErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "SocketError";
  }
}

/** `host:port` as the runtime reports the destination (`opened.localAddress`), or null when unreadable. */
export function destinationOf(address: string | undefined): { hostname: string; port: number } | null {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address ?? "");
  if (!match?.[1] || !match[2]) return null;
  const hostname = normalHostname(match[1]);
  const port = Number(match[2]);
  return hostname && port >= 1 && port <= 65_535 ? { hostname, port } : null;
}

const encoder = new TextEncoder();

/**
 * Closes a socket unless it is closed already. Measured: `close()` on a socket the other side closed
 * rejects a promise of the runtime's own with "This socket has been closed", past any catch here.
 */
async function closeQuietly(socket: Socket, closed: { done: boolean }): Promise<void> {
  if (closed.done) return;
  try {
    await socket.close();
  } catch {
    // closed by the other side meanwhile: the end this wanted
  }
}

/** Whether a socket has closed, known without touching it. */
function closedFlag(socket: Socket): { done: boolean } {
  const flag = { done: false };
  socket.closed.then(
    () => {
      flag.done = true;
    },
    () => {
      flag.done = true;
    },
  );
  return flag;
}

/** Tells the plugin why, in the one line every SMTP client reads, then closes: a clean, immediate failure. */
export async function refuse(plugin: Socket, reason: string): Promise<void> {
  const writer = plugin.writable.getWriter();
  try {
    await writer.write(encoder.encode(`421 4.7.0 ${reason.replace(/[\r\n]+/g, " ")}\r\n`));
    await writer.close();
  } catch {
    // the plugin already went away: nobody is left to tell
  } finally {
    await closeQuietly(plugin, closedFlag(plugin));
  }
}

/** Reads an SMTP reply (one line, or `250-...` continuation lines up to the last `250 ...`). */
class ReplyReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async reply(): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.#line();
      lines.push(line);
      if (!/^\d{3}-/.test(line)) return { code: Number(line.slice(0, 3)), lines };
    }
  }

  async #line(): Promise<string> {
    const deadline = Date.now() + DIALOGUE_TIMEOUT_MS;
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(end + 1);
        return line;
      }
      if (this.#buffer.length > 4096) throw new SocketError("STARTTLS_FAILED", "the server sent a line over 4 KB");
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SocketError("STARTTLS_FAILED", "the server did not answer in time")),
          Math.max(0, left),
        );
      });
      try {
        const { value, done } = await Promise.race([this.#reader.read(), timeout]);
        if (done) throw new SocketError("STARTTLS_FAILED", "the server closed the connection during STARTTLS");
        this.#buffer += this.#decoder.decode(value, { stream: true });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Hands the stream back, so the socket can be upgraded. Bytes after the reply would be a server out of turn. */
  release(): void {
    if (this.#buffer.length > 0)
      throw new SocketError("STARTTLS_FAILED", "the server spoke out of turn during STARTTLS");
    this.#reader.releaseLock();
  }
}

async function send(socket: Socket, line: string): Promise<void> {
  const writer = socket.writable.getWriter();
  try {
    await writer.write(encoder.encode(`${line}\r\n`));
  } finally {
    writer.releaseLock();
  }
}

/** SMTP's STARTTLS upgrade, run by the gate on the server's connection; the encrypted socket, or a SocketError. */
async function upgradeWithStartTls(upstream: Socket, hostname: string): Promise<Socket> {
  const replies = new ReplyReader(upstream.readable);
  const greeting = await replies.reply();
  if (greeting.code !== 220) throw new SocketError("STARTTLS_FAILED", `the server greeted with ${greeting.lines[0]}`);
  await send(upstream, "EHLO platform.invalid");
  const ehlo = await replies.reply();
  if (ehlo.code !== 250) throw new SocketError("STARTTLS_FAILED", `the server refused EHLO: ${ehlo.lines[0]}`);
  if (!ehlo.lines.some((l) => /^250[- ]STARTTLS\b/i.test(l))) {
    throw new SocketError("STARTTLS_FAILED", `${hostname} does not offer STARTTLS, which the grant requires`);
  }
  await send(upstream, "STARTTLS");
  const ready = await replies.reply();
  if (ready.code !== 220) throw new SocketError("STARTTLS_FAILED", `the server refused STARTTLS: ${ready.lines[0]}`);
  replies.release();
  const secure = upstream.startTls({ expectedServerHostname: hostname });
  await secure.opened;
  return secure;
}

/** Opens the granted destination over its transport: a socket whose bytes the plugin may see as they are. */
async function openUpstream(hostname: string, grant: SocketGrant): Promise<{ socket: Socket; greeting?: string }> {
  const secureTransport = grant.transport === "tls" ? "on" : grant.transport === "starttls" ? "starttls" : "off";
  let upstream: Socket;
  try {
    upstream = connect({ hostname, port: grant.port }, { secureTransport, allowHalfOpen: false });
    await upstream.opened;
  } catch (error) {
    throw new SocketError("SOCKET_UNREACHABLE", `${hostname}:${grant.port}: ${(error as Error).message}`);
  }
  if (grant.transport !== "starttls") return { socket: upstream };
  try {
    const secure = await upgradeWithStartTls(upstream, hostname);
    // the plugin's dialogue starts as if the session were new: a greeting, then its own EHLO (over TLS)
    return { socket: secure, greeting: `220 ${hostname} ESMTP (TLS by the platform)` };
  } catch (error) {
    await closeQuietly(upstream, closedFlag(upstream));
    if (error instanceof SocketError) throw error;
    throw new SocketError("STARTTLS_FAILED", `${hostname}:${grant.port}: ${(error as Error).message}`);
  }
}

/**
 * Opens a granted destination over its transport (and, for STARTTLS, runs the upgrade): the socket the
 * plugin may be piped to, with the greeting to hand it first, or the SocketError that ends the attempt.
 */
export async function establish(hostname: string, grant: SocketGrant): Promise<Upstream | SocketError> {
  try {
    return await openUpstream(hostname, grant);
  } catch (error) {
    return error instanceof SocketError ? error : new SocketError("SOCKET_UNREACHABLE", (error as Error).message);
  }
}

export interface Upstream {
  socket: Socket;
  greeting?: string;
}

/**
 * Pipes the plugin and the server both ways until either side closes or SOCKET_MAX_MS passes. The
 * runtime may end the gate's part as soon as the plugin's invocation ends, so nothing that must happen
 * (accounting) waits for this to return.
 */
export async function pipeBoth(plugin: Socket, upstream: Upstream): Promise<void> {
  const server = upstream.socket;
  // a socket that errors rejects its `closed`; the flags take that, and the pipes below end on it
  const serverClosed = closedFlag(server);
  const pluginClosed = closedFlag(plugin);
  try {
    if (upstream.greeting) await send(plugin, upstream.greeting);
  } catch {
    await closeQuietly(server, serverClosed);
    return;
  }
  const signal = AbortSignal.timeout(SOCKET_MAX_MS);
  // either direction ending (a server hanging up mid-conversation, the plugin done) ends the connection
  const toServer = plugin.readable.pipeTo(server.writable, { signal }).catch(() => undefined);
  const toPlugin = server.readable.pipeTo(plugin.writable, { signal }).catch(() => undefined);
  await Promise.race([toServer, toPlugin, server.closed.catch(() => undefined), plugin.closed.catch(() => undefined)]);
  // a turn for the other side's close to land, so a socket already closed is left alone
  await new Promise((resolve) => setTimeout(resolve, 0));
  await Promise.all([closeQuietly(server, serverClosed), closeQuietly(plugin, pluginClosed)]);
}
