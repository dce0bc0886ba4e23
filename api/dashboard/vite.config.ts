// Builds the operator dashboard into api/dashboard/dist, which wrangler.toml's [assets] serves from the API Worker.
import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), tailwindcss()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    outDir: "dist",
    // `npm run dev`'s watcher keeps the folder wrangler is serving instead of emptying it on each rebuild
    emptyOutDir: process.env.DASHBOARD_KEEP_OUT_DIR !== "1",
  },
});
