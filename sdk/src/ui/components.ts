/**
 * @module
 * `@digital-commerce/plugin-sdk/ui`: one function per component of the plugin UI tree, typed from its
 * schema (./tree.ts), for widgets and settings components written in TSX:
 * `<Card title="Revenue"><Stat label="Net" value={net} /></Card>`. Each returns a tree node; the
 * platform validates the whole tree when the widget returns it.
 */
import type { z } from "zod";
import { element, type UiChild, type UiElement, type UiTextChild } from "./element.ts";
import type { uiComponentProps } from "./tree.ts";

type Props = typeof uiComponentProps;
/** A component's props as a plugin writes them (defaults optional), with the children it takes. */
type WithNodes<N extends keyof Props> = z.input<Props[N]> & { children?: UiChild };
type WithText<N extends keyof Props> = z.input<Props[N]> & { children?: UiTextChild };
type Childless<N extends keyof Props> = z.input<Props[N]> & { children?: never };

/**
 * A vertical (default) or horizontal stack of nodes, `gap` in steps of the dashboard's spacing.
 *
 * @example
 * <Stack direction="row" gap={4}><Badge>EUR</Badge><Badge>USD</Badge></Stack>
 */
export function Stack(props: WithNodes<"Stack">): UiElement {
  return element("Stack", props);
}

/**
 * A grid of `columns` (1-6) columns, e.g. of KPI cards.
 *
 * @example
 * <Grid columns={3}><Stat label="Orders" value={12} /></Grid>
 */
export function Grid(props: WithNodes<"Grid">): UiElement {
  return element("Grid", props);
}

/**
 * A card with an optional title and description.
 *
 * @example
 * <Card title="Revenue" description="Last 30 days"><Text>…</Text></Card>
 */
export function Card(props: WithNodes<"Card">): UiElement {
  return element("Card", props);
}

/**
 * A heading of level 2, 3 (default) or 4; text only.
 *
 * @example
 * <Heading level={2}>Sales</Heading>
 */
export function Heading(props: WithText<"Heading">): UiElement {
  return element("Heading", props);
}

/**
 * A paragraph in one of the dashboard's tones and sizes; text only.
 *
 * @example
 * <Text tone="muted" size="sm">Updated hourly</Text>
 */
export function Text(props: WithText<"Text">): UiElement {
  return element("Text", props);
}

/**
 * A small label in one of the dashboard's tones; text only.
 *
 * @example
 * <Badge tone="success">live</Badge>
 */
export function Badge(props: WithText<"Badge">): UiElement {
  return element("Badge", props);
}

/**
 * A callout with a title; its children are the message.
 *
 * @example
 * <Alert tone="warning" title="Webhook secret missing">Set it in the settings.</Alert>
 */
export function Alert(props: WithText<"Alert">): UiElement {
  return element("Alert", props);
}

/**
 * A figure, formatted as a number, money in minor units or a percentage of 1, with its change
 * against the previous period as a fraction (`trend={0.25}` is +25 %).
 *
 * @example
 * <Stat label="Net revenue" value={125000} format={{ style: "money", currency: "EUR" }} trend={0.12} />
 */
export function Stat(props: Childless<"Stat">): UiElement {
  return element("Stat", props);
}

/**
 * A table of at most 500 rows; each column names its row key.
 *
 * @example
 * <Table columns={[{ key: "sku", label: "SKU" }, { key: "units", label: "Units", align: "right" }]} rows={rows} />
 */
export function Table(props: Childless<"Table">): UiElement {
  return element("Table", props);
}

/**
 * A line chart of `data`, `x` naming each point's x key, one line per series.
 *
 * @example
 * <LineChart data={days} x="day" series={[{ key: "net", label: "Net", color: "chart-1" }]} />
 */
export function LineChart(props: Childless<"LineChart">): UiElement {
  return element("LineChart", props);
}

/**
 * A bar chart of `data`, bars side by side or `stacked`.
 *
 * @example
 * <BarChart data={days} x="day" series={[{ key: "orders", label: "Orders" }]} stacked />
 */
export function BarChart(props: Childless<"BarChart">): UiElement {
  return element("BarChart", props);
}

/**
 * A button that sends `action` back to this widget's module (after the platform checks the operator
 * may act); the dashboard asks first when `confirm` is given.
 *
 * @example
 * <Button label="Refresh" action="refresh" variant="outline" />
 */
export function Button(props: Childless<"Button">): UiElement {
  return element("Button", props);
}

/**
 * A form whose inputs' values are sent to `action` of this widget as `input.values`.
 *
 * @example
 * <Form action="set-goal" submit="Save"><Input name="goal" label="Monthly goal" type="number" /></Form>
 */
export function Form(props: WithNodes<"Form">): UiElement {
  return element("Form", props);
}

/**
 * A text, number or email field of a Form, named as its key in `input.values`.
 *
 * @example
 * <Input name="email" label="Report to" type="email" required />
 */
export function Input(props: Childless<"Input">): UiElement {
  return element("Input", props);
}

/**
 * A choice among `options` in a Form.
 *
 * @example
 * <Select name="period" label="Period" options={[{ value: "7d", label: "7 days" }]} value="7d" />
 */
export function Select(props: Childless<"Select">): UiElement {
  return element("Select", props);
}

/**
 * An on/off field of a Form.
 *
 * @example
 * <Switch name="weekly" label="Weekly report" checked />
 */
export function Switch(props: Childless<"Switch">): UiElement {
  return element("Switch", props);
}

/**
 * A link to one of this plugin's own endpoints (`/api/plugins/<slug>/...`); any other href is refused.
 *
 * @example
 * <Link href="/api/plugins/stripe-gateway/revenue?days=30">Download</Link>
 */
export function Link(props: WithText<"Link">): UiElement {
  return element("Link", props);
}
