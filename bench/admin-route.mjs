// The admin API's read path (token, tenant scope, zod, JSON) against a bare Hono route in the same
// Worker. Our bar: the admin route keeps at least 0.8 of the bare route's throughput.
import { compare, load, table } from "./load.mjs";

export async function adminRoute({ baseUrl, token }) {
  const auth = { authorization: `Bearer ${token}` };
  // give the tenant something to list: stripe-gateway and core-utils, active (stripe-gateway's required
  // settings set at install, so the activation goes through)
  const config = { secret_key: "sk_test_bench", webhook_secret: "whsec_test_bench" };
  for (const [path, body] of [
    ["stripe-gateway/install", { config }],
    ["stripe-gateway/activate?cascade=true", undefined],
  ]) {
    const res = await fetch(`${baseUrl}/api/admin/plugins/${path}`, {
      method: "POST",
      headers: body ? { ...auth, "content-type": "application/json" } : auth,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`bench setup: POST ${path} answered ${res.status} ${await res.text()}`);
  }
  const bare = { name: "GET /healthz (bare Hono route)", url: `${baseUrl}/healthz` };
  const admin = {
    name: "GET /api/admin/plugins/installed",
    url: `${baseUrl}/api/admin/plugins/installed`,
    headers: auth,
  };
  const uncached = {
    ...admin,
    name: "  same, Cache-Control: no-cache",
    headers: { ...auth, "cache-control": "no-cache" },
  };
  for (const c of [bare, admin, uncached]) await load({ url: c.url, headers: c.headers, duration: 1 }); // warm-up

  const rows = await compare([bare, admin, uncached], { rounds: 3, duration: 5, connections: 8 });
  console.log(
    "\nAdmin API read route against a bare route (wrangler dev; 8 connections; median of 3 interleaved 5 s runs)",
  );
  console.log(table(rows));
  const [b, a, u] = rows;
  console.log(`throughput ratio admin/bare: ${(a.rps / b.rps).toFixed(2)} (bar: >= 0.80)`);
  console.log(`throughput ratio admin with no-cache/bare: ${(u.rps / b.rps).toFixed(2)} (every request reads D1)`);
  return { bare: b, admin: a, uncached: u };
}
