/**
 * Loop guards for the local runtime. Production stops a plugin that spins with
 * the Worker Loader's `limits.cpuMs`; local workerd enforces no limit, and one
 * `while (true) {}` freezes the whole process (measured; see README, Sandbox).
 * So the bundler puts a call to the guard at the top of every loop body; the
 * guard throws once the call has run past its time budget. In production the
 * clock does not advance during synchronous code, so there the guard never fires
 * and cpuMs does the work.
 */
import type { Node } from "acorn";
import { parse } from "acorn";
import { simple } from "acorn-walk";
import MagicString from "magic-string";

/** The global the runtime defines (non-writable) and every guarded loop calls. */
export const LOOP_GUARD = "__dcpLoopGuard";

type LoopNode = Node & { body: Node & { type: string } };

export function guardLoops(code: string): string {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const out = new MagicString(code);
  const guard = (node: Node) => {
    const body = (node as LoopNode).body;
    if (body.type === "BlockStatement") {
      out.appendLeft(body.start + 1, `${LOOP_GUARD}();`);
    } else {
      out.prependLeft(body.start, `{${LOOP_GUARD}();`);
      out.appendRight(body.end, "}");
    }
  };
  simple(ast, {
    WhileStatement: guard,
    DoWhileStatement: guard,
    ForStatement: guard,
    ForInStatement: guard,
    ForOfStatement: guard,
  });
  return out.toString();
}
