#!/usr/bin/env node
// The installed entry point: the CLI built by `npm run build -w admin-cli` (cli/dist).
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";

// Inside the platform's repository (the CLI's source is beside it; its package ships only bin and dist),
// @digital-commerce/plugin-sdk resolves to its TypeScript source, as the repository's other tools do
// (sdk/package.json's "@digital-commerce/source" condition), so `npx admin-cli` there runs the SDK as it is
// now, with no build of it first. Installed, the SDK's dist.
if (existsSync(new URL("../src/main.ts", import.meta.url))) {
  registerHooks({
    resolve: (specifier, context, next) =>
      next(specifier, { ...context, conditions: [...context.conditions, "@digital-commerce/source"] }),
  });
}
await import("../dist/admin-cli.js");
