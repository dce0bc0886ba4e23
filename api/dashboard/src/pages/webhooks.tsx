/**
 * Webhooks: the tenant's outbound endpoints, their signing secrets (shown once, as the API answers them)
 * and each endpoint's recent deliveries with every attempt; a failed or skipped delivery can be replayed.
 * Viewers read; owners and admins change.
 */
import { KeyRoundIcon, PlusIcon, PowerIcon, RotateCwIcon, Trash2Icon } from "lucide-react";
import { type FormEvent, useState } from "react";
import { toast } from "sonner";
import { ConfirmAction } from "@/components/confirm-action";
import { EmptyState, ErrorAlert, WhenLoaded } from "@/components/page-state";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { adminApi, messageOf } from "@/lib/api";
import { canChange } from "@/lib/session";
import type {
  CreatedEndpoint,
  WebhookEndpoint as Endpoint,
  EndpointList,
  EventTypesView,
  Role,
  RotatedSecret,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookReplayResult,
} from "@/lib/types";
import { useApi } from "@/lib/use-api";

/** A secret the API has just answered: the page shows it this once and never asks for it again. */
type Revealed = { endpointUrl: string; secret: string; kind: "created" | "rotated"; previousUntil: string | null };

type Change = "disable" | "enable" | "delete";

const changeNote: Record<Change, string> = {
  delete: "The endpoint goes with its deliveries and their attempts.",
  disable: "Events are skipped for it until it is enabled again.",
  enable: "Its failure count starts again at zero. Deliveries skipped while disabled wait for a replay.",
};
const changeDone: Record<Change, string> = {
  delete: "Endpoint deleted",
  enable: "Endpoint enabled",
  disable: "Endpoint disabled",
};

const base = "/webhooks";
const pathOf = (endpoint: Endpoint, tail = "") => `${base}/${encodeURIComponent(endpoint.id)}${tail}`;

export function WebhooksPage({ role }: { role: Role }) {
  const mayChange = canChange(role);
  const endpoints = useApi(() => adminApi<EndpointList>(base), []);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [working, setWorking] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  async function act(run: () => Promise<string>) {
    setWorking(true);
    setActionError(null);
    try {
      toast.success(await run());
      endpoints.reload();
    } catch (error) {
      setActionError(error);
      toast.error(messageOf(error));
    } finally {
      setWorking(false);
    }
  }

  const rotate = (endpoint: Endpoint) =>
    act(async () => {
      const rotated = await adminApi<RotatedSecret>(pathOf(endpoint, "/rotate-secret"), { method: "POST" });
      setRevealed({
        endpointUrl: endpoint.url,
        secret: rotated.secret,
        kind: "rotated",
        previousUntil: rotated.previous_secret_until,
      });
      return "Secret rotated";
    });

  async function change(kind: Change, endpoint: Endpoint) {
    if (kind === "delete") await adminApi(pathOf(endpoint), { method: "DELETE" });
    else if (kind === "enable") await adminApi(pathOf(endpoint, "/enable"), { method: "POST" });
    else await adminApi(pathOf(endpoint), { method: "PATCH", body: { enabled: false } });
    if (kind === "delete" && revealed?.endpointUrl === endpoint.url) setRevealed(null);
    return changeDone[kind];
  }

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Webhooks</h1>
        <p className="text-muted-foreground text-sm">
          Endpoints outside the platform that receive this tenant's events, signed with their secret (Standard
          Webhooks). A secret is shown once, when it is made.
        </p>
      </div>
      {mayChange && (
        <AddEndpointForm
          onCreated={(created) => {
            setRevealed({
              endpointUrl: created.endpoint.url,
              secret: created.secret,
              kind: "created",
              previousUntil: null,
            });
            endpoints.reload();
          }}
        />
      )}
      {revealed && <SecretOnce revealed={revealed} onHide={() => setRevealed(null)} />}
      {actionError !== null && <ErrorAlert error={actionError} />}
      <WhenLoaded loaded={endpoints} label="Loading webhook endpoints">
        {({ endpoints: list }) =>
          list.length === 0 ? (
            <EmptyState title="No webhook endpoints">
              {mayChange ? "Add one above to receive this tenant's events." : "An owner or admin can add one."}
            </EmptyState>
          ) : (
            <ul className="flex flex-col gap-3" aria-label="Webhook endpoints">
              {list.map((endpoint) => (
                <li key={endpoint.id} data-endpoint={endpoint.id}>
                  <EndpointCard
                    endpoint={endpoint}
                    mayChange={mayChange}
                    working={working}
                    onRotate={rotate}
                    onChange={change}
                    onChanged={endpoints.reload}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </WhenLoaded>
    </div>
  );
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** Topics typed as a list: commas or spaces between them. */
const topicsOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function AddEndpointForm({ onCreated }: { onCreated: (created: CreatedEndpoint) => void }) {
  const [url, setUrl] = useState("");
  const [topics, setTopics] = useState("");
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const types = useApi(() => adminApi<EventTypesView>(`${base}/event-types`), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setWorking(true);
    setError(null);
    try {
      const created = await adminApi<CreatedEndpoint>(base, {
        method: "POST",
        body: { url: url.trim(), events: topicsOf(topics) },
      });
      setUrl("");
      setTopics("");
      toast.success("Endpoint added");
      onCreated(created);
    } catch (e) {
      setError(e);
    } finally {
      setWorking(false);
    }
  }

  return (
    <Card className="gap-3 py-4">
      <CardHeader className="px-4">
        <CardTitle className="text-base">Add an endpoint</CardTitle>
      </CardHeader>
      <CardContent className="px-4">
        <form onSubmit={submit} aria-label="Add an endpoint" className="flex flex-col gap-3">
          <div className="flex flex-col gap-3 sm:flex-row">
            <div className="flex flex-1 flex-col gap-1.5">
              <Label htmlFor="wh-url">Endpoint URL</Label>
              <Input
                id="wh-url"
                type="url"
                required
                placeholder="https://example.com/hooks"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
            </div>
            <div className="flex flex-1 flex-col gap-1.5">
              <Label htmlFor="wh-topics">Topics</Label>
              <Input
                id="wh-topics"
                required
                placeholder="after_order_complete, event:invoice.sent"
                aria-describedby="wh-topics-hint"
                value={topics}
                onChange={(e) => setTopics(e.target.value)}
              />
            </div>
          </div>
          <p id="wh-topics-hint" className="text-muted-foreground text-xs break-words">
            Separated by commas.{" "}
            {types.status === "ready" &&
              `One of ${types.data.event_types.join(", ")}; a custom event as ${types.data.custom}; or ${types.data.all} for all.`}
          </p>
          {error !== null && <ErrorAlert error={error} title="The endpoint was not added" />}
          <div>
            <Button type="submit" disabled={working}>
              <PlusIcon /> Add endpoint
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function SecretOnce({ revealed, onHide }: { revealed: Revealed; onHide: () => void }) {
  return (
    <Alert data-testid="secret-once">
      <KeyRoundIcon />
      <AlertTitle className="break-all">
        {revealed.kind === "created" ? "The signing secret of" : "The new signing secret of"} {revealed.endpointUrl}
      </AlertTitle>
      <AlertDescription>
        <p>Store it now: it is shown this once and the API never answers it again.</p>
        <code data-testid="secret" className="bg-muted rounded px-2 py-1 font-mono text-sm break-all select-all">
          {revealed.secret}
        </code>
        {revealed.kind === "rotated" && (
          <p data-testid="overlap">
            {revealed.previousUntil
              ? `The previous secret keeps working until ${new Date(revealed.previousUntil).toLocaleString()}: deliveries carry a signature with each secret until then.`
              : "The previous secret stopped working at once."}
          </p>
        )}
        <Button variant="outline" size="sm" className="mt-1" onClick={onHide}>
          I have stored it
        </Button>
      </AlertDescription>
    </Alert>
  );
}

function EndpointCard({
  endpoint,
  mayChange,
  working,
  onRotate,
  onChange,
  onChanged,
}: {
  endpoint: Endpoint;
  mayChange: boolean;
  working: boolean;
  onRotate: (endpoint: Endpoint) => void;
  onChange: (kind: Change, endpoint: Endpoint) => Promise<string>;
  onChanged: () => void;
}) {
  const toggle: Change = endpoint.enabled ? "disable" : "enable";
  const confirmOf = (kind: Change) => ({
    title: <span className="break-all">{`${capitalised(kind)} ${endpoint.url}?`}</span>,
    description: changeNote[kind],
    confirmLabel: `Confirm ${kind}`,
    confirmVariant: kind === "enable" ? ("default" as const) : ("destructive" as const),
    run: () => onChange(kind, endpoint),
    onDone: onChanged,
  });
  const [open, setOpen] = useState(false);
  return (
    <Card className="gap-2 py-4">
      <CardContent className="flex flex-col gap-2 px-4 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-mono font-medium break-all">{endpoint.url}</span>
          {endpoint.enabled ? (
            <Badge variant="secondary">enabled</Badge>
          ) : (
            <Badge variant="destructive">
              disabled{endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : ""}
            </Badge>
          )}
        </div>
        <div className="flex flex-wrap gap-1">
          <span className="sr-only">Topics:</span>
          {endpoint.events.map((t) => (
            <Badge key={t} variant="outline" className="font-mono">
              {t}
            </Badge>
          ))}
        </div>
        <p className="text-muted-foreground text-xs">
          Created {new Date(endpoint.created_at).toLocaleString()}
          {endpoint.consecutive_failures > 0 && ` · ${endpoint.consecutive_failures} failed in a row`}
          {endpoint.previous_secret_until &&
            new Date(endpoint.previous_secret_until) > new Date() &&
            ` · previous secret valid until ${new Date(endpoint.previous_secret_until).toLocaleString()}`}
        </p>
        <div className="flex flex-wrap gap-1">
          <Button size="sm" variant="outline" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? "Hide deliveries" : "Show deliveries"}
          </Button>
          {mayChange && (
            <>
              <Button size="sm" variant="outline" disabled={working} onClick={() => onRotate(endpoint)}>
                <KeyRoundIcon /> Rotate secret
              </Button>
              <ConfirmAction
                label={
                  <>
                    <PowerIcon /> {capitalised(toggle)}
                  </>
                }
                trigger={{ size: "sm", variant: "outline", disabled: working }}
                {...confirmOf(toggle)}
              />
              <ConfirmAction
                label={
                  <>
                    <Trash2Icon /> Delete
                  </>
                }
                trigger={{ size: "sm", variant: "ghost", disabled: working }}
                {...confirmOf("delete")}
              />
            </>
          )}
        </div>
        {open && <Deliveries endpoint={endpoint} mayReplay={mayChange} />}
      </CardContent>
    </Card>
  );
}

/** The replay route's answer as a toast: how many went back on the queue, and whether a next call has more. */
const replayedText = (r: WebhookReplayResult) =>
  `Replayed ${r.replayed} deliver${r.replayed === 1 ? "y" : "ies"}${r.remaining ? `; ${r.remaining} more to replay` : ""}`;

// the deliveries the replay route sends again (POST /webhooks/{id}/replay: failed, or skipped while disabled)
const replayable = (d: WebhookDelivery) => d.status === "failed" || d.status === "skipped";

function Deliveries({ endpoint, mayReplay }: { endpoint: Endpoint; mayReplay: boolean }) {
  const deliveries = useApi(
    () => adminApi<WebhookDeliveryList>(pathOf(endpoint, "/deliveries"), { query: { limit: "20" } }),
    [endpoint.id, endpoint.updated_at],
  );
  // the route replays by time (`since`), not by id: from this delivery on, every failed or skipped one goes again
  const replayFrom = async (d: WebhookDelivery) =>
    replayedText(
      await adminApi<WebhookReplayResult>(pathOf(endpoint, "/replay"), {
        method: "POST",
        body: { since: d.created_at },
      }),
    );
  return (
    <section aria-label={`Deliveries to ${endpoint.url}`} className="flex flex-col gap-2 border-t pt-2">
      <div className="flex items-center gap-2">
        <h2 className="font-medium">Recent deliveries</h2>
        <Button size="sm" variant="ghost" onClick={deliveries.reload}>
          Refresh
        </Button>
      </div>
      <WhenLoaded loaded={deliveries} label="Loading deliveries">
        {({ deliveries: list }) =>
          list.length === 0 ? (
            <EmptyState title="No deliveries yet">An event of one of its topics makes one.</EmptyState>
          ) : (
            <ul className="flex flex-col gap-2">
              {list.map((d) => (
                <li key={d.id} data-delivery={d.id} className="rounded-md border p-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-mono text-xs">{d.event_type}</span>
                    <Badge variant={d.status === "failed" ? "destructive" : "outline"}>{d.status}</Badge>
                    <span className="text-muted-foreground text-xs">{new Date(d.created_at).toLocaleString()}</span>
                    {d.next_attempt_at && (
                      <span className="text-muted-foreground text-xs">
                        next attempt {new Date(d.next_attempt_at).toLocaleString()}
                      </span>
                    )}
                    {mayReplay && replayable(d) && (
                      <ConfirmAction
                        label={
                          <>
                            <RotateCwIcon /> Replay
                          </>
                        }
                        trigger={{
                          size: "sm",
                          variant: "outline",
                          className: "ml-auto",
                          "aria-label": `Replay ${d.event_type} of ${new Date(d.created_at).toLocaleString()}`,
                        }}
                        title={`Replay the ${d.status} delivery of ${d.event_type}?`}
                        description={`It is sent to ${endpoint.url} again on a fresh retry schedule, with every failed or skipped delivery to this endpoint since it (the API replays by time, at most 1000 a call). Earlier attempts stay in its history.`}
                        confirmLabel="Confirm replay"
                        confirmVariant="default"
                        run={() => replayFrom(d)}
                        onDone={deliveries.reload}
                      />
                    )}
                  </div>
                  {d.attempts.length === 0 ? (
                    <p className="text-muted-foreground text-xs">No attempt yet.</p>
                  ) : (
                    <ol className="mt-1 flex flex-col gap-1">
                      {d.attempts.map((a) => (
                        <li key={a.attempt} data-attempt={a.attempt} data-outcome={a.outcome} className="text-xs">
                          <span className="font-medium">#{a.attempt}</span> {a.outcome} ·{" "}
                          {a.status_code === null ? "no status" : `HTTP ${a.status_code}`} · {Math.round(a.duration_ms)}{" "}
                          ms · {new Date(a.started_at).toLocaleString()}
                          {a.error && <p className="text-destructive break-words">{a.error}</p>}
                          {a.response_excerpt && (
                            <pre className="bg-muted mt-1 max-h-32 overflow-auto rounded p-1 whitespace-pre-wrap break-words">
                              {a.response_excerpt}
                            </pre>
                          )}
                        </li>
                      ))}
                    </ol>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </WhenLoaded>
    </section>
  );
}
