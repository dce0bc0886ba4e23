/**
 * @module
 * `@digital-commerce/plugin-sdk/jsx-runtime`: the automatic JSX runtime for plugin widgets, so TSX
 * compiles to UI tree nodes (jsxImportSource `@digital-commerce/plugin-sdk`, which the plugin bundler
 * sets). Only the components of `@digital-commerce/plugin-sdk/ui` and the plugin's own function
 * components may be used: there are no intrinsic elements, so `<div>` or `<script>` does not compile.
 */
import { flattenChildren, type UiChild, type UiElement, type UiRendered } from "./element.ts";

type Component = (props: Record<string, unknown>) => UiChild;

/**
 * Calls the component with its props and sets the node's `key`; called by compiled TSX.
 *
 * @example
 * jsx(Badge, { children: "EUR" }, "eur"); // what <Badge key="eur">EUR</Badge> compiles to
 */
export function jsx(type: Component, props: Record<string, unknown>, key?: string | number): UiChild {
  if (typeof type !== "function") {
    // plain JS can still write jsx("div", ...): say what is allowed instead of building a node the platform refuses
    throw new TypeError(
      `<${String(type)}> is not a UI component: use the components of @digital-commerce/plugin-sdk/ui`,
    );
  }
  const rendered = type(props);
  if (key !== undefined && typeof rendered === "object" && rendered !== null && !Array.isArray(rendered))
    return { ...(rendered as UiElement), key: String(key) };
  return rendered;
}

export const jsxs = jsx;

/**
 * `<>...</>`: its children as a list, flattened into the parent. A widget that returns a fragment
 * is drawn as a Stack of its children.
 *
 * @example
 * <><Stat label="Orders" value={1} /><Stat label="Refunds" value={0} /></>
 */
export function Fragment(props: { children?: UiChild }): UiRendered[] {
  return flattenChildren(props.children);
}

export declare namespace JSX {
  type Element = UiChild;
  // no intrinsic elements: `<div>` is a type error
  // biome-ignore lint/complexity/noBannedTypes: the empty interface is how TypeScript is told there are none
  type IntrinsicElements = {};
  interface ElementChildrenAttribute {
    // biome-ignore lint/complexity/noBannedTypes: TypeScript reads the name of this member, not its type
    children: {};
  }
  interface IntrinsicAttributes {
    key?: string | number;
  }
}
