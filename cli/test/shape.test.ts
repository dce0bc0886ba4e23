/** The CLI's shape: help with examples, exit codes, JSON errors. */
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.ts";

describe("admin-cli", () => {
  it("prints help with examples and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
  });

  it("exits 2 on an unknown command or a missing option", async () => {
    expect((await runCli(["bogus"])).code).toBe(2);
    expect((await runCli(["login"])).code).toBe(2);
  });

  it("exits 1 with a JSON error when the platform cannot be reached", async () => {
    const run = await runCli(["--json", "login", "--token", "dcp_x", "--url", "http://127.0.0.1:9"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ error: { code: "UNREACHABLE" } });
  });
});
