/**
 * What plugin JSX builds: plain UI tree nodes (./tree.ts), made in the plugin's isolate without the
 * schema library (only its types are imported), so a widget's bundle stays small. The platform
 * validates the tree with `parseUiTree` when it comes back; nothing here is trusted.
 */
import type { UiComponentName } from "./tree.ts";

/** A node as JSX builds it: a component with its props as written, or a text. */
export type UiElement = {
  type: UiComponentName;
  props: Record<string, unknown>;
  children: UiRendered[];
  key?: string;
};
export type UiRendered = UiElement | string | number;
/** What may stand between tags: conditionals (`{cond && <Badge />}`) and lists (`{rows.map(...)}`) included. */
export type UiChild = UiRendered | null | undefined | boolean | readonly UiChild[];
/** What may stand in a text-only component (Heading, Text, Badge, Alert, Link). */
export type UiTextChild = string | number | null | undefined | boolean | readonly UiTextChild[];

/** Flattens lists and drops `null`, `undefined` and booleans, as React does. */
export function flattenChildren(children: unknown): UiRendered[] {
  if (children === undefined || children === null || typeof children === "boolean") return [];
  if (Array.isArray(children)) return children.flatMap(flattenChildren);
  return [children as UiRendered];
}

/** Builds one node; the props object is copied without `children`. */
export function element(type: UiComponentName, props: Record<string, unknown> | null | undefined): UiElement {
  const { children, ...rest } = props ?? {};
  return { type, props: rest, children: flattenChildren(children) };
}
