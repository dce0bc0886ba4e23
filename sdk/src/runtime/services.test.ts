/**
 * `context.plugins` as the isolate builds it, and the plain-data rule both sides of a service call
 * apply. Calls through the platform are tested in test/sandbox/services.test.ts, through the SDK's
 * test context in cli/test/sdk-testing-services.test.ts.
 */
import { describe, expect, it } from "vitest";
import { createPlugin } from "../builder.ts";
import { plainDataProblem, serviceClients } from "./services.ts";

const caller = createPlugin("Caller", "caller-test")
  .version("1.0.0")
  .dependency("core-utils", "^1.3.0")
  .dependency("notes-test", "^1.0.0")
  .build();

const invocation = {
  tenant: { id: "tenant_1", slug: "shop", name: "Shop", settings: {} },
  plugin: { id: "caller-test@1.0.0", slug: "caller-test", version: "1.0.0", config: {} },
};

const untyped = (plugins: unknown) => plugins as Record<string, Record<string, unknown> | undefined>;

describe("context.plugins", () => {
  it("lists exactly the manifest's dependencies", () => {
    const plugins = untyped(serviceClients(undefined, caller, invocation));
    expect(Object.keys(plugins)).toEqual(["core-utils", "notes-test"]);
    expect("probe" in plugins).toBe(false);
    expect(Object.isFrozen(plugins)).toBe(true);
  });

  it("offers any service name of a dependency, and nothing an inspector or `await` probes", async () => {
    const core = untyped(serviceClients(undefined, caller, invocation))["core-utils"];
    expect(typeof core?.formatMoney).toBe("function");
    for (const name of ["then", "toJSON", "constructor", "__proto__", "not a name"])
      expect(core?.[name]).toBeUndefined();
    expect(await core).toBe(core);
  });

  it("refuses a call where no platform connects the plugin, naming the dependency and the service", async () => {
    const plugins = untyped(serviceClients(undefined, caller, invocation));
    const formatMoney = plugins["core-utils"]?.formatMoney as (...args: unknown[]) => Promise<unknown>;
    await expect(formatMoney(1250, "USD")).rejects.toThrow(
      "DEPENDENCY_NOT_ACTIVE: caller-test cannot call core-utils.formatMoney here: no platform connects it to its dependencies.",
    );
    // a slug outside the dependencies answers a client whose calls are refused, not "undefined is not a function"
    const context = plugins.probe?.context as () => Promise<unknown>;
    await expect(context()).rejects.toThrow(
      "NOT_A_DEPENDENCY: caller-test does not depend on probe, so it cannot call its services; its manifest's dependencies are core-utils, notes-test.",
    );
  });

  it("is empty for a plugin without dependencies", () => {
    const bare = createPlugin("Bare", "bare-test").build();
    expect(Object.keys(serviceClients(undefined, bare, invocation))).toEqual([]);
  });
});

describe("plain data", () => {
  it.each([
    ["primitives", [1250, "USD", null, undefined, true, 10n]],
    ["nested objects and arrays", [{ nested: [{ deep: "yes" }] }]],
    [
      "dates, patterns, errors, maps, sets and bytes",
      [new Date(0), /x/, new Error("e"), new Map([["k", 1]]), new Set([1]), new ArrayBuffer(2), new Uint8Array(2)],
    ],
    ["an object without a prototype", [Object.create(null)]],
  ])("takes %s", (_what, args) => {
    expect(plainDataProblem(args, "args")).toBeNull();
  });

  it.each([
    ["a function", [() => 1], "args[0] is a function"],
    ["a function deep inside", [{ fee: { compute: () => 1 } }], "args[0].fee.compute is a function"],
    ["a symbol", [Symbol("s")], "args[0] is a symbol"],
    ["a class instance", [new (class Money {})()], "args[0] is a Money, not plain data"],
    ["a map holding a function", [new Map([["k", () => 1]])], "args[0].get(k) is a function"],
    ["a stream", [new ReadableStream()], "args[0] is a ReadableStream, not plain data"],
  ])("refuses %s", (_what, args, problem) => {
    expect(plainDataProblem(args, "args")).toBe(problem);
  });

  it("walks a structure that refers to itself without looping", () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(plainDataProblem([loop], "args")).toBeNull();
  });
});
