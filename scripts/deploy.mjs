// `npm run deploy`: creates or reuses the Cloudflare resources both Workers bind, applies the D1 migrations,
// deploys the API Worker then the consumer Worker and sets their secrets (scripts/lib/deploy/). --help for more.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const [major, minor] = process.versions.node.split(".").map(Number);

// wrangler 4 and the TypeScript libs below need Node >= 22.12; `node scripts/deploy.mjs` on an older Node
// runs again on the repository's own (the "node" devDependency), which also runs the wrangler it starts
if (major < 22 || (major === 22 && minor < 12)) {
  const bin = `${root}node_modules/.bin`;
  if (!existsSync(`${bin}/node`)) {
    console.error(
      `deploy needs Node >= 22.12 (this is ${process.version}); run npm install first, then npm run deploy`,
    );
    process.exit(1);
  }
  const result = spawnSync(`${bin}/node`, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
  });
  process.exit(result.status ?? 1);
}

const { deploy, parseDeployArgs } = await import("./lib/deploy/run.ts");
const { DeployError } = await import("./lib/deploy/errors.ts");
try {
  process.exitCode = await deploy(parseDeployArgs(process.argv.slice(2)));
} catch (error) {
  if (error instanceof DeployError) {
    console.error(`deploy: ${error.code}: ${error.message}`);
    process.exitCode = error.code === "USAGE" ? 2 : 1;
  } else {
    console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
