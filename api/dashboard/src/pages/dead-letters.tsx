/** Dead letters: deliveries whose attempts ran out, with their last error; replay or purge them. */
import { RotateCwIcon, Trash2Icon } from "lucide-react";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { EmptyState, ErrorAlert, WhenLoaded } from "@/components/page-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { adminApi, messageOf } from "@/lib/api";
import { canChange } from "@/lib/session";
import type { DeadLetter, Installation, ReplayResult, Role } from "@/lib/types";
import { useApi } from "@/lib/use-api";

type Purge = { kind: "one"; letter: DeadLetter } | { kind: "plugin"; plugin: string };

export function DeadLettersPage({ role }: { role: Role }) {
  const [plugin, setPlugin] = useState("all");
  const [includeReplayed, setIncludeReplayed] = useState(false);
  const [purge, setPurge] = useState<Purge | null>(null);
  const [working, setWorking] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const mayChange = canChange(role);
  // the purge dialog opens from code, so it is told where focus goes back to
  const opener = useRef<HTMLElement | null>(null);
  const askPurge = (p: Purge) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setPurge(p);
  };
  const installed = useApi(() => adminApi<{ plugins: Installation[] }>("/plugins/installed"), []);
  const letters = useApi(
    () =>
      adminApi<{ dead_letters: DeadLetter[] }>("/dead-letters", {
        query: { plugin: plugin === "all" ? undefined : plugin, all: includeReplayed ? "true" : undefined },
      }),
    [plugin, includeReplayed],
  );

  async function act(run: () => Promise<string>) {
    setWorking(true);
    setActionError(null);
    try {
      toast.success(await run());
      letters.reload();
    } catch (error) {
      setActionError(error);
      toast.error(messageOf(error));
    } finally {
      setWorking(false);
    }
  }

  const describeReplay = (r: ReplayResult) =>
    `Replayed ${r.replayed.length}${r.skipped.length ? `; skipped ${r.skipped.map((s) => `${s.id}: ${s.reason}`).join(", ")}` : ""}`;

  const replayOne = (letter: DeadLetter) =>
    act(async () =>
      describeReplay(
        await adminApi<ReplayResult>(`/dead-letters/${encodeURIComponent(letter.id)}/replay`, { method: "POST" }),
      ),
    );
  const replayPlugin = (slug: string) =>
    act(async () =>
      describeReplay(await adminApi<ReplayResult>("/dead-letters/replay", { method: "POST", body: { plugin: slug } })),
    );
  const confirmPurge = (p: Purge) =>
    act(async () => {
      const { purged } =
        p.kind === "one"
          ? await adminApi<{ purged: number }>(`/dead-letters/${encodeURIComponent(p.letter.id)}`, { method: "DELETE" })
          : await adminApi<{ purged: number }>("/dead-letters", { method: "DELETE", query: { plugin: p.plugin } });
      setPurge(null);
      return `Purged ${purged}`;
    });

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Dead letters</h1>
        <p className="text-muted-foreground text-sm">
          Deliveries whose attempts ran out. Fix the plugin or its settings, then replay: the delivery gets a fresh run
          of attempts.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <div className="flex w-full flex-col gap-1.5 sm:w-56">
          <Label htmlFor="dl-plugin">Plugin</Label>
          <Select value={plugin} onValueChange={setPlugin}>
            <SelectTrigger id="dl-plugin">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="all">All plugins</SelectItem>
              {installed.status === "ready" &&
                installed.data.plugins.map((p) => (
                  <SelectItem key={p.slug} value={p.slug}>
                    {p.slug}
                  </SelectItem>
                ))}
            </SelectContent>
          </Select>
        </div>
        <div className="flex items-center gap-2 pb-2">
          <Switch id="dl-all" checked={includeReplayed} onCheckedChange={setIncludeReplayed} />
          <Label htmlFor="dl-all">Include replayed</Label>
        </div>
        {mayChange && plugin !== "all" && (
          <div className="flex gap-2 sm:ml-auto">
            <Button variant="outline" disabled={working} onClick={() => replayPlugin(plugin)}>
              <RotateCwIcon /> Replay all of {plugin}
            </Button>
            <Button variant="outline" disabled={working} onClick={() => askPurge({ kind: "plugin", plugin })}>
              <Trash2Icon /> Purge all
            </Button>
          </div>
        )}
      </div>
      {installed.status === "error" && (
        <ErrorAlert error={installed.error} title="The plugin list did not load" onRetry={installed.reload} />
      )}
      {actionError !== null && <ErrorAlert error={actionError} />}
      <WhenLoaded loaded={letters} label="Loading dead letters">
        {({ dead_letters }) =>
          dead_letters.length === 0 ? (
            <EmptyState title="No dead letters">
              Every delivery {plugin === "all" ? "" : `of ${plugin} `}succeeded or is still being retried.
            </EmptyState>
          ) : (
            <>
              {/* a phone gets one card per letter; a wider screen the table */}
              <ul className="flex flex-col gap-3 sm:hidden" aria-label="Dead letters">
                {dead_letters.map((d) => (
                  <li key={d.id} data-dead-letter={d.id}>
                    <Card className="gap-2 py-4">
                      <CardContent className="flex flex-col gap-2 px-4 text-sm">
                        <div className="flex flex-wrap items-center gap-2">
                          <span className="font-mono font-medium">{d.plugin_slug ?? d.queue}</span>
                          <span className="text-muted-foreground font-mono text-xs">{d.hook ?? "—"}</span>
                          {d.replayed_at && <Badge variant="secondary">replayed</Badge>}
                        </div>
                        <p className="text-xs break-words">{d.last_error ?? "no error recorded"}</p>
                        <p className="text-muted-foreground text-xs">
                          {d.attempts} attempt{d.attempts === 1 ? "" : "s"} · dead since{" "}
                          {new Date(d.created_at).toLocaleString()}
                        </p>
                        {mayChange && !d.replayed_at && (
                          <LetterActions
                            letter={d}
                            working={working}
                            onReplay={replayOne}
                            onPurge={(l) => askPurge({ kind: "one", letter: l })}
                          />
                        )}
                      </CardContent>
                    </Card>
                  </li>
                ))}
              </ul>
              <Card className="hidden sm:flex">
                <CardContent>
                  <Table aria-label="Dead letters">
                    <TableHeader>
                      <TableRow>
                        <TableHead>Plugin</TableHead>
                        <TableHead>Hook</TableHead>
                        <TableHead className="text-right">Attempts</TableHead>
                        <TableHead>Last error</TableHead>
                        <TableHead>Dead since</TableHead>
                        {mayChange && <TableHead className="sr-only">Actions</TableHead>}
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {dead_letters.map((d) => (
                        <TableRow key={d.id} data-dead-letter={d.id}>
                          <TableCell className="font-mono">{d.plugin_slug ?? d.queue}</TableCell>
                          <TableCell className="font-mono text-xs">{d.hook ?? "—"}</TableCell>
                          <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
                          <TableCell className="max-w-xs text-xs whitespace-normal break-words">
                            {d.last_error ?? "—"}
                          </TableCell>
                          <TableCell className="text-xs">
                            {new Date(d.created_at).toLocaleString()}
                            {d.replayed_at && (
                              <Badge variant="secondary" className="ml-1">
                                replayed
                              </Badge>
                            )}
                          </TableCell>
                          {mayChange && (
                            <TableCell>
                              {!d.replayed_at && (
                                <LetterActions
                                  letter={d}
                                  working={working}
                                  onReplay={replayOne}
                                  onPurge={(l) => askPurge({ kind: "one", letter: l })}
                                />
                              )}
                            </TableCell>
                          )}
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </CardContent>
              </Card>
            </>
          )
        }
      </WhenLoaded>
      <Dialog open={purge !== null} onOpenChange={(o) => !o && !working && setPurge(null)}>
        <DialogContent
          onCloseAutoFocus={(event) => {
            if (opener.current?.isConnected) {
              event.preventDefault();
              opener.current.focus();
            }
          }}
        >
          <DialogHeader>
            <DialogTitle>
              Purge{" "}
              {purge?.kind === "one"
                ? "this dead letter"
                : `every open dead letter of ${purge?.kind === "plugin" ? purge.plugin : ""}`}
              ?
            </DialogTitle>
            <DialogDescription>
              A purged letter cannot be replayed. Its delivery stays in the event's history.
            </DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setPurge(null)} disabled={working}>
              Cancel
            </Button>
            <Button variant="destructive" disabled={working} onClick={() => purge && confirmPurge(purge)}>
              Confirm purge
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

function LetterActions({
  letter,
  working,
  onReplay,
  onPurge,
}: {
  letter: DeadLetter;
  working: boolean;
  onReplay: (letter: DeadLetter) => void;
  onPurge: (letter: DeadLetter) => void;
}) {
  return (
    <div className="flex gap-1 sm:justify-end">
      <Button
        size="sm"
        variant="outline"
        disabled={working}
        onClick={() => onReplay(letter)}
        aria-label={`Replay ${letter.id}`}
      >
        <RotateCwIcon /> Replay
      </Button>
      <Button
        size="sm"
        variant="ghost"
        disabled={working}
        onClick={() => onPurge(letter)}
        aria-label={`Purge ${letter.id}`}
      >
        <Trash2Icon /> Purge
      </Button>
    </div>
  );
}
