/**
 * What a widget or settings component module is: `export default async function (context, input)`
 * returning a UI tree; and what the platform passes it. The isolate imports only the types of this
 * file, so the schema library stays out of a plugin's bundle.
 */
import { z } from "zod";
import type { PluginContext } from "../types.ts";
import type { UiChild } from "./element.ts";
import { UI_LIMITS } from "./tree.ts";

/** How many values one form may send: a widget's form, not a bulk import. */
export const UI_VALUES_LIMIT = 50;

/** A form's values as the dashboard sends them: flat, primitive, small, keyed like the form's inputs. */
export const uiValuesSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a plain key such as goal or weekly"),
    z.union([z.string().max(UI_LIMITS.text), z.number().finite(), z.boolean(), z.null()], {
      error: "must be a text, a number, true/false or null: values are flat",
    }),
  )
  .refine((values) => Object.keys(values).length <= UI_VALUES_LIMIT, {
    message: `at most ${UI_VALUES_LIMIT} values`,
  });

/** What the platform passes a UI module: who is looking, and the action they started with its values. */
export const uiInputSchema = z.object({
  /** The action of a Button or Form in the tree the operator saw; absent when the widget is first drawn. */
  action: z.string().optional(),
  /** The Form's values, validated by the platform. */
  values: uiValuesSchema.optional(),
  /** The dashboard user's id and role (never their token). */
  user: z.object({ id: z.string(), role: z.string() }),
});
export type UiInput = z.infer<typeof uiInputSchema>;

/**
 * A widget's or settings component's default export.
 *
 * @example
 * const widget: UiModule = async (context, input) => <Stat label="Orders" value={12} />;
 */
export type UiModule = (context: PluginContext, input: UiInput) => UiChild | Promise<UiChild>;
