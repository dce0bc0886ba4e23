/** The dev variant of ./jsx-runtime.ts, which some toolchains import for `jsx: "react-jsxdev"`; same nodes. */
import { Fragment, jsx } from "./jsx-runtime.ts";

export type { JSX } from "./jsx-runtime.ts";
export { Fragment };

/**
 * What `react-jsxdev` compiles TSX to; the source location is not kept in the tree.
 *
 * @example
 * jsxDEV(Badge, { children: "EUR" }, "eur");
 */
export function jsxDEV(type: Parameters<typeof jsx>[0], props: Record<string, unknown>, key?: string | number) {
  return jsx(type, props, key);
}
