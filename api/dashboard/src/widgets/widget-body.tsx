/**
 * One plugin UI tree on the page (a dashboard widget or a settings component), in its own error
 * boundary: a tree the page's own check refuses, a widget whose module failed (the API's `error`), or
 * a tree that fails to draw shows its code and message where the widget would be, and the rest of the
 * page stands. Its Buttons and Forms go to the admin API, which checks the role again and answers the
 * widget's new tree.
 */
import { AlertCircleIcon } from "lucide-react";
import { Component, type ErrorInfo, type ReactNode, useMemo, useState } from "react";
import { toast } from "sonner";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { ApiError, adminApi, messageOf } from "@/lib/api";
import { canChange } from "@/lib/session";
import type { Role, TreeView } from "@/lib/types";
import { parseUiTree, type UiNode, UiTreeError } from "../../../../sdk/src/ui/tree.ts";
import { UiTreeView, type UiValues } from "./ui-tree-view.tsx";

export interface WidgetFailure {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

/** The admin API route of an interaction; a settings component's actions use the widget id `settings`. */
function actionPath(slug: string, widgetId: string, action: string): string {
  return `/plugins/${encodeURIComponent(slug)}/widgets/${encodeURIComponent(widgetId)}/actions/${encodeURIComponent(action)}`;
}

/** The tree checked again here, as the platform checked it: the page draws nothing the schema refuses. */
function checked(slug: string, tree: unknown): { tree: UiNode } | { failure: WidgetFailure } {
  try {
    return { tree: parseUiTree(tree, { slug }) };
  } catch (error) {
    if (error instanceof UiTreeError)
      return { failure: { code: "WIDGET_INVALID", message: "The widget's tree is not valid.", issues: error.issues } };
    throw error;
  }
}

export function WidgetFailureView({ failure }: { failure: WidgetFailure }) {
  return (
    <Alert variant="destructive" data-widget-error={failure.code}>
      <AlertCircleIcon />
      <AlertTitle>This widget could not be shown</AlertTitle>
      <AlertDescription>
        <p data-testid="widget-error" className="break-words">
          {failure.message} ({failure.code})
        </p>
        {failure.issues && failure.issues.length > 0 && (
          <ul className="list-disc pl-5 text-xs">
            {failure.issues.slice(0, 10).map((issue, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: issues are a list as the API gives it
              <li key={i} className="break-words">
                <code>{issue.path || "(root)"}</code>: {issue.message}
              </li>
            ))}
            {failure.issues.length > 10 && <li>and {failure.issues.length - 10} more</li>}
          </ul>
        )}
      </AlertDescription>
    </Alert>
  );
}

export function WidgetBody({
  slug,
  widgetId,
  initial,
  role,
}: {
  slug: string;
  widgetId: string;
  /** What the API answered for this widget: its tree, or its error. */
  initial: { tree: unknown } | { error: WidgetFailure };
  role: Role;
}) {
  // an action answers a new tree; it replaces the one shown (and a fresh boundary draws it)
  const [answer, setAnswer] = useState<{ generation: number; tree: unknown } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const result = useMemo(() => {
    if (answer) return checked(slug, answer.tree);
    return "error" in initial ? { failure: initial.error } : checked(slug, initial.tree);
  }, [slug, answer, initial]);

  const onAction = canChange(role)
    ? async (action: string, values?: UiValues) => {
        setActionError(null);
        try {
          const { tree } = await adminApi<TreeView>(actionPath(slug, widgetId, action), {
            method: "POST",
            body: values ? { values } : {},
          });
          setAnswer((a) => ({ generation: (a?.generation ?? 0) + 1, tree }));
        } catch (error) {
          setActionError(error);
          toast.error(messageOf(error));
        }
      }
    : undefined;

  if ("failure" in result) return <WidgetFailureView failure={result.failure} />;
  return (
    <div className="flex min-w-0 flex-col gap-3">
      {actionError !== null && (
        <WidgetFailureView
          failure={{
            code: actionError instanceof ApiError ? actionError.code : "ACTION_FAILED",
            message: actionError instanceof Error ? actionError.message : String(actionError),
          }}
        />
      )}
      <WidgetBoundary key={answer?.generation ?? 0}>
        <UiTreeView tree={result.tree} slug={slug} widgetId={widgetId} onAction={onAction} />
      </WidgetBoundary>
    </div>
  );
}

/** React's only way to catch a render failure is a class component; it catches this widget's, no other's. */
export class WidgetBoundary extends Component<{ children: ReactNode }, { failure: WidgetFailure | null }> {
  override state: { failure: WidgetFailure | null } = { failure: null };

  static getDerivedStateFromError(error: unknown): { failure: WidgetFailure } {
    const code =
      typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
        ? (error as { code: string }).code
        : "WIDGET_RENDER_FAILED";
    return { failure: { code, message: error instanceof Error ? error.message : String(error) } };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // the operator sees the message in the card; the console keeps where it broke
    console.error("a plugin widget failed to render", error, info.componentStack);
  }

  override render() {
    return this.state.failure ? <WidgetFailureView failure={this.state.failure} /> : this.props.children;
  }
}
