/**
 * Draws a plugin's UI tree (sdk/src/ui/tree.ts) with the dashboard's own shadcn components: the only
 * way a plugin's UI reaches the operator's page. Every text is a React text node (escaped, never
 * HTML), every prop is mapped to our own classes and variants (the tree carries no class, style or
 * handler), charts get our palette and formatters, and a link is drawn only when it points at the
 * plugin's own endpoints. An interaction is a name: a Button or a Form calls `onAction(action, values)`,
 * which the caller sends to the admin API; without `onAction` (a viewer) no control that changes state
 * is drawn.
 */
import { MinusIcon, TrendingDownIcon, TrendingUpIcon } from "lucide-react";
import { createContext, type ReactNode, useContext, useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, XAxis, YAxis } from "recharts";
import type { z } from "zod";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  type ChartConfig,
  ChartContainer,
  ChartLegend,
  ChartLegendContent,
  ChartTooltip,
  ChartTooltipContent,
} from "@/components/ui/chart";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import {
  ownEndpointHref,
  type UiComponentName,
  type UiNode,
  type uiComponentProps,
} from "../../../../sdk/src/ui/tree.ts";
import { formatCell, formatNumber, formatTrend } from "./format.ts";

/** A component's props as the schema parses them (defaults filled in): the schema is the only source of the shape. */
type Props<N extends UiComponentName> = z.output<(typeof uiComponentProps)[N]>;
type ComponentNode = Exclude<UiNode, string | number>;
export type UiValue = string | number | boolean;
export type UiValues = Record<string, UiValue>;

/** What a Button or a Form starts; resolves when the plugin has answered (the caller then shows its new tree). */
export type UiActionHandler = (action: string, values?: UiValues) => Promise<void>;

export interface UiTreeViewProps {
  tree: UiNode;
  /** The plugin the tree is from: links must stay under /api/plugins/<slug>/. */
  slug: string;
  /** The widget (or `settings`) the tree belongs to, for element ids and test hooks. */
  widgetId: string;
  /** Absent for a viewer: no Button, no Form submit, inputs disabled. */
  onAction?: UiActionHandler;
}

/** A tree node the dashboard does not know: never drawn, shown by the widget's error boundary instead. */
export class UiRenderError extends Error {
  readonly code = "UI_RENDER_FAILED";
  constructor(message: string) {
    super(message);
    this.name = "UiRenderError";
  }
}

interface Scope {
  slug: string;
  widgetId: string;
  onAction?: UiActionHandler;
}
const ScopeContext = createContext<Scope>({ slug: "", widgetId: "" });

/** The values of the Form around an input; outside a Form an input keeps its own (nothing is sent). */
interface FormScope {
  values: UiValues;
  set: (name: string, value: UiValue) => void;
  disabled: boolean;
}
const FormContext = createContext<FormScope | null>(null);

export function UiTreeView({ tree, slug, widgetId, onAction }: UiTreeViewProps) {
  return (
    <ScopeContext.Provider value={{ slug, widgetId, onAction }}>
      <div className="flex min-w-0 flex-col gap-3" data-ui-tree={widgetId}>
        <UiNodeView node={tree} />
      </div>
    </ScopeContext.Provider>
  );
}

function Children({ nodes }: { nodes: UiNode[] }) {
  return (
    <>
      {nodes.map((child, i) => (
        <UiNodeView
          // a plugin's key when it gives one, else its place: siblings are not reordered between renders
          key={typeof child === "object" && child.key !== undefined ? `k:${child.key}` : `i:${i}`}
          node={child}
        />
      ))}
    </>
  );
}

/** The text of a text-only component (Heading, Text, Badge, Alert, Link): strings and numbers, as text. */
function textOf(nodes: UiNode[]): string {
  return nodes.map((n) => (typeof n === "object" ? "" : String(n))).join("");
}

function UiNodeView({ node }: { node: UiNode }) {
  if (typeof node === "string" || typeof node === "number") return <>{String(node)}</>;
  const view = views[node.type];
  if (!view) throw new UiRenderError(`the dashboard has no component ${JSON.stringify(node.type)}`);
  return view(node);
}

const gapClass = ["gap-0", "gap-1", "gap-2", "gap-3", "gap-4", "gap-5", "gap-6", "gap-7", "gap-8"] as const;
// one column on a phone, the plugin's count from a laptop on
const columnsClass = [
  "",
  "grid-cols-1",
  "grid-cols-1 sm:grid-cols-2",
  "grid-cols-1 sm:grid-cols-2 lg:grid-cols-3",
  "grid-cols-1 sm:grid-cols-2 lg:grid-cols-4",
  "grid-cols-1 sm:grid-cols-3 lg:grid-cols-5",
  "grid-cols-1 sm:grid-cols-3 lg:grid-cols-6",
] as const;
const toneClass = {
  default: "",
  muted: "text-muted-foreground",
  success: "text-emerald-700 dark:text-emerald-400",
  warning: "text-amber-700 dark:text-amber-400",
  destructive: "text-destructive",
} as const;
const badgeVariant = {
  default: "secondary",
  muted: "outline",
  success: "success",
  warning: "warning",
  destructive: "destructive",
} as const;
const textSize = { sm: "text-sm", md: "text-base", lg: "text-lg font-medium" } as const;
const chartColors = ["chart-1", "chart-2", "chart-3", "chart-4", "chart-5"] as const;

const views: { [N in UiComponentName]: (node: ComponentNode) => ReactNode } = {
  Stack: (node) => {
    const p = node.props as Props<"Stack">;
    return (
      <div
        className={cn(
          "flex min-w-0",
          p.direction === "row" ? "flex-row flex-wrap items-center" : "flex-col",
          gapClass[p.gap ?? 2] ?? "gap-2",
        )}
      >
        <Children nodes={node.children} />
      </div>
    );
  },
  Grid: (node) => {
    const p = node.props as Props<"Grid">;
    return (
      <div className={cn("grid min-w-0 gap-3", columnsClass[p.columns ?? 2] ?? columnsClass[2])}>
        <Children nodes={node.children} />
      </div>
    );
  },
  Card: (node) => {
    const p = node.props as Props<"Card">;
    return (
      <Card className="min-w-0 gap-3 py-4">
        {(p.title || p.description) && (
          <CardHeader className="px-4">
            {p.title && <CardTitle>{p.title}</CardTitle>}
            {p.description && <CardDescription>{p.description}</CardDescription>}
          </CardHeader>
        )}
        <CardContent className="flex min-w-0 flex-col gap-3 px-4">
          <Children nodes={node.children} />
        </CardContent>
      </Card>
    );
  },
  Heading: (node) => {
    const p = node.props as Props<"Heading">;
    const text = textOf(node.children);
    if (p.level === 2) return <h2 className="text-lg font-semibold">{text}</h2>;
    if (p.level === 4) return <h4 className="text-sm font-semibold">{text}</h4>;
    return <h3 className="text-base font-semibold">{text}</h3>;
  },
  Text: (node) => {
    const p = node.props as Props<"Text">;
    return (
      <p className={cn(textSize[p.size ?? "md"], toneClass[p.tone ?? "default"], "break-words")}>
        {textOf(node.children)}
      </p>
    );
  },
  Badge: (node) => {
    const p = node.props as Props<"Badge">;
    return <Badge variant={badgeVariant[p.tone ?? "default"]}>{textOf(node.children)}</Badge>;
  },
  Alert: (node) => {
    const p = node.props as Props<"Alert">;
    return (
      <Alert
        variant={p.tone === "destructive" ? "destructive" : "default"}
        className={p.tone === "warning" ? "border-amber-500/50 text-amber-800 dark:text-amber-300" : undefined}
      >
        <AlertTitle>{p.title}</AlertTitle>
        {node.children.length > 0 && <AlertDescription>{textOf(node.children)}</AlertDescription>}
      </Alert>
    );
  },
  Stat: (node) => <StatView p={node.props as Props<"Stat">} />,
  Table: (node) => <TableView p={node.props as Props<"Table">} />,
  LineChart: (node) => <ChartView kind="line" p={node.props as Props<"LineChart">} />,
  BarChart: (node) => <ChartView kind="bar" p={node.props as Props<"BarChart">} />,
  Button: (node) => <ButtonView p={node.props as Props<"Button">} />,
  Form: (node) => <FormView p={node.props as Props<"Form">} nodes={node.children} />,
  Input: (node) => <InputView p={node.props as Props<"Input">} />,
  Select: (node) => <SelectView p={node.props as Props<"Select">} />,
  Switch: (node) => <SwitchView p={node.props as Props<"Switch">} />,
  Link: (node) => <LinkView href={(node.props as Props<"Link">).href} text={textOf(node.children)} />,
};

function StatView({ p }: { p: Props<"Stat"> }) {
  const value = typeof p.value === "number" ? formatNumber(p.value, p.format) : p.value;
  const trend = p.trend;
  return (
    <div className="bg-background min-w-0 rounded-lg border p-3" data-ui-stat={p.label}>
      <div className="text-muted-foreground text-xs">{p.label}</div>
      <div className="text-2xl font-semibold tabular-nums break-words" data-ui-stat-value>
        {value}
      </div>
      {trend !== undefined && (
        <div
          className={cn(
            "mt-1 flex items-center gap-1 text-xs font-medium",
            trend === null || trend === 0
              ? "text-muted-foreground"
              : trend > 0
                ? "text-emerald-700 dark:text-emerald-400"
                : "text-destructive",
          )}
        >
          {trend === null ? (
            "no previous period"
          ) : (
            <>
              {trend > 0 ? (
                <TrendingUpIcon className="size-3.5" aria-hidden />
              ) : trend < 0 ? (
                <TrendingDownIcon className="size-3.5" aria-hidden />
              ) : (
                <MinusIcon className="size-3.5" aria-hidden />
              )}
              <span>
                {formatTrend(trend)} <span className="sr-only">against the previous period</span>
              </span>
            </>
          )}
        </div>
      )}
      {p.hint && <div className="text-muted-foreground mt-1 text-xs">{p.hint}</div>}
    </div>
  );
}

function TableView({ p }: { p: Props<"Table"> }) {
  if (p.rows.length === 0)
    return (
      <p className="text-muted-foreground text-sm" data-ui-table="empty">
        {p.empty ?? "Nothing yet."}
      </p>
    );
  return (
    <Table data-ui-table="rows">
      <TableHeader>
        <TableRow>
          {p.columns.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a plugin may name a column twice; its place is its identity
            <TableHead key={i} className={c.align === "right" ? "text-right" : undefined}>
              {c.label}
            </TableHead>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {p.rows.map((row, r) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity in the schema
          <TableRow key={r}>
            {p.columns.map((c, i) => (
              <TableCell
                // biome-ignore lint/suspicious/noArrayIndexKey: as the header
                key={i}
                className={cn("whitespace-normal", c.align === "right" && "text-right tabular-nums")}
              >
                {formatCell(Object.hasOwn(row, c.key) ? row[c.key] : null, c.format)}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function ChartView({ kind, p }: { kind: "line" | "bar"; p: Props<"LineChart"> | Props<"BarChart"> }) {
  // the colours are our palette's, by name; a series without one takes the next
  const config: ChartConfig = {};
  p.series.forEach((s, i) => {
    config[s.key] = { label: s.label, color: `var(--${s.color ?? chartColors[i % chartColors.length]})` };
  });
  const stacked = kind === "bar" && "stacked" in p && p.stacked;
  const tick = (v: unknown) => (typeof v === "number" ? formatNumber(v, p.format, true) : String(v));
  const value = (v: unknown) => (typeof v === "number" ? formatNumber(v, p.format) : formatCell(v));
  const label = p.series.map((s) => s.label).join(", ");
  // counts and minor units are whole: an axis of them has no 0.25 ticks (nor $0.0025 ones)
  const whole = p.data.every((row) =>
    p.series.every((s) => {
      const v = Object.hasOwn(row, s.key) ? row[s.key] : null;
      return typeof v !== "number" || Number.isInteger(v);
    }),
  );
  return (
    <ChartContainer
      config={config}
      className="aspect-auto w-full min-w-0"
      style={{ height: p.height ?? 240 }}
      role="img"
      aria-label={label}
      data-ui-chart={kind}
    >
      {kind === "line" ? (
        <LineChart data={p.data} accessibilityLayer>
          <CartesianGrid vertical={false} />
          <XAxis dataKey={p.x} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis width={64} tickLine={false} axisLine={false} tickFormatter={tick} allowDecimals={!whole} />
          <ChartTooltip content={<ChartTooltipContent formatValue={value} />} />
          <ChartLegend content={<ChartLegendContent />} />
          {p.series.map((s) => (
            <Line
              key={s.key}
              isAnimationActive={false}
              dataKey={s.key}
              stroke={`var(--color-${s.key})`}
              strokeWidth={2}
              dot={p.data.length <= 14}
            />
          ))}
        </LineChart>
      ) : (
        <BarChart data={p.data} accessibilityLayer>
          <CartesianGrid vertical={false} />
          <XAxis dataKey={p.x} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis width={64} tickLine={false} axisLine={false} tickFormatter={tick} allowDecimals={!whole} />
          <ChartTooltip content={<ChartTooltipContent formatValue={value} />} />
          <ChartLegend content={<ChartLegendContent />} />
          {p.series.map((s) => (
            <Bar
              key={s.key}
              isAnimationActive={false}
              dataKey={s.key}
              fill={`var(--color-${s.key})`}
              {...(stacked ? { stackId: "stack" } : { radius: 4 })}
            />
          ))}
        </BarChart>
      )}
    </ChartContainer>
  );
}

function ButtonView({ p }: { p: Props<"Button"> }) {
  const { onAction } = useContext(ScopeContext);
  const [asking, setAsking] = useState(false);
  const [pending, setPending] = useState(false);
  if (!onAction) return null;
  const run = async () => {
    setAsking(false);
    setPending(true);
    try {
      await onAction(p.action, undefined);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <Button
        type="button"
        variant={p.variant ?? "default"}
        size="sm"
        className="w-fit"
        disabled={pending}
        data-ui-action={p.action}
        onClick={() => (p.confirm ? setAsking(true) : run())}
      >
        {pending ? "Working…" : p.label}
      </Button>
      {p.confirm && (
        <Dialog open={asking} onOpenChange={setAsking}>
          <DialogContent>
            <DialogHeader>
              <DialogTitle>{p.label}?</DialogTitle>
              <DialogDescription>{p.confirm}</DialogDescription>
            </DialogHeader>
            <DialogFooter>
              <Button variant="outline" onClick={() => setAsking(false)}>
                Cancel
              </Button>
              <Button variant={p.variant === "destructive" ? "destructive" : "default"} onClick={run}>
                {p.label}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      )}
    </>
  );
}

/** The values the inputs inside a Form start with, from their props. */
function initialValues(nodes: UiNode[], into: UiValues = {}): UiValues {
  for (const n of nodes) {
    if (typeof n !== "object") continue;
    if (n.type === "Input") {
      const p = n.props as Props<"Input">;
      if (p.value !== undefined) into[p.name] = p.value;
    } else if (n.type === "Select") {
      const p = n.props as Props<"Select">;
      into[p.name] = p.value ?? p.options[0]?.value ?? "";
    } else if (n.type === "Switch") {
      const p = n.props as Props<"Switch">;
      into[p.name] = p.checked ?? false;
      // a nested Form sends its own inputs
    } else if (n.type !== "Form") initialValues(n.children, into);
  }
  return into;
}

/** The names of the number inputs inside a Form: their text is sent as a number. */
function numberFields(nodes: UiNode[], into = new Set<string>()): Set<string> {
  for (const n of nodes) {
    if (typeof n !== "object") continue;
    if (n.type === "Input" && (n.props as Props<"Input">).type === "number") into.add((n.props as Props<"Input">).name);
    else if (n.type !== "Form") numberFields(n.children, into);
  }
  return into;
}

function FormView({ p, nodes }: { p: Props<"Form">; nodes: UiNode[] }) {
  const { onAction } = useContext(ScopeContext);
  const outer = useContext(FormContext);
  const [values, setValues] = useState<UiValues>(() => initialValues(nodes));
  const [pending, setPending] = useState(false);
  const disabled = !onAction || pending;
  const submit = async (event: React.SyntheticEvent) => {
    event.preventDefault();
    if (!onAction) return;
    const numbers = numberFields(nodes);
    const sent: UiValues = {};
    for (const [name, value] of Object.entries(values)) {
      if (numbers.has(name)) {
        if (value !== "") sent[name] = Number(value);
      } else sent[name] = value;
    }
    setPending(true);
    try {
      await onAction(p.action, sent);
    } finally {
      setPending(false);
    }
  };
  const scope = {
    values,
    set: (name: string, value: UiValue) => setValues((v) => ({ ...v, [name]: value })),
    disabled,
  };
  // HTML has no form inside a form (a parser drops the inner one): a nested Form is a group that submits itself
  if (outer) {
    return (
      <FormContext.Provider value={scope}>
        <fieldset className="flex flex-col gap-3 rounded-md border p-3" data-ui-form={p.action}>
          <Children nodes={nodes} />
          {onAction && (
            <Button type="button" size="sm" className="w-fit" disabled={pending} onClick={submit}>
              {pending ? "Working…" : p.submit}
            </Button>
          )}
        </fieldset>
      </FormContext.Provider>
    );
  }
  return (
    <FormContext.Provider value={scope}>
      <form className="flex flex-col gap-3" onSubmit={submit} data-ui-form={p.action}>
        <Children nodes={nodes} />
        {onAction && (
          <Button type="submit" size="sm" className="w-fit" disabled={pending}>
            {pending ? "Working…" : p.submit}
          </Button>
        )}
      </form>
    </FormContext.Provider>
  );
}

/** An input's value: the Form's when inside one, else its own. */
function useField(name: string, initial: UiValue): [UiValue, (value: UiValue) => void, boolean] {
  const form = useContext(FormContext);
  const { onAction } = useContext(ScopeContext);
  const [own, setOwn] = useState<UiValue>(initial);
  if (form) return [form.values[name] ?? initial, (v) => form.set(name, v), form.disabled];
  return [own, setOwn, !onAction];
}

function FieldFrame({
  id,
  label,
  description,
  children,
}: {
  id: string;
  label: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {description && (
        <p id={`${id}-description`} className="text-muted-foreground text-xs">
          {description}
        </p>
      )}
    </div>
  );
}

function InputView({ p }: { p: Props<"Input"> }) {
  const id = useId();
  const [value, set, disabled] = useField(p.name, p.value ?? "");
  return (
    <FieldFrame id={id} label={p.label} description={p.description}>
      <Input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        required={p.required}
        min={p.min}
        max={p.max}
        placeholder={p.placeholder}
        value={String(value)}
        disabled={disabled}
        aria-describedby={p.description ? `${id}-description` : undefined}
        onChange={(event) => set(event.target.value)}
      />
    </FieldFrame>
  );
}

function SelectView({ p }: { p: Props<"Select"> }) {
  const id = useId();
  const [value, set, disabled] = useField(p.name, p.value ?? p.options[0]?.value ?? "");
  // Radix refuses an item whose value is empty, and a plugin may give one: items are keyed by their place
  const index = Math.max(
    0,
    p.options.findIndex((o) => o.value === value),
  );
  return (
    <FieldFrame id={id} label={p.label} description={p.description}>
      <Select value={String(index)} disabled={disabled} onValueChange={(i) => set(p.options[Number(i)]?.value ?? "")}>
        <SelectTrigger id={id} className="w-full sm:w-64">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {p.options.map((o, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the place is the item's value (see above)
            <SelectItem key={i} value={String(i)}>
              {o.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </FieldFrame>
  );
}

function SwitchView({ p }: { p: Props<"Switch"> }) {
  const id = useId();
  const [value, set, disabled] = useField(p.name, p.checked ?? false);
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="flex items-center gap-2">
        <Switch
          id={id}
          checked={value === true}
          disabled={disabled}
          onCheckedChange={(checked) => set(checked)}
          aria-describedby={p.description ? `${id}-description` : undefined}
        />
        <Label htmlFor={id}>{p.label}</Label>
      </div>
      {p.description && (
        <p id={`${id}-description`} className="text-muted-foreground text-xs">
          {p.description}
        </p>
      )}
    </div>
  );
}

/** Only the plugin's own endpoints, checked again here: a tree that reached the page by any other way is not trusted. */
function LinkView({ href, text }: { href: string; text: string }) {
  const { slug } = useContext(ScopeContext);
  const label = text || href;
  if (!ownEndpointHref(href, slug)) {
    return (
      <span className="text-muted-foreground" title="This link points outside the plugin's endpoints and is not opened">
        {label}
      </span>
    );
  }
  return (
    // a new tab without an opener or a Referer: the plugin's page gets nothing of this one
    <a href={href} target="_blank" rel="noopener noreferrer" className="text-primary w-fit underline">
      {label}
    </a>
  );
}
