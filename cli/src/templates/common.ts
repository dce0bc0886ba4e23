/** The files every scaffolded plugin gets whatever its category: its README and package.json. */
import { categoryMethods } from "@digital-commerce/plugin-sdk";
import type { PluginNames } from "./names.ts";
import type { CategoryTemplate } from "./template.ts";

const list = (items: string[]) => items.map((item) => `- ${item}`).join("\n");

export function readmeOf(p: PluginNames, template: CategoryTemplate): string {
  const { readme } = template;
  const methods = categoryMethods[p.category];
  const files = Object.keys(template.files).sort();
  return `# ${p.name}

\`${p.slug}\`, a ${p.category} plugin for the Digital Commerce platform${p.author ? `, by ${p.author}` : ""}.

${readme.summary}

## What it does

${methods.length > 0 ? `Methods (${p.category}): ${methods.map((m) => `\`${m}\``).join(", ")}, in \`plugin.ts\`.\n\n` : ""}Hooks:

${list(readme.hooks)}

Endpoints:

${list(readme.endpoints)}

Settings (\`admin-cli config set ${p.slug} key=value\`):

${list(readme.settings)}

## Files

${list(files.map((f) => `\`${f}\``))}

## Develop

\`\`\`sh
node --test plugin.test.ts           # the tests, Node 22.18 or later (older ones cannot run .ts)
admin-cli validate .                 # manifest, handler files, plugin.ts, bundle: every problem at once
admin-cli add-hook after_order_create .   # another hook: a typed handler and its manifest entry
admin-cli build . --out bundle.json  # the bundle the platform runs
admin-cli dev .                      # publishes each build, installs and activates it for your tenant, upgrades it on every change
\`\`\`

For a release: \`admin-cli publish .\`; each tenant then moves to it with \`admin-cli upgrade ${p.slug}\`.

The tests run against \`createTestContext\` from \`@digital-commerce/plugin-sdk/testing\`: a real plugin
context in memory (SQLite with the manifest's migrations, cache, storage, events, a logger that
records its lines, and the egress gate), holding only the capabilities the manifest declares.

## Next

${readme.next}
`;
}

/**
 * The plugin's package.json. `sdk` is the SDK's version range when the plugin installs the SDK itself
 * (outside the platform's repository); inside it, the repository's workspace provides the SDK.
 */
export function packageJsonOf(p: PluginNames, sdk?: string): string {
  const pkg = {
    name: p.slug,
    private: true,
    type: "module",
    description: `${p.name}: a ${p.category} plugin for the Digital Commerce platform`,
    ...(p.author ? { author: p.author } : {}),
    scripts: { test: "node --test plugin.test.ts", validate: "admin-cli validate .", build: "admin-cli build ." },
    // type stripping of .ts files and node:sqlite (for the SDK's test context)
    engines: { node: ">=22.18" },
    ...(sdk
      ? {
          dependencies: { "@digital-commerce/plugin-sdk": sdk },
          // the tests import node:test and node:assert, whose types an editor or tsc reads from @types/node
          devDependencies: { "@types/node": "^22.18.0" },
        }
      : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
