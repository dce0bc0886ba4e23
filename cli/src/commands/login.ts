/** `admin-cli login`: checks a token against the platform and saves it as the tenant's profile. */
import type { Command } from "commander";
import type { WhoAmI } from "../api.ts";
import { createClient } from "../client.ts";
import { configPath, DEFAULT_URL, saveProfile } from "../connection.ts";
import { CliError } from "../errors.ts";
import { contextOf, examples } from "../program.ts";

export function registerLogin(program: Command): void {
  program
    .command("login")
    .description("Check an API token and save it (with the URL) as the current profile")
    .addHelpText(
      "after",
      examples(
        "admin-cli login --token dcp_demo_walkthrough",
        "admin-cli login --url https://commerce.example.com --token dcp_... --tenant my-store",
      ),
    )
    .action(async (_options, command: Command) => {
      const ctx = contextOf(command);
      const flags = command.optsWithGlobals<{ url?: string; token?: string; tenant?: string }>();
      if (!flags.token) throw new CliError("USAGE", "login needs --token (or ADMIN_CLI_TOKEN).", { exitCode: 2 });
      const url = (flags.url ?? DEFAULT_URL).replace(/\/+$/, "");
      const me = await ctx.out.spin(`Checking the token against ${url}`, () =>
        createClient({ url, token: flags.token }).get<WhoAmI>("/api/admin/whoami"),
      );
      if (flags.tenant && flags.tenant !== me.tenant.slug) {
        throw new CliError(
          "TENANT_MISMATCH",
          `The token belongs to tenant "${me.tenant.slug}", not "${flags.tenant}".`,
        );
      }
      saveProfile({ url, token: flags.token, tenant: me.tenant.slug });
      ctx.out.result({ tenant: me.tenant, role: me.role, url, config: configPath() }, () =>
        ctx.out.success(
          `Logged in to ${ctx.out.c.bold(me.tenant.slug)} (${me.tenant.name}) as ${me.role} at ${url}; saved to ${configPath()}`,
        ),
      );
    });
}
