/**
 * An EmailMessage as an RFC 5322 message: headers, then multipart/alternative text and HTML (in
 * multipart/mixed when there are attachments), every part base64 in UTF-8. Bcc recipients are never
 * written into it (they are only in the SMTP envelope), and no value can break a header: names are
 * encoded words, line breaks in any header value are refused, extra headers must be well-formed and
 * may not set the headers this module owns. Source: RFC 5322 (format), RFC 2045-2047 (MIME).
 */
import type { EmailAddress, EmailMessage } from "@digital-commerce/plugin-sdk";

export class MessageError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "MessageError";
  }
}

/** Headers composed here, which `message.headers` may not set (Bcc above all: it would show the list). */
const OWN_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
]);

export const addressOf = (a: EmailAddress): string => (typeof a === "string" ? a : a.email);

/** RFC 2047 encoded word (B encoding) when the text is not plain printable ASCII; CR/LF never survive. */
export function encodeWord(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  if (/^[\x20-\x7e]*$/.test(flat)) return flat;
  // encoded words are at most 75 characters: split the UTF-8 on character boundaries
  const words: string[] = [];
  let chunk = "";
  for (const char of flat) {
    if (new TextEncoder().encode(chunk + char).length > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64(new TextEncoder().encode(w))}?=`).join("\r\n ");
}

/** `"Name" <address>` with the name quoted or encoded, or the bare address. */
export function formatAddress(a: EmailAddress): string {
  if (typeof a === "string") return a;
  const name = a.name.replace(/[\r\n]+/g, " ");
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/(["\\])/g, "\\$1")}"` : encodeWord(name);
  return `${display} <${a.email}>`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Base64 in lines of 76 characters, as RFC 2045 demands. */
function wrapped(b64: string): string {
  return (b64.match(/.{1,76}/g) ?? []).join("\r\n");
}

function part(contentType: string, body: string): string {
  return [
    `Content-Type: ${contentType}; charset=utf-8`,
    "Content-Transfer-Encoding: base64",
    "",
    wrapped(base64(new TextEncoder().encode(body.replace(/\r?\n/g, "\r\n")))),
  ].join("\r\n");
}

function multipart(subtype: string, parts: string[]): { contentType: string; body: string } {
  const boundary = `=_${crypto.randomUUID().replaceAll("-", "")}`;
  const body = `${parts.map((p) => `--${boundary}\r\n${p}`).join("\r\n")}\r\n--${boundary}--`;
  return { contentType: `multipart/${subtype}; boundary="${boundary}"`, body };
}

function extraHeaders(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([name, value]) => {
    if (!/^[!-9;-~]+$/.test(name)) throw new MessageError(`headers.${name}`, "is not a valid header name");
    if (OWN_HEADERS.has(name.toLowerCase())) {
      throw new MessageError(`headers.${name}`, "is set by the plugin from the message's own fields");
    }
    if (/[\r\n]/.test(value)) throw new MessageError(`headers.${name}`, "may not contain a line break");
    return `${name}: ${encodeWord(value)}`;
  });
}

/**
 * The message as it goes after SMTP's DATA (before dot-stuffing), lines ending in CRLF.
 *
 * @example
 * composeMessage({ to: ["ada@example.com"], cc: [], bcc: ["boss@example.com"], subject: "Hi", text: "Hello",
 *   headers: {}, attachments: [] }, { from: "shop@example.com", messageId: "<k@example.com>" });
 * // "From: shop@example.com\r\nTo: ada@example.com\r\nSubject: Hi\r\n..." (no Bcc header)
 */
export function composeMessage(
  message: EmailMessage,
  envelope: { from: EmailAddress; messageId: string; date?: Date },
): string {
  const alternatives: string[] = [];
  if (message.text !== undefined) alternatives.push(part("text/plain", message.text));
  if (message.html !== undefined) alternatives.push(part("text/html", message.html));
  let content =
    alternatives.length === 1
      ? { contentType: "", body: alternatives[0] ?? "" }
      : multipart("alternative", alternatives);
  if (message.attachments.length > 0) {
    const files = message.attachments.map((a) => {
      if (/[\r\n"]/.test(a.filename + a.content_type)) {
        throw new MessageError("attachments.filename", "may not contain a line break or a quote");
      }
      return [
        `Content-Type: ${a.content_type}; name="${encodeWord(a.filename)}"`,
        "Content-Transfer-Encoding: base64",
        `Content-Disposition: attachment; filename="${encodeWord(a.filename)}"`,
        "",
        wrapped(a.content_base64.replace(/\s+/g, "")),
      ].join("\r\n");
    });
    const first = content.contentType ? `Content-Type: ${content.contentType}\r\n\r\n${content.body}` : content.body;
    content = multipart("mixed", [first, ...files]);
  }
  const headers = [
    `From: ${formatAddress(envelope.from)}`,
    `To: ${message.to.map(formatAddress).join(", ")}`,
    ...(message.cc.length ? [`Cc: ${message.cc.map(formatAddress).join(", ")}`] : []),
    ...(message.reply_to ? [`Reply-To: ${formatAddress(message.reply_to)}`] : []),
    `Subject: ${encodeWord(message.subject)}`,
    `Date: ${(envelope.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${envelope.messageId}`,
    "MIME-Version: 1.0",
    ...extraHeaders(message.headers),
  ];
  // a single part carries its own Content-Type lines at the top of `body`
  const head = content.contentType ? [...headers, `Content-Type: ${content.contentType}`] : headers;
  return content.contentType
    ? `${head.join("\r\n")}\r\n\r\n${content.body}\r\n`
    : `${head.join("\r\n")}\r\n${content.body}\r\n`;
}
