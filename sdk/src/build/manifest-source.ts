/**
 * Edits a plugin's manifest.ts as its author would: a `.hook(...)` call added to the builder
 * chain just before `.build()`, or the `.version(...)` call's version changed, leaving every
 * other byte (comments, formatting) as it was. The TypeScript is parsed by stripping its types
 * with Node's `stripTypeScriptTypes`, which replaces them with spaces, so the positions acorn
 * finds in the JavaScript are the positions in the TypeScript source.
 */
import { stripTypeScriptTypes } from "node:module";
import type { CallExpression, Expression, MemberExpression, Node, Program, VariableDeclarator } from "acorn";
import { parse } from "acorn";
import { full } from "acorn-walk";
import MagicString from "magic-string";

export type ManifestSourceErrorCode = "MANIFEST_UNPARSABLE" | "NO_BUILDER_CHAIN";

export class ManifestSourceError extends Error {
  readonly code: ManifestSourceErrorCode;

  constructor(code: ManifestSourceErrorCode, message: string) {
    super(message);
    this.name = "ManifestSourceError";
    this.code = code;
  }
}

/** Node marks stripTypeScriptTypes experimental and says so once per process; a CLI's user cannot act on that. */
function stripTypes(source: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    if (!String(warning).includes("stripTypeScriptTypes")) emitWarning.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: "strip" });
  } finally {
    process.emitWarning = emitWarning;
  }
}

function parseManifestSource(source: string): Program {
  try {
    return parse(stripTypes(source), { ecmaVersion: "latest", sourceType: "module" });
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    throw new ManifestSourceError("MANIFEST_UNPARSABLE", `manifest.ts cannot be parsed: ${message}`);
  }
}

const isMemberCall = (node: Node, name: string): node is CallExpression & { callee: MemberExpression } =>
  node.type === "CallExpression" &&
  (node as CallExpression).callee.type === "MemberExpression" &&
  !((node as CallExpression).callee as MemberExpression).computed &&
  ((node as CallExpression).callee as MemberExpression).property.type === "Identifier" &&
  (((node as CallExpression).callee as MemberExpression).property as { name: string }).name === name;

/** The expression `manifest` is declared with, where there is one; else the whole program. */
function manifestInit(program: Program): Node {
  let init: Expression | null | undefined;
  full(program, (node) => {
    const declarator = node as VariableDeclarator;
    if (
      node.type === "VariableDeclarator" &&
      declarator.id.type === "Identifier" &&
      declarator.id.name === "manifest"
    ) {
      init ??= declarator.init;
    }
  });
  return init ?? program;
}

type MemberCall = CallExpression & { callee: MemberExpression };

/**
 * The builder chain: its `.build()` call and the calls before it, last first. Only the chain's own
 * calls count: a `.hook()` inside a callback (`hooks.reduce((b, h) => b.hook(h, ...), ...)`) is not one.
 */
function chainOf(program: Program): { build: MemberCall; spine: MemberCall[] } {
  let build: MemberCall | undefined;
  full(manifestInit(program), (node) => {
    if (isMemberCall(node, "build") && (!build || node.end - node.start > build.end - build.start)) build = node;
  });
  if (!build) {
    throw new ManifestSourceError(
      "NO_BUILDER_CHAIN",
      "manifest.ts does not build its manifest with the SDK builder (a chain ending in .build()); add the call by hand",
    );
  }
  const spine: MemberCall[] = [];
  let node: Node = build.callee.object;
  while (node.type === "CallExpression" && (node as CallExpression).callee.type === "MemberExpression") {
    spine.push(node as MemberCall);
    node = (node as MemberCall).callee.object;
  }
  return { build, spine };
}

const nameOf = (call: MemberCall) => (call.callee.property as { name?: string }).name;

/** Where the `.` of a chained call is, and whether it starts its own line (after indentation). */
function dotOf(source: string, call: MemberCall): { dot: number; lineStart: number; ownLine: boolean } {
  const dot = source.lastIndexOf(".", call.callee.property.start);
  const lineStart = source.lastIndexOf("\n", dot) + 1;
  return { dot, lineStart, ownLine: dot >= call.callee.object.end && /^[ \t]*$/.test(source.slice(lineStart, dot)) };
}

/**
 * Inserts `call` (`.hook(...)`) into the chain: after `after` when given (the chain's last call of the
 * same kind), else just before `.build()`; on its own line when the chain has one call per line.
 */
function insertIntoChain(source: string, chain: { build: MemberCall }, call: string, after?: MemberCall): string {
  const out = new MagicString(source);
  if (after) {
    const { dot, lineStart, ownLine } = dotOf(source, after);
    const lineEnd = source.indexOf("\n", after.end);
    // a trailing comment stays on the line it annotates
    const rest = source.slice(after.end, lineEnd === -1 ? source.length : lineEnd);
    if (ownLine && lineEnd !== -1 && /^\s*(\/\/.*)?$/.test(rest)) {
      out.appendLeft(lineEnd, `\n${source.slice(lineStart, dot)}${call}`);
    } else {
      out.appendLeft(after.end, call);
    }
    return out.toString();
  }
  const { lineStart, ownLine, dot } = dotOf(source, chain.build);
  if (ownLine) out.appendLeft(lineStart, `${source.slice(lineStart, dot)}${call}\n`);
  else out.appendLeft(chain.build.callee.object.end, call);
  return out.toString();
}

/**
 * manifest.ts's source with `.hook(name, handler[, priority])` added to the builder chain.
 *
 * @example
 * const next = addHookCall(source, "after_order_create", "src/hooks/afterOrderCreate.ts");
 */
export function addHookCall(source: string, hook: string, handler: string, priority?: number): string {
  const args = [JSON.stringify(hook), JSON.stringify(handler), ...(priority === undefined ? [] : [String(priority)])];
  const chain = chainOf(parseManifestSource(source));
  const lastHook = chain.spine.find((c) => nameOf(c) === "hook");
  return insertIntoChain(source, chain, `.hook(${args.join(", ")})`, lastHook);
}

/**
 * manifest.ts's source with its version set to `version`: the `.version("...")` call's argument
 * replaced, or a `.version(...)` call added when the chain has none.
 *
 * @example
 * const next = setVersionCall(source, "1.0.1");
 */
export function setVersionCall(source: string, version: string): string {
  const chain = chainOf(parseManifestSource(source));
  const call = chain.spine.find((c) => nameOf(c) === "version");
  const literal = call?.arguments[0];
  if (call && call.arguments.length === 1 && literal?.type === "Literal" && typeof literal.value === "string") {
    const out = new MagicString(source);
    out.overwrite(literal.start, literal.end, JSON.stringify(version));
    return out.toString();
  }
  if (call) {
    throw new ManifestSourceError(
      "NO_BUILDER_CHAIN",
      "manifest.ts sets its version with an expression, not a string; change it by hand",
    );
  }
  return insertIntoChain(source, chain, `.version(${JSON.stringify(version)})`);
}
