/**
 * Events and traces: the outbox's recent events, and one request's timeline — the before hooks it ran,
 * the events it wrote, and every delivery attempt of each — read only, for finding out what happened.
 */
import type * as React from "react";
import { useState } from "react";
import { Link } from "@/components/link";
import { EmptyState, WhenLoaded } from "@/components/page-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { adminApi } from "@/lib/api";
import type { Delivery, EventList, EventView, HookChainTrace, TraceView, WebhookDelivery } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { cn } from "@/lib/utils";

const when = (iso: string) => new Date(iso).toLocaleString();
const ms = (duration: number) => `${Math.round(duration)} ms`;

type Tone = "success" | "destructive" | "warning" | "secondary" | "outline";
const toneOf: Record<string, Tone> = {
  succeeded: "success",
  completed: "success",
  transformed: "success",
  unchanged: "secondary",
  pending: "outline",
  running: "outline",
  skipped: "secondary",
  timeout: "warning",
  vetoed: "warning",
  failed: "destructive",
  aborted: "destructive",
  dead: "destructive",
};

function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge variant={toneOf[outcome] ?? "outline"}>{outcome}</Badge>;
}

export function EventsPage() {
  const [hook, setHook] = useState("");
  const filter = hook.trim();
  const events = useApi(
    () => adminApi<EventList>("/events", { query: { hook: filter || undefined, limit: "100" } }),
    [filter],
  );
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">Events</h1>
        <p className="text-muted-foreground text-sm">
          What the platform's after hooks sent, newest first. Open one to see the request's whole trace: its before
          hooks, its events, and every delivery attempt.
        </p>
      </div>
      <div className="flex w-full flex-col gap-1.5 sm:w-72">
        <Label htmlFor="events-hook">Hook</Label>
        <Input
          id="events-hook"
          placeholder="e.g. after_product_create"
          value={hook}
          onChange={(event) => setHook(event.target.value)}
        />
      </div>
      <WhenLoaded loaded={events} label="Loading events">
        {(data) =>
          data.events.length === 0 ? (
            <EmptyState title="No events">
              {filter ? `No event of the hook ${filter}.` : "Nothing has been sent to an after hook yet."}
            </EmptyState>
          ) : (
            <Card>
              <CardContent>
                <Table aria-label="Events">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Hook</TableHead>
                      <TableHead className="hidden sm:table-cell">Plugin</TableHead>
                      <TableHead>Created</TableHead>
                      <TableHead className="hidden sm:table-cell">Sent</TableHead>
                      <TableHead className="hidden sm:table-cell">Queue</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {data.events.map((e) => (
                      <TableRow key={e.id} data-event={e.id}>
                        <TableCell className="font-mono text-xs whitespace-normal break-all">
                          <Link href={`/events/${encodeURIComponent(e.id)}`} className="text-primary underline">
                            {e.hook}
                          </Link>
                          {/* a phone has no plugin column: the emitter goes under the hook */}
                          {e.plugin_slug && <div className="text-muted-foreground sm:hidden">{e.plugin_slug}</div>}
                        </TableCell>
                        <TableCell className="hidden font-mono text-xs sm:table-cell">{e.plugin_slug ?? "—"}</TableCell>
                        <TableCell className="text-xs whitespace-normal">{when(e.created_at)}</TableCell>
                        <TableCell className="hidden text-xs sm:table-cell">
                          {e.sent_at ? when(e.sent_at) : <Badge variant="outline">not sent</Badge>}
                        </TableCell>
                        <TableCell className="hidden font-mono text-xs sm:table-cell">{e.queue}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </CardContent>
            </Card>
          )
        }
      </WhenLoaded>
    </div>
  );
}

/** `/events/:id`: the event, inside the trace of the request that wrote it when it has one. */
export function EventPage({ id }: { id: string }) {
  const trace = useApi(async (): Promise<TraceView> => {
    const event = await adminApi<EventView>(`/events/${encodeURIComponent(id)}`);
    if (!event.trace_id) return { trace_id: "", before_hooks: [], events: [event] };
    return await adminApi<TraceView>(`/traces/${encodeURIComponent(event.trace_id)}`);
  }, [id]);
  return (
    <TraceLayout title="Event" subtitle={id} backHref="/events">
      <WhenLoaded loaded={trace} label="Loading the event">
        {(data) => <Timeline trace={data} focus={id} />}
      </WhenLoaded>
    </TraceLayout>
  );
}

/** `/traces/:id`: one request, from its before hooks to its last delivery attempt. */
export function TracePage({ id }: { id: string }) {
  const trace = useApi(() => adminApi<TraceView>(`/traces/${encodeURIComponent(id)}`), [id]);
  return (
    <TraceLayout title="Trace" subtitle={id} backHref="/events">
      <WhenLoaded loaded={trace} label="Loading the trace">
        {(data) => <Timeline trace={data} />}
      </WhenLoaded>
    </TraceLayout>
  );
}

function TraceLayout({
  title,
  subtitle,
  backHref,
  children,
}: {
  title: string;
  subtitle: string;
  backHref: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-1">
        <Link href={backHref} className="text-primary text-sm underline">
          ← All events
        </Link>
        <h1 className="text-2xl font-semibold">{title}</h1>
        <p className="text-muted-foreground font-mono text-xs break-all">{subtitle}</p>
      </div>
      {children}
    </div>
  );
}

/** The request's steps top to bottom, in the order they ran: before hooks first, then each event written. */
function Timeline({ trace, focus }: { trace: TraceView; focus?: string }) {
  if (trace.before_hooks.length === 0 && trace.events.length === 0) {
    return <EmptyState title="Nothing recorded">This request ran no hooks and wrote no events.</EmptyState>;
  }
  return (
    <div className="flex flex-col gap-2">
      {trace.trace_id && (
        <p className="text-muted-foreground text-sm">
          Request trace{" "}
          <Link href={`/traces/${encodeURIComponent(trace.trace_id)}`} className="text-primary font-mono underline">
            {trace.trace_id}
          </Link>
        </p>
      )}
      <ol className="border-muted-foreground/30 ml-2 flex flex-col gap-4 border-l-2 pl-4" aria-label="Timeline">
        {trace.before_hooks.map((chain, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: chains of one request have no id but their order
          <TimelineItem key={`chain-${i}`}>
            <ChainCard chain={chain} />
          </TimelineItem>
        ))}
        {trace.events.map((event) => (
          <TimelineItem key={event.id}>
            <EventCard event={event} focused={event.id === focus} />
          </TimelineItem>
        ))}
      </ol>
    </div>
  );
}

function TimelineItem({ children }: { children: React.ReactNode }) {
  return (
    <li className="relative">
      <span aria-hidden className="bg-primary absolute top-5 -left-[23px] size-3 rounded-full ring-4 ring-background" />
      {children}
    </li>
  );
}

function ChainCard({ chain }: { chain: HookChainTrace }) {
  return (
    <Card className="gap-3 py-4" data-chain={chain.hook}>
      <CardHeader className="px-4">
        <CardTitle className="flex flex-wrap items-center gap-2 text-base">
          <span className="text-muted-foreground text-xs font-normal uppercase">Before hook</span>
          <span className="font-mono text-sm break-all">{chain.hook}</span>
          <OutcomeBadge outcome={chain.outcome} />
          <span className="text-muted-foreground text-xs font-normal tabular-nums">{ms(chain.duration_ms)}</span>
        </CardTitle>
      </CardHeader>
      <CardContent className="px-4">
        {chain.steps.length === 0 ? (
          <p className="text-muted-foreground text-sm">No plugin subscribes to it.</p>
        ) : (
          <ol className="flex flex-col divide-y text-sm" aria-label={`Steps of ${chain.hook}`}>
            {chain.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are the chain's order, a plugin may appear twice
              <li key={i} className="flex flex-col gap-1 py-2" data-step={step.plugin}>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono font-medium">{step.plugin}</span>
                  <span className="text-muted-foreground text-xs">
                    v{step.version} · priority {step.priority}
                  </span>
                  <OutcomeBadge outcome={step.outcome} />
                  {step.skipped && <Badge variant="secondary">skipped</Badge>}
                  <span className="text-muted-foreground ml-auto text-xs tabular-nums">{ms(step.duration_ms)}</span>
                </div>
                {step.error && <p className="text-destructive text-xs break-words">{step.error}</p>}
              </li>
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}

function EventCard({ event, focused }: { event: EventView; focused: boolean }) {
  return (
    <Card className={cn("gap-3 py-4", focused && "ring-primary ring-2")} data-event-card={event.id}>
      <CardHeader className="px-4">
        <CardTitle className="flex flex-wrap items-center gap-2 text-base">
          <span className="text-muted-foreground text-xs font-normal uppercase">Event</span>
          <Link href={`/events/${encodeURIComponent(event.id)}`} className="font-mono text-sm break-all underline">
            {event.hook}
          </Link>
          {event.plugin_slug && <Badge variant="outline">from {event.plugin_slug}</Badge>}
        </CardTitle>
        <p className="text-muted-foreground text-xs">
          created {when(event.created_at)} · {event.sent_at ? `sent ${when(event.sent_at)}` : "not sent yet"} · queue{" "}
          <span className="font-mono">{event.queue}</span>
        </p>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 px-4">
        {event.deliveries.length === 0 && event.webhook_deliveries.length === 0 && (
          <p className="text-muted-foreground text-sm">No plugin or webhook subscribes to it.</p>
        )}
        {event.deliveries.map((d) => (
          <DeliveryBlock key={d.id} delivery={d} />
        ))}
        {event.webhook_deliveries.map((w) => (
          <WebhookBlock key={w.id} delivery={w} />
        ))}
      </CardContent>
    </Card>
  );
}

function DeliveryBlock({ delivery }: { delivery: Delivery }) {
  return (
    <section
      className="rounded-lg border p-3"
      data-delivery={delivery.plugin_slug}
      aria-label={`Delivery to ${delivery.plugin_slug}`}
    >
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-foreground text-xs uppercase">Delivery to</span>
        <span className="font-mono font-medium">{delivery.plugin_slug}</span>
        <OutcomeBadge outcome={delivery.status} />
        <span className="text-muted-foreground text-xs">
          {delivery.attempts} of {delivery.max_attempts} attempts
        </span>
      </div>
      <AttemptList
        attempts={delivery.attempt_log.map((a) => ({ ...a, detail: a.error }))}
        label={`Attempts of ${delivery.plugin_slug}`}
      />
    </section>
  );
}

function WebhookBlock({ delivery }: { delivery: WebhookDelivery }) {
  return (
    <section
      className="rounded-lg border p-3"
      data-webhook-delivery={delivery.id}
      aria-label={`Webhook ${delivery.endpoint_id}`}
    >
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-muted-foreground text-xs uppercase">Webhook</span>
        <span className="font-mono font-medium break-all">{delivery.endpoint_id}</span>
        <OutcomeBadge outcome={delivery.status} />
        {delivery.next_attempt_at && (
          <span className="text-muted-foreground text-xs">next attempt {when(delivery.next_attempt_at)}</span>
        )}
      </div>
      <AttemptList
        attempts={delivery.attempts.map((a) => ({
          ...a,
          detail:
            [a.status_code === null ? null : `HTTP ${a.status_code}`, a.error].filter(Boolean).join(" · ") || null,
        }))}
        label={`Attempts of webhook ${delivery.endpoint_id}`}
      />
    </section>
  );
}

interface AttemptRow {
  attempt: number;
  started_at: string;
  duration_ms: number;
  outcome: string;
  detail: string | null;
}

function AttemptList({ attempts, label }: { attempts: AttemptRow[]; label: string }) {
  if (attempts.length === 0) return <p className="text-muted-foreground mt-2 text-xs">No attempt yet.</p>;
  return (
    <ol className="mt-2 flex flex-col divide-y text-sm" aria-label={label}>
      {attempts.map((a) => (
        <li key={a.attempt} className="flex flex-col gap-1 py-2" data-attempt={a.attempt} data-outcome={a.outcome}>
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-muted-foreground text-xs tabular-nums">#{a.attempt}</span>
            <OutcomeBadge outcome={a.outcome} />
            <span className="text-xs">{when(a.started_at)}</span>
            <span className="text-muted-foreground ml-auto text-xs tabular-nums">{ms(a.duration_ms)}</span>
          </div>
          {a.detail && (
            <p className={cn("text-xs break-words", a.outcome !== "succeeded" && "text-destructive")}>{a.detail}</p>
          )}
        </li>
      ))}
    </ol>
  );
}
