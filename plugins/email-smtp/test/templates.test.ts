/** The templates' own rules: every default passes the check a tenant's override must pass, and values are escaped in HTML only. */
import { describe, expect, it } from "vitest";
import { dotStuffed } from "../src/smtp/send.ts";
import { defaultTemplates, render, templateKinds, templateParts, templatePattern } from "../src/templates.ts";

describe("templates", () => {
  it.each(templateKinds.flatMap((kind) => templateParts.map((part) => [kind, part] as const)))(
    "the default %s %s passes the check an override must pass",
    (kind, part) => {
      expect(new RegExp(templatePattern(kind, part)).test(defaultTemplates[kind][part])).toBe(true);
    },
  );

  it.each([
    ["an unknown placeholder", "Hi {{password}}"],
    ["another e-mail's placeholder", "Total {{total}}"],
    ["a stray {{", "Hi {{ name"],
    ["a line break", "Hi\r\nBcc: x@y.test"],
  ])("refuses a welcome subject with %s", (_name, subject) => {
    expect(new RegExp(templatePattern("welcome", "subject")).test(subject)).toBe(false);
  });

  it("takes a lone brace, as CSS has", () => {
    expect(new RegExp(templatePattern("welcome", "html")).test("<style>p { color: red }</style>{{name}}")).toBe(true);
  });

  it("escapes every value in HTML and leaves text as it is", () => {
    const values = { name: `<b onclick="x">Ada & 'Co'</b>` };
    expect(render("<p>{{name}}</p>", values, "html")).toBe(
      "<p>&lt;b onclick=&quot;x&quot;&gt;Ada &amp; &#39;Co&#39;&lt;/b&gt;</p>",
    );
    expect(render("{{name}}", values, "text")).toBe(values.name);
  });
});

describe("dot-stuffing", () => {
  it("doubles a leading dot, turns bare line ends into CRLF, and ends the data", () => {
    expect(dotStuffed("a\n.\n..b\rc")).toBe("a\r\n..\r\n...b\r\nc\r\n.\r\n");
  });
});
