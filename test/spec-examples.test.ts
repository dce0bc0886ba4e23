/** The spec's "Testing" examples, as written there, against the real registry. */

import { env } from "cloudflare:test";
import { createPlugin } from "@digital-commerce/plugin-sdk";
import { describe, expect, it } from "vitest";
import { createPluginManager } from "../api/src/manager/index.ts";

const pluginManager = createPluginManager(env.DB);

describe("Plugin System", () => {
  it("should register valid plugin", async () => {
    const manifest = createPlugin("Test Plugin", "test").category("payment").build();

    await pluginManager.registerPlugin(manifest);

    const plugins = await pluginManager.listPlugins();
    expect(plugins).toContainEqual(expect.objectContaining({ slug: "test" }));
  });
});

describe("registration", () => {
  it("refuses a manifest that does not validate, listing each problem with its path", async () => {
    await expect(pluginManager.registerPlugin({ name: "Bad", slug: "Bad Slug", version: "one" })).rejects.toMatchObject(
      {
        code: "INVALID_MANIFEST",
        details: {
          issues: expect.arrayContaining([
            expect.objectContaining({ path: "slug" }),
            expect.objectContaining({ path: "version" }),
          ]),
        },
      },
    );
  });

  it("refuses different contents under a version already registered", async () => {
    const manifest = createPlugin("Versioned", "versioned-plugin").version("1.0.0").build();
    await pluginManager.registerPlugin(manifest);
    await expect(pluginManager.registerPlugin(manifest)).resolves.toMatchObject({ created: false });
    await expect(pluginManager.registerPlugin({ ...manifest, description: "changed" })).rejects.toMatchObject({
      code: "VERSION_EXISTS",
    });
  });
});
