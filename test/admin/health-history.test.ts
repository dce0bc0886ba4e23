/** A plugin's calls over time (GET /api/admin/plugins/:slug/health/history): what the dashboard's health charts draw. */
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorResponse, eventually, givenPublished, givenTenant } from "../helpers.ts";

interface Point {
  at: string;
  calls: number;
  errors: number;
  timeouts: number;
  limits: number;
  p50_ms: number | null;
  p95_ms: number | null;
  connections: number;
  denied_egress: number;
}
interface History {
  bucket: string;
  from: string;
  to: string;
  points: Point[];
}

beforeAll(async () => {
  await givenPublished("probe");
});

async function givenProbe() {
  const given = await givenTenant();
  expect((await given.api("POST", "/api/admin/plugins/probe/install", { config: { secret_token: "t" } })).status).toBe(
    201,
  );
  expect((await given.api("POST", "/api/admin/plugins/probe/activate")).status).toBe(200);
  return given;
}

describe("a plugin's call history", () => {
  it("counts this hour's calls, failures and denied egress, with latency percentiles, and zeros before", async () => {
    const { api } = await givenProbe();
    for (let i = 0; i < 3; i++) expect((await api("GET", "/api/plugins/probe/context")).status).toBe(200);
    // a statement the plugin's database refuses: the plugin throws, the call is an error
    expect((await api("POST", "/api/plugins/probe/db", { sql: "SELECT * FROM no_such_table" })).status).toBe(502);
    await api("POST", "/api/plugins/probe/http", { url: "http://127.0.0.1:8792/steal" });
    // calls are accounted after their answer: read once all seven are in
    const res = await eventually(async () => {
      const r = await api<History>("GET", "/api/admin/plugins/probe/health/history?bucket=hour&buckets=6");
      return r.status === 200 && r.body.points.at(-1)?.calls === 7 ? r : undefined;
    });
    expect(res.body.bucket).toBe("hour");
    expect(res.body.points).toHaveLength(6);
    const hours = res.body.points.map((p) => Date.parse(p.at));
    expect(hours.every((t, i) => i === 0 || t - (hours[i - 1] as number) === 3_600_000)).toBe(true);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(6 * 3_600_000);
    const now = res.body.points.at(-1) as Point;
    // onInstall, onActivate, three context reads, the refused statement, the http call
    expect(now).toMatchObject({ calls: 7, errors: 1, timeouts: 0, limits: 0, connections: 0, denied_egress: 1 });
    expect(now.p50_ms).toBeGreaterThanOrEqual(0);
    expect(now.p95_ms).toBeGreaterThanOrEqual(now.p50_ms as number);
    for (const earlier of res.body.points.slice(0, -1)) {
      expect(earlier).toMatchObject({ calls: 0, errors: 0, p50_ms: null, p95_ms: null, denied_egress: 0 });
    }
  });

  it("is this tenant's alone", async () => {
    await givenProbe().then(({ api }) => api("GET", "/api/plugins/probe/context"));
    const other = await givenProbe();
    const total = async () => {
      const res = await other.api<History>("GET", "/api/admin/plugins/probe/health/history?bucket=minute&buckets=5");
      return res.body.points.reduce((n, p) => n + p.calls, 0);
    };
    // only its own install and activate, once both are accounted; never the first tenant's read
    await eventually(async () => ((await total()) >= 2 ? true : undefined));
    expect(await total()).toBe(2);
  });

  it.each([
    ["bucket=week", "bucket"],
    ["buckets=0", "buckets"],
    ["buckets=500", "buckets"],
  ])("refuses %s, naming the field", async (query, field) => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("GET", `/api/admin/plugins/probe/health/history?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });

  it("answers 404 for a plugin the catalogue does not have", async () => {
    const { api } = await givenTenant();
    const res = await api<ErrorResponse>("GET", "/api/admin/plugins/nope/health/history");
    expect(res.status).toBe(404);
  });
});
