/**
 * Service addresses: a url setting marked `egress` is a host the operator grants the plugin by
 * configuring it, so the same code reaches the real service in production and a local counterpart in
 * tests. Nothing else becomes reachable, and the address rule of webhook endpoints applies to it.
 */

import { createPlugin, ManifestError } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { prepareConfig } from "../../api/src/config/index.ts";
import { givenTenantWith } from "../helpers.ts";
import { ALLOWED_PORT, FORBIDDEN_PORT } from "../peers/ports.ts";

const serviceUrl = `http://127.0.0.1:${ALLOWED_PORT}/service`;

describe("a service-address setting", () => {
  it("lets the plugin reach the host the operator configured", async () => {
    const { api } = await givenTenantWith({ "web-flow": { signing_secret: "s", service_url: serviceUrl } });
    const res = await api<{ status: number; body: string }>("POST", "/api/plugins/web-flow/call-service");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(200);
    expect(JSON.parse(res.body.body)).toMatchObject({ ok: true, path: "/service" });
  });

  it("grants that host and no other", async () => {
    const { api } = await givenTenantWith({ "web-flow": { signing_secret: "s", service_url: serviceUrl } });
    const res = await api<{ status: number; body: string }>(
      "POST",
      `/api/plugins/web-flow/call-service?url=${encodeURIComponent(`http://127.0.0.1:${FORBIDDEN_PORT}/`)}`,
    );
    expect(res.body.status).toBe(403);
    expect(res.body.body).toContain("EGRESS_DENIED");
  });

  it("reaches nothing while it is not configured", async () => {
    const { api } = await givenTenantWith({ "web-flow": { signing_secret: "s" } });
    const res = await api<{ status: number; body: string }>(
      "POST",
      `/api/plugins/web-flow/call-service?url=${encodeURIComponent(serviceUrl)}`,
    );
    expect(res.body.status).toBe(403);
  });

  it.each([
    ["loopback", "http://127.0.0.1:9999/", "loopback"],
    ["a private network", "https://10.0.0.8/", "private"],
    ["cloud metadata", "http://169.254.169.254/latest", "linkLocal"],
    ["this machine by name", "https://localhost/", "names this machine"],
  ])("refuses %s outside development, naming the field", async (_name, url, reason) => {
    const settings = {
      service_url: { type: "url" as const, label: "Service", egress: true, required: false, sensitive: false },
    };
    const refused = prepareConfig(settings, { service_url: url }, {}, { secret: "x", tenantId: "t", slug: "p" });
    await expect(refused).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(refused).rejects.toThrow(new RegExp(`config\\.service_url: .*${reason}`));
  });

  it("is only possible for a url setting", () => {
    const build = () =>
      createPlugin("Bad", "bad-egress").setting("host", { type: "string", label: "Host", egress: true }).build();
    expect(build).toThrow(ManifestError);
    expect(build).toThrow(/settings_schema\.host\.egress: only a setting of type "url"/);
  });
});
