/** POST /api/admin/plugins: publishing a plugin version (admin-cli publish), and who may. */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../api/src/sandbox/index.ts";
import { client, type ErrorResponse, givenTenant, unique } from "../helpers.ts";

/**
 * What `bundlePlugin(dir)` returns for the fixture `name`, minus the hash, under a slug of its own
 * (the bundle inlines its manifest, so the slug changes there too): tests never share a version.
 */
function bundleAs(name: string, slug = unique(name)) {
  const bundle = env.TEST_PLUGIN_BUNDLES[name];
  if (!bundle) throw new Error(`no fixture ${name}`);
  const old = JSON.stringify(bundle.manifest.slug);
  return {
    manifest: { ...bundle.manifest, slug } as Record<string, unknown>,
    code: bundle.code.replaceAll(old, JSON.stringify(slug)),
  };
}

interface Published {
  slug: string;
  version: string;
  hash: string;
  created: boolean;
}

const product = { product: { title: "Mug", price: 12, currency: "USD" } };

describe("publishing a plugin version", { timeout: 20_000 }, () => {
  it("stores and registers a bundle, which any tenant can then install, activate and run", async () => {
    const bundle = bundleAs("chain-first");
    const { api: publisher } = await (await givenTenant()).publisher();
    const res = await publisher<Published>("POST", "/api/admin/plugins", bundle);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      slug: bundle.manifest.slug,
      version: "1.0.0",
      hash: await sha256Hex(bundle.code),
      created: true,
    });

    // another tenant sees it in the catalogue, and its code runs there
    const { api } = await givenTenant();
    const slug = res.body.slug;
    const available = await api<{ plugins: { slug: string; state: string }[] }>("GET", "/api/admin/plugins/available");
    expect(available.body.plugins).toContainEqual(expect.objectContaining({ slug, state: "available" }));
    expect((await api("POST", `/api/admin/plugins/${slug}/install`)).status).toBe(201);
    expect((await api("POST", `/api/admin/plugins/${slug}/activate`)).status).toBe(200);
    const run = await api<{ steps: { plugin: string; outcome: string }[] }>(
      "POST",
      "/api/admin/hooks/before_product_create/run",
      { payload: product },
    );
    expect(run.body.steps).toEqual([expect.objectContaining({ plugin: slug, outcome: "transformed" })]);
  });

  it("answers 200 with created: false to the same manifest and bundle again", async () => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    const first = await api<Published>("POST", "/api/admin/plugins", bundle);
    const again = await api<Published>("POST", "/api/admin/plugins", bundle);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, created: false });
  });

  it("refuses a different bundle under a published version, telling the author to bump it, and stores nothing", async () => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    const first = await api<Published>("POST", "/api/admin/plugins", bundle);
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", { ...bundle, code: `${bundle.code}\n// v2` });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "VERSION_EXISTS",
      message: expect.stringContaining("Bump the version in the manifest (e.g. to 1.0.1)"),
      details: { slug: bundle.manifest.slug, version: "1.0.0", next_version: "1.0.1" },
    });
    const stored = await env.BUNDLES.list({ prefix: `bundles/${bundle.manifest.slug}/1.0.0/` });
    expect(stored.objects.map((o) => o.key)).toEqual([`bundles/${bundle.manifest.slug}/1.0.0/${first.body.hash}.js`]);
  });

  it("refuses a different manifest under a published version", async () => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    await api("POST", "/api/admin/plugins", bundle);
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", {
      ...bundle,
      manifest: { ...bundle.manifest, description: "now with more steps" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("VERSION_EXISTS");
    expect(res.body.error.message).toContain("a different manifest");
  });

  it("publishes a new version beside the ones before it", async () => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    await api("POST", "/api/admin/plugins", bundle);
    const next = await api<Published>("POST", "/api/admin/plugins", {
      manifest: { ...bundle.manifest, version: "1.1.0" },
      code: bundle.code,
    });
    expect(next.status).toBe(201);
    const details = await api<{ versions: string[] }>("GET", `/api/admin/plugins/${bundle.manifest.slug}`);
    expect(details.body.versions).toEqual(["1.1.0", "1.0.0"]);
  });
});

describe("what a publish refuses", () => {
  it.each([
    ["a version that is not semver", { version: "one" }, "version"],
    [
      "a hook the catalogue does not have",
      { hooks: [{ name: "before_payment_create", handler: "src/step.ts" }] },
      "hooks.0.name",
    ],
    [
      "a setting of an unknown type",
      { settings_schema: { x: { type: "colour", label: "X" } } },
      "settings_schema.x.type",
    ],
  ])("refuses %s with 422 INVALID_MANIFEST, naming the path", async (_what, change, path) => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", {
      ...bundle,
      manifest: { ...bundle.manifest, ...change },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INVALID_MANIFEST");
    expect(res.body.error.message).toContain(`${path}: `);
    expect(res.body.error.details).toEqual({ issues: expect.arrayContaining([expect.objectContaining({ path })]) });
    const details = await api<ErrorResponse>("GET", `/api/admin/plugins/${bundle.manifest.slug}`);
    expect(details.status).toBe(404);
  });

  it("lists every problem of a manifest at once", async () => {
    const { api } = await (await givenTenant()).publisher();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", {
      manifest: { slug: "Not A Slug", version: "x" },
      code: "export default {}",
    });
    expect(res.status).toBe(422);
    const paths = (res.body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "slug", "version"]));
  });

  it.each([
    ["no code", (b: ReturnType<typeof bundleAs>) => ({ manifest: b.manifest }), "code"],
    ["empty code", (b: ReturnType<typeof bundleAs>) => ({ ...b, code: "" }), "code"],
    ["no manifest", (b: ReturnType<typeof bundleAs>) => ({ code: b.code }), "manifest"],
    ["a manifest that is not an object", (b: ReturnType<typeof bundleAs>) => ({ ...b, manifest: "x" }), "manifest"],
    [
      "the bundle's hash, which the platform computes itself",
      (b: ReturnType<typeof bundleAs>) => ({ ...b, hash: "abc" }),
      "hash",
    ],
  ])("answers 400 to a body with %s, naming the field", async (_what, body, field) => {
    const { api } = await (await givenTenant()).publisher();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", body(bundleAs("chain-first")));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_FAILED");
    expect(res.body.error.message).toContain(field);
  });

  it("refuses a bundle over 5 MB with 413, saying what the limit is", async () => {
    const bundle = bundleAs("chain-first");
    const { api } = await (await givenTenant()).publisher();
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", {
      ...bundle,
      code: `${bundle.code}\n//${"x".repeat(5 * 1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: "BUNDLE_TOO_LARGE",
      message: expect.stringMatching(
        /^The bundle is 5(\.\d+)? MB \(\d+ bytes\); a plugin bundle may be at most 5 MB \(5242880 bytes\)\./,
      ),
    });
    expect((await api("GET", `/api/admin/plugins/${bundle.manifest.slug}`)).status).toBe(404);
  });

  it("refuses a request body far over the limit before reading it", async () => {
    const { token } = await (await givenTenant()).publisher();
    const res = await SELF.fetch("http://commerce.test/api/admin/plugins", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ manifest: {}, code: "x".repeat(16 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorResponse).error.code).toBe("BUNDLE_TOO_LARGE");
  });
});

describe("who may publish", () => {
  it("answers 401 without a token", async () => {
    const res = await client()<ErrorResponse>("POST", "/api/admin/plugins", bundleAs("chain-first"));
    expect(res.status).toBe(401);
  });

  it.each(["admin", "owner"] as const)(
    "forbids a tenant's %s without the plugins:publish scope, naming the scope",
    async (role) => {
      const bundle = bundleAs("chain-first");
      const { as } = await givenTenant();
      const res = await as(role)<ErrorResponse>("POST", "/api/admin/plugins", bundle);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("needs a token with the plugins:publish scope; this token has no scopes"),
        details: { required_scope: "plugins:publish", scopes: [] },
      });
      expect((await as(role)("GET", `/api/admin/plugins/${bundle.manifest.slug}`)).status).toBe(404);
    },
  );

  it("forbids a viewer even with the scope: publishing is a change", async () => {
    const { api } = await (await givenTenant()).publisher("viewer");
    const res = await api<ErrorResponse>("POST", "/api/admin/plugins", bundleAs("chain-first"));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("This needs the admin role; the token has viewer.");
  });
});
