// Builds the CLI into one ES module, cli/dist/admin-cli.js. npm packages and the SDK stay imports:
// the SDK's bundler finds its isolate runtime next to its own files (an installed SDK's dist; inside
// the repository, with node --conditions=@digital-commerce/source, its TypeScript source).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [resolve(root, "src/main.ts")],
  outfile: resolve(root, "dist/admin-cli.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  logLevel: "warning",
});
