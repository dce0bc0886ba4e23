/** The loading, error and empty states every page shows, so none is ever a blank screen. */
import { AlertCircleIcon, InboxIcon, RotateCwIcon } from "lucide-react";
import type * as React from "react";
import { messageOf } from "@/lib/api";
import type { Loaded } from "@/lib/use-api";
import { Alert, AlertDescription, AlertTitle } from "./ui/alert";
import { Button } from "./ui/button";
import { Skeleton } from "./ui/skeleton";

export function ErrorAlert({
  error,
  title = "The admin API refused",
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <Alert variant="destructive">
      <AlertCircleIcon />
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        <p data-testid="error-message">{messageOf(error)}</p>
        {onRetry && (
          <Button variant="outline" size="sm" onClick={onRetry} className="mt-1 text-foreground">
            <RotateCwIcon /> Try again
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}

export function LoadingRows({ rows = 3, label }: { rows?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="flex flex-col gap-3">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} className="h-16 w-full" />
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="text-muted-foreground flex flex-col items-center gap-2 rounded-xl border border-dashed p-8 text-center">
      <InboxIcon className="size-8" aria-hidden />
      <p className="text-foreground font-medium">{title}</p>
      {children && <div className="text-sm">{children}</div>}
    </div>
  );
}

/** Renders `children(data)` once loaded; the skeleton or the API's error until then. */
export function WhenLoaded<T>({
  loaded,
  label,
  children,
}: {
  loaded: Loaded<T>;
  label: string;
  children: (data: T) => React.ReactNode;
}) {
  if (loaded.status === "loading") return <LoadingRows label={label} />;
  if (loaded.status === "error") return <ErrorAlert error={loaded.error} onRetry={loaded.reload} />;
  return <>{children(loaded.data)}</>;
}
