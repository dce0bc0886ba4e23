/**
 * admin-cli hooks: the catalogue, and the offline refusals of `hooks run` (a wrong hook or payload is
 * a usage error before any request). Its runs against the platform are in pipeline.test.ts.
 */
import { describe, expect, it } from "vitest";
import { givenWorkspace } from "./workspace.ts";

const ws = givenWorkspace();
// nothing listens there: a refusal that reached for the platform would exit 1 UNREACHABLE, not 2
const offline = { ADMIN_CLI_URL: "http://127.0.0.1:9", ADMIN_CLI_TOKEN: "dcp_unused" };

describe("admin-cli hooks list", () => {
  it("lists the 21 hooks of the catalogue with their kind and payload type", async () => {
    const run = await ws.cli(["--json", "hooks", "list"]);
    expect(run.code).toBe(0);
    const { hooks } = run.json<{ hooks: { name: string; kind: string; payload: string }[] }>();
    expect(hooks).toHaveLength(21);
    expect(hooks).toContainEqual(
      expect.objectContaining({ name: "before_payment_process", kind: "before", payload: "PaymentHookData" }),
    );
    expect(hooks.filter((h) => h.kind === "before").map((h) => h.name)).toEqual([
      "before_product_create",
      "before_product_update",
      "before_order_create",
      "before_order_complete",
      "before_payment_process",
      "before_user_create",
      "before_authenticate",
    ]);
    const human = await ws.cli(["hooks", "list"]);
    expect(human.stdout).toMatch(/after_order_create\s+notification\s+OrderHookData\s+An order was created\./);
  });
});

describe("admin-cli hooks run, offline refusals", () => {
  it("refuses an unknown hook with the closest names, exit 2", async () => {
    ws.write({ "payment.json": '{"payment":{"amount":1,"currency":"USD"}}' });
    const run = await ws.cli(["--json", "hooks", "run", "before_payment_create", "--payload", "payment.json"], {
      env: offline,
    });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({
      error: {
        code: "USAGE",
        message: expect.stringContaining('did you mean "before_payment_process"?'),
        details: { suggestions: ["before_payment_process", "after_payment_failure", "after_payment_success"] },
      },
    });
  });

  it("refuses a payload that does not fit the hook's schema, naming each field, exit 2", async () => {
    ws.write({ "bad-payment.json": '{"payment":{"amount":-1,"currency":"dollars"}}' });
    const run = await ws.cli(["--json", "hooks", "run", "before_payment_process", "--payload", "bad-payment.json"], {
      env: offline,
    });
    expect(run.code).toBe(2);
    const { error } = run.json<{ error: { message: string; details: { issues: { path: string }[] } } }>();
    expect(error.message).toContain("is not a before_payment_process payload (PaymentHookData)");
    expect(error.details.issues.map((i) => i.path)).toEqual(["payload.payment.amount", "payload.payment.currency"]);
  });

  it.each([
    [["hooks", "run", "user_login", "--payload", "missing.json"], /--payload missing\.json does not exist/],
    [["hooks", "run", "user_login", "--payload", "not-json.json"], /--payload not-json\.json is not JSON/],
    [["hooks", "run", "user_login"], /required option '--payload <file>' not specified/],
    [["hooks", "run", "--payload", "not-json.json"], /missing required argument 'hook'/],
  ])("refuses %j with exit 2", async (args, message) => {
    ws.write({ "not-json.json": "{ user: " });
    const run = await ws.cli(args, { env: offline });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("reads the payload from stdin with --payload -, and checks it the same way", async () => {
    const run = await ws.cli(["hooks", "run", "user_login", "--payload", "-"], {
      env: offline,
      input: '{"user":{"email":"not an email"}}',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("payload.user.email");
  });

  it("goes to the platform once the payload is right (here: none listening, exit 1)", async () => {
    const run = await ws.cli(["--json", "hooks", "run", "user_login", "--payload", "-"], {
      env: offline,
      input: '{"user":{"email":"ada@example.com"}}',
    });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ error: { code: "UNREACHABLE" } });
  });
});
