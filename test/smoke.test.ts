import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("serves and has tables", async () => {
  const res = await SELF.fetch("http://x/");
  expect(res.status).toBe(200);
  const t = await env.DB.prepare("select count(*) as n from tenants").first();
  expect(t).toEqual({ n: 0 });
});
