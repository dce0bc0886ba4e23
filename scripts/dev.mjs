// `npm run dev`: applies the D1 migrations, seeds the demo tenant and every plugin under plugins/,
// builds the operator dashboard, prints the demo admin token, then serves the API and consumer Workers
// (the dashboard among the API Worker's assets) on http://127.0.0.1:8787, rebuilding the dashboard on change.
import { buildDashboard, watchDashboard } from "./lib/dashboard.mjs";
import { prepareLocalState, startPlatform } from "./lib/platform.mjs";
import { DEMO_TENANT } from "./lib/seed.mjs";

const port = process.env.PORT ?? "8787";

console.log("Applying D1 migrations and seeding demo data (local)...");
const { token, manifests } = await prepareLocalState({ token: process.env.DEMO_ADMIN_TOKEN || undefined });
console.log("Building the dashboard...");
buildDashboard({ quiet: true });

console.log(
  [
    "",
    `Demo tenant "${DEMO_TENANT.slug}" with plugins available: ${manifests.map((m) => `${m.slug}@${m.version}`).join(", ")}`,
    `Admin token (owner): ${token}`,
    `  export TOKEN=${token}`,
    `  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${port}/api/admin/plugins/available`,
    `Dashboard: http://127.0.0.1:${port}/  (sign in with the token above)`,
    `API docs: http://127.0.0.1:${port}/api/docs`,
    "",
  ].join("\n"),
);

const child = startPlatform({ port, extraArgs: process.argv.slice(2) });
const watcher = watchDashboard();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    watcher.kill(signal);
    child.kill(signal);
  });
}
child.on("exit", (code) => {
  watcher.kill("SIGTERM");
  process.exit(code ?? 0);
});
