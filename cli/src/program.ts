/**
 * The admin-cli program: global options, the commands, and exit codes (0 success, 1 failure,
 * 2 usage error). Each command lives in commands/ and registers itself with `register(program)`.
 */
import { Command, CommanderError, Option } from "commander";
import { createClient } from "./client.ts";
import { commands } from "./commands/index.ts";
import { type Connection, resolveConnection } from "./connection.ts";
import { CliError, type ExitCode } from "./errors.ts";
import { createOutput, type Output } from "./output.ts";

export interface GlobalOptions {
  json?: boolean;
  color?: boolean;
  url?: string;
  token?: string;
  tenant?: string;
}

/** What every command's action gets: its output, and (for operations) the connection and client. */
export interface CommandContext {
  out: Output;
  connection(): Connection;
  /** The admin API client; checks, once, that the token belongs to --tenant when one is named. */
  client(): Promise<ReturnType<typeof createClient>>;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = createOutput({ json: Boolean(options.json), ...(options.color === false ? { color: false } : {}) });
  const connection = () => resolveConnection(options);
  return {
    out,
    connection,
    async client() {
      const conn = connection();
      const client = createClient(conn);
      if (conn.tenant) {
        const me = await client.get<{ tenant: { slug: string } }>("/api/admin/whoami");
        if (me.tenant.slug !== conn.tenant) {
          throw new CliError(
            "TENANT_MISMATCH",
            `The token belongs to tenant "${me.tenant.slug}", not "${conn.tenant}"; log in to ${conn.tenant} with admin-cli login --tenant ${conn.tenant} --token <token>.`,
          );
        }
      }
      return client;
    },
  };
}

/** An example for a command's --help, as admin-cli prints them. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

export const VERSION = "0.1.0";

export function createProgram(): Command {
  const program = new Command("admin-cli")
    .description("Develop and operate Digital Commerce plugins from the terminal.")
    // `admin-cli --version` is handled in run(), only as the first argument: commander reads a program
    // option anywhere on the line, so a program --version would swallow `install x --version ^1`
    .addOption(new Option("--json", "machine-readable output: one JSON document on stdout"))
    .addOption(new Option("--no-color", "plain output (also when NO_COLOR is set or stdout is not a terminal)"))
    .addOption(new Option("--url <url>", "the platform's base URL").env("ADMIN_CLI_URL"))
    .addOption(new Option("--token <token>", "an admin API token").env("ADMIN_CLI_TOKEN"))
    .addOption(new Option("--tenant <slug>", "the tenant (store) to act on").env("ADMIN_CLI_TENANT"))
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addHelpText("before", `admin-cli ${VERSION} (--version prints it)\n`);
  program.addHelpText(
    "after",
    examples(
      'admin-cli scaffold payment my-gateway --author "Ada"',
      "admin-cli login --token dcp_...",
      "admin-cli list --installed",
    ),
  );
  for (const register of commands) register(program);
  // every subcommand reports usage errors through the same exit path
  for (const command of program.commands) command.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[]): Promise<ExitCode> {
  if (argv[0] === "-V" || argv[0] === "--version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end this way too, successfully
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
        return 0;
      }
      return 2;
    }
    const options = program.opts<GlobalOptions>();
    const out = createOutput({ json: Boolean(options.json), ...(options.color === false ? { color: false } : {}) });
    if (error instanceof CliError) {
      out.error(error);
      return error.exitCode;
    }
    out.error(new CliError("INTERNAL", error instanceof Error ? (error.stack ?? error.message) : String(error)));
    return 1;
  }
}
