// Builds the SDK into sdk/dist: JavaScript and type declarations, one file per source file, so the
// bundler still finds its isolate runtime next to its own files (dist/build → dist/runtime).
// Inside the repository the tools resolve the TypeScript source instead, through the
// "@digital-commerce/source" export condition; dist is what an installed SDK runs.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// a file removed from src must not live on in dist
rmSync(resolve(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", resolve(root, "tsconfig.build.json")], { stdio: "inherit" });
