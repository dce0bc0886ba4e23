/**
 * A change that asks first: a button opens a dialog that says what will happen, Confirm makes the call, a
 * toast says how it went. A refusal stays in the dialog with the API's message (and in a toast), so the
 * operator can read it and cancel; success closes the dialog and lets the page reload what changed.
 */
import type * as React from "react";
import { useState } from "react";
import { toast } from "sonner";
import { ErrorAlert } from "@/components/page-state";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { messageOf } from "@/lib/api";

type ButtonProps = React.ComponentProps<typeof Button>;

export interface ConfirmActionProps {
  /** What the opening button shows (an icon and a word). */
  label: React.ReactNode;
  /** The opening button's look and accessible name, e.g. `{ size: "sm", "aria-label": "Purge dl_1" }`. */
  trigger?: Omit<ButtonProps, "children" | "onClick">;
  title: React.ReactNode;
  description: React.ReactNode;
  /** The confirming button's name; the e2e tests and screen readers find it by it ("Confirm purge"). */
  confirmLabel: string;
  confirmVariant?: ButtonProps["variant"];
  /** Shown between the description and the buttons, e.g. a dry run's plan. */
  children?: React.ReactNode;
  /** False while the body is not ready to be confirmed (a plan still loading, or refused): no Confirm button. */
  ready?: boolean;
  /** Called as the dialog opens, e.g. to start a dry run. */
  onOpen?: () => void;
  /** The call. Resolves with the toast's text; rejects with what to show. */
  run: () => Promise<string>;
  /** After a success, with the dialog closed: reload what changed. */
  onDone?: () => void;
}

/**
 * @example
 * <ConfirmAction
 *   label={<><Trash2Icon /> Purge</>}
 *   trigger={{ size: "sm", variant: "ghost", "aria-label": `Purge ${letter.id}` }}
 *   title="Purge this dead letter?"
 *   description="A purged letter cannot be replayed."
 *   confirmLabel="Confirm purge"
 *   run={async () => `Purged ${(await purge(letter)).purged}`}
 *   onDone={letters.reload}
 * />
 */
export function ConfirmAction({
  label,
  trigger,
  title,
  description,
  confirmLabel,
  confirmVariant = "destructive",
  children,
  ready = true,
  onOpen,
  run,
  onDone,
}: ConfirmActionProps) {
  const [open, setOpen] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  function openChange(next: boolean) {
    // a call under way is not abandoned half-seen: the dialog stays until it answers
    if (working) return;
    setOpen(next);
    if (next) {
      setError(null);
      onOpen?.();
    }
  }

  async function confirm() {
    setWorking(true);
    setError(null);
    try {
      const message = await run();
      setOpen(false);
      toast.success(message);
      onDone?.();
    } catch (thrown) {
      setError(thrown);
      toast.error(messageOf(thrown));
    } finally {
      setWorking(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={openChange}>
      <DialogTrigger asChild>
        <Button variant="outline" {...trigger}>
          {label}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="break-words">{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {children}
        {error !== null && <ErrorAlert error={error} />}
        <DialogFooter>
          <Button variant="outline" onClick={() => openChange(false)} disabled={working}>
            Cancel
          </Button>
          {ready && (
            <Button variant={confirmVariant} disabled={working} onClick={confirm}>
              {working ? "Working…" : confirmLabel}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
