/**
 * Writes the generated parts of sdk/README.md (the hook reference, from the hook catalogue):
 * `node sdk/scripts/readme.ts` from the repository root, after changing a hook or a payload.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withHookReference } from "./hook-reference.ts";

const file = resolve(import.meta.dirname, "../README.md");
const before = readFileSync(file, "utf8");
const after = withHookReference(before);
writeFileSync(file, after);
console.log(
  after === before ? "sdk/README.md: the hook reference was up to date" : "sdk/README.md: hook reference rewritten",
);
