/**
 * The plugin's schema library: zod/mini (the same schemas as zod, tree-shaken, so the bundle stays
 * a fifth of zod's size) with zod's English messages, which zod/mini leaves out by default. Import
 * it as a namespace (`import * as z`): member by member, so the bundler keeps only what is used.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
