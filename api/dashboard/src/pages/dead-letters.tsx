/** Dead letters: deliveries whose attempts ran out, with their last error; replay or purge them. */
import { RotateCwIcon, Trash2Icon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmAction } from "@/components/confirm-action";
import { EmptyState, ErrorAlert, WhenLoaded } from "@/components/page-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { adminApi, messageOf } from "@/lib/api";
import { canChange } from "@/lib/session";
import type { DeadLetter, DeadLetterList, InstalledList, PurgeResult, ReplayResult, Role } from "@/lib/types";
import { useApi } from "@/lib/use-api";

const PURGE_NOTE = "A purged letter cannot be replayed. Its delivery stays in the event's history.";

export function DeadLettersPage({ role }: { role: Role }) {
  const [plugin, setPlugin] = useState("all");
  const [includeReplayed, setIncludeReplayed] = useState(false);
  const [working, setWorking] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const mayChange = canChange(role);
  const installed = useApi(() => adminApi<InstalledList>("/plugins/installed"), []);
  const letters = useApi(
    () =>
      adminApi<DeadLetterList>("/dead-letters", {
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
  const purgeOne = async (letter: DeadLetter) =>
    `Purged ${(await adminApi<PurgeResult>(`/dead-letters/${encodeURIComponent(letter.id)}`, { method: "DELETE" })).purged}`;
  const purgePlugin = async (slug: string) =>
    `Purged ${(await adminApi<PurgeResult>("/dead-letters", { method: "DELETE", query: { plugin: slug } })).purged}`;

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
            <ConfirmAction
              label={
                <>
                  <Trash2Icon /> Purge all
                </>
              }
              trigger={{ disabled: working }}
              title={`Purge every open dead letter of ${plugin}?`}
              description={PURGE_NOTE}
              confirmLabel="Confirm purge"
              run={() => purgePlugin(plugin)}
              onDone={letters.reload}
            />
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
                            onPurge={purgeOne}
                            onPurged={letters.reload}
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
                                  onPurge={purgeOne}
                                  onPurged={letters.reload}
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
    </div>
  );
}

function LetterActions({
  letter,
  working,
  onReplay,
  onPurge,
  onPurged,
}: {
  letter: DeadLetter;
  working: boolean;
  onReplay: (letter: DeadLetter) => void;
  onPurge: (letter: DeadLetter) => Promise<string>;
  onPurged: () => void;
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
      <ConfirmAction
        label={
          <>
            <Trash2Icon /> Purge
          </>
        }
        trigger={{ size: "sm", variant: "ghost", disabled: working, "aria-label": `Purge ${letter.id}` }}
        title="Purge this dead letter?"
        description={PURGE_NOTE}
        confirmLabel="Confirm purge"
        run={() => onPurge(letter)}
        onDone={onPurged}
      />
    </div>
  );
}
