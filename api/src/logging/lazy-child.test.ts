import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, lazyChild } from "./index.ts";

describe("a lazy child logger", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes every binding of its chain, and makes no pino child until a line is written", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const root = createLogger("info", { service: "s" });
    const child = vi.spyOn(root, "child");
    const log = lazyChild(root, { request_id: "r1" }).child({ tenant: "t1" }).child({ trace_id: "tr1" });
    expect(child).not.toHaveBeenCalled();
    log.debug("below the level");
    log.info({ a: 1 }, "hello");
    // one pino child for the whole chain of three
    expect(child).toHaveBeenCalledTimes(1);
    log.child({ plugin: "p" }).warn("careful");
    expect(log.level).toBe("info");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        service: "s",
        request_id: "r1",
        tenant: "t1",
        trace_id: "tr1",
        a: 1,
        message: "hello",
      }),
      expect.objectContaining({ request_id: "r1", tenant: "t1", trace_id: "tr1", plugin: "p", message: "careful" }),
    ]);
  });

  it("redacts as the root does", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    lazyChild(createLogger("info"), { request_id: "r" }).info({ config: { api_key: "sk_live_x" } }, "configured");
    expect(lines[0]).not.toContain("sk_live_x");
  });
});
