/**
 * The operator dashboard end to end: the platform under `wrangler dev` (the admin-cli tests' own
 * helper, on a free port, in a state folder of its own), the dashboard built as `npm run dev` builds
 * it and served by the API Worker, Debian's Chromium driven by playwright-core. Each page is saved
 * at laptop and phone width into docs/screenshots/.
 *
 * The story is one plugin's, stripe-gateway's, against the local Stripe (test/peers/stripe, started
 * here on a free port, its webhooks to the platform): installed with its dependency, configured,
 * activated, its revenue widget filled by orders paid through it, broken by a wrong secret key (a
 * payment's webhook can no longer be handled), the failure seen in its health and in the dead letters,
 * fixed in its settings and replayed, the payment settling and the widget counting it.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type TestPlatform } from "../../cli/test/platform.ts";
import { bundlePlugin } from "../../sdk/src/build/index.ts";
import { type StripePeer, StripePeerControl, startStripePeer } from "../peers/stripe/index.ts";
import { apiOf, buildDashboard, eventually, givenViewerToken, launchChromium } from "./helpers.ts";

const repo = resolve(import.meta.dirname, "../..");
const screenshots = join(repo, "docs/screenshots");
const viewports = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

let platform: TestPlatform;
let stripe: StripePeer;
let stripeControl: StripePeerControl;
let browser: Browser;
let viewerToken: string;
let api: ReturnType<typeof apiOf>;
const timings: Record<string, number> = {};

/** The local Stripe's account: its key and the signing secret of the store's webhook endpoint there. */
const STRIPE_KEY = "sk_test_dashboard_123";
const STRIPE_WEBHOOK_SECRET = "whsec_dashboard_123";
/** A key that matches the setting's pattern but is no key of that account: the operator's slip. */
const WRONG_STRIPE_KEY = "sk_test_pasted_the_wrong_one";

async function timed<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

interface Payment {
  id: string;
  status: string;
  provider: string;
  transaction_id: string;
}

/** A customer's order of `quantity` of a new product, paid through the commerce API with one of Stripe's test cards. */
async function paidOrder(title: string, price: number, quantity: number, method: string) {
  const product = await api<{ id: string }>("POST", "/api/commerce/products", { title, price, currency: "USD" });
  const order = await api<{ id: string }>("POST", "/api/commerce/orders", {
    items: [{ product_id: product.body.id, quantity }],
  });
  return await api<Payment>("POST", "/api/commerce/payments", { order_id: order.body.id, method });
}

/** Every webhook the local Stripe sent so far was answered, and each one's delivery to the plugin is over. */
async function stripeWebhooksSettled(): Promise<true | undefined> {
  await stripeControl.flush();
  const hook = encodeURIComponent("webhook:/stripe");
  const { body } = await api<{ events: { id: string }[] }>("GET", `/api/admin/events?hook=${hook}&limit=200`);
  for (const { id } of body.events) {
    const event = (await api<{ deliveries: { status: string }[] }>("GET", `/api/admin/events/${id}`)).body;
    if (event.deliveries.some((d) => d.status === "pending" || d.status === "running")) return undefined;
  }
  return true;
}

/** What a Stat of a plugin's widget shows, by its label. */
async function statOf(widget: ReturnType<Page["locator"]>, label: string): Promise<string> {
  return (await widget.locator(`[data-ui-stat="${label}"] [data-ui-stat-value]`).textContent()) ?? "";
}

/**
 * Saves the page at laptop and phone width, then returns to laptop width; toasts are left out, they
 * would cover the page. `reload` loads the page afresh at each width, as a phone would open it: Recharts
 * keeps its bar widths from the width it first drew at. A dialog is shot as the window shows it
 * (`fullPage: false`): its overlay covers the window, not the whole page.
 */
async function shoot(page: Page, name: string, options: { reload?: boolean; fullPage?: boolean } = {}): Promise<void> {
  const hideToasts = "[data-sonner-toaster] { display: none !important; }";
  let style = await page.addStyleTag({ content: hideToasts });
  for (const [width, size] of Object.entries(viewports)) {
    await page.setViewportSize(size);
    if (options.reload) {
      await page.reload({ waitUntil: "networkidle" });
      style = await page.addStyleTag({ content: hideToasts });
    }
    // let a responsive chart or a wrapped layout settle at the new width
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(screenshots, `${name}-${width}.png`), fullPage: options.fullPage ?? true });
  }
  await style.evaluate((element) => element.remove());
  await page.setViewportSize(viewports.laptop);
  if (options.reload) await page.reload({ waitUntil: "networkidle" });
}

async function signIn(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByLabel("Tenant token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  const refused = page.getByTestId("error-message");
  await Promise.race([
    page.getByRole("heading", { name: "Plugins", exact: true }).waitFor(),
    refused.waitFor().then(async () => {
      throw new Error(`sign-in refused: ${await refused.textContent()}`);
    }),
  ]);
  return page;
}

async function chooseOption(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

beforeAll(async () => {
  await timed("dashboard build", () => buildDashboard());
  platform = await timed("platform start", () => startTestPlatform());
  api = apiOf(platform);
  // the demo store's stripe-gateway webhook URL, as the operator registers it in Stripe's dashboard
  stripe = await startStripePeer({
    apiKey: STRIPE_KEY,
    webhookSecret: STRIPE_WEBHOOK_SECRET,
    webhookUrl: `${platform.url}/webhooks/demo/stripe-gateway/stripe`,
  });
  stripeControl = new StripePeerControl(stripe.url);
  viewerToken = await givenViewerToken(platform);
  const viewer = await api<{ role?: string }>("GET", "/api/admin/whoami", undefined, viewerToken);
  if (viewer.body.role !== "viewer") throw new Error(`the viewer token does not work: ${JSON.stringify(viewer.body)}`);
  // the recorder fixture: its `mode` setting makes it fail at will, so a dead letter can be made on purpose
  const recorder = await bundlePlugin(join(repo, "test/fixtures/plugins/recorder"));
  const published = await api("POST", "/api/admin/plugins", { manifest: recorder.manifest, code: recorder.code });
  if (published.status >= 300) throw new Error(`publishing the recorder: ${JSON.stringify(published.body)}`);
  mkdirSync(screenshots, { recursive: true });
  browser = await timed("chromium launch", () => launchChromium());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await stripe?.close();
  console.log(`dashboard e2e timings (ms): ${JSON.stringify(timings)}`);
});

describe("the operator dashboard", () => {
  let owner: BrowserContext;
  let page: Page;
  /** The 3-D Secure payment whose webhook the wrong key breaks. */
  let securePayment: string;

  beforeAll(async () => {
    owner = await browser.newContext({ viewport: viewports.laptop });
  });
  afterAll(async () => {
    await owner?.close();
  });

  it("serves the API beside the dashboard: API paths reach the Worker, the dashboard's own paths get index.html", async () => {
    const apiPath = await fetch(`${platform.url}/api/admin/whoami`);
    expect(apiPath.status).toBe(401);
    expect(apiPath.headers.get("content-type")).toContain("application/json");
    expect((await fetch(`${platform.url}/healthz`)).headers.get("content-type")).toContain("application/json");
    const deepLink = await fetch(`${platform.url}/plugins/stripe-gateway/settings`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');
  });

  it("refuses a wrong token with the API's message, then signs in keeping the token out of the URL", async () => {
    page = await owner.newPage();
    await timed("first page load", () => page.goto(`${platform.url}/plugins`));
    await page.getByRole("heading", { name: "Sign in to the commerce admin" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByLabel("Tenant token").fill("dcp_not_a_real_token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const refusal = await page.getByTestId("error-message").textContent();
    expect(refusal).toMatch(/UNAUTHENTICATED/);
    await shoot(page, "sign-in");

    // by keyboard: the form submits on Enter
    await page.getByLabel("Tenant token").fill(platform.token);
    await page.getByLabel("Tenant token").press("Enter");
    await page.getByRole("heading", { name: "Plugins", exact: true }).waitFor();
    expect(page.url()).not.toContain(platform.token);
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toContain(platform.token);
    expect(await page.getByTestId("role").textContent()).toBe("owner");
  });

  it("lists the catalogue, filtered by category and by search", async () => {
    const cards = page.getByRole("list", { name: "available plugins" }).getByRole("listitem");
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    await shoot(page, "catalogue");
    await chooseOption(page, "Category", "payment");
    await expect.poll(() => cards.allTextContents()).toEqual([expect.stringContaining("stripe-gateway")]);
    await chooseOption(page, "Category", "All categories");
    await page.getByLabel("Search").fill("audit trail");
    await expect.poll(() => cards.allTextContents()).toEqual([expect.stringContaining("audit-log")]);
    await page.getByLabel("Search").fill("no such plugin anywhere");
    await page.getByText("No plugin matches").waitFor();
    await page.getByRole("tab", { name: "Installed" }).click();
    await page.getByLabel("Search").fill("");
    await page.getByText("No plugin installed yet").waitFor();
  });

  it("installs stripe-gateway with core-utils after showing the plan and the permissions granted", async () => {
    await page.goto(`${platform.url}/plugins/stripe-gateway`);
    await page.getByText("Permissions it asks for").waitFor();
    await shoot(page, "plugin-overview");
    await page.getByRole("button", { name: "Install", exact: true }).click();
    const plan = page.getByTestId("plan");
    await plan.waitFor();
    const rows = await plan.getByRole("row").allTextContents();
    expect(rows.slice(1)).toEqual([
      expect.stringMatching(/core-utils.*dependency/),
      expect.stringMatching(/stripe-gateway.*requested.*api\.stripe\.com/),
    ]);
    await shoot(page, "install-plan", { fullPage: false });
    // nothing changed yet: the plan is a dry run; Escape closes it, focus back on the button that opened it
    expect(
      (await api<{ installation: unknown }>("GET", "/api/admin/plugins/stripe-gateway")).body.installation,
    ).toBeNull();
    await page.keyboard.press("Escape");
    await plan.waitFor({ state: "detached" });
    expect(await page.locator("button:focus").textContent()).toBe("Install");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Confirm install" }).waitFor();
    await page.getByRole("button", { name: "Confirm install" }).click();
    await page.getByRole("button", { name: "Activate" }).waitFor();
    const installed = await api<{ plugins: { slug: string }[] }>("GET", "/api/admin/plugins/installed");
    expect(installed.body.plugins.map((p) => p.slug).sort()).toEqual(["core-utils", "stripe-gateway"]);
  });

  it("configures it: an invalid value is refused in the form, a secret is masked after saving", async () => {
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Save settings" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/plugins/stripe-gateway/settings");
    const apiBase = page.locator('[data-setting="api_base"]');
    await apiBase.getByRole("textbox").fill("not a url");
    expect(await apiBase.getByRole("alert").textContent()).toMatch(/URL/i);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.waitForTimeout(300);
    // refused before any request: the stored configuration is untouched
    const before = await api<{ config: Record<string, unknown> }>("GET", "/api/admin/plugins/stripe-gateway/config");
    expect(before.body.config.api_base).toBe("https://api.stripe.com");
    await shoot(page, "settings-invalid");

    // the local Stripe's address and its account's keys: the same form points at api.stripe.com in production
    await apiBase.getByRole("textbox").fill(stripe.url);
    await page.locator('[data-setting="secret_key"] input').fill(STRIPE_KEY);
    await page.locator('[data-setting="webhook_secret"] input').fill(STRIPE_WEBHOOK_SECRET);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();
    await expect.poll(() => page.locator('[data-setting="secret_key"] input').inputValue()).toBe("********");
    expect(await page.content()).not.toContain(STRIPE_KEY);
    const stored = await api<{ config: Record<string, unknown>; missing_required: string[] }>(
      "GET",
      "/api/admin/plugins/stripe-gateway/config",
    );
    expect(stored.body).toMatchObject({
      config: { secret_key: "********", api_base: stripe.url },
      missing_required: [],
    });
    await shoot(page, "settings");

    // untouched, the masked secret is sent back as the mask, and the API keeps the stored value
    await page.locator('[data-setting="publishable_key"] input').fill("pk_test_dashboard_123");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect
      .poll(
        async () =>
          (await api<{ config: Record<string, unknown> }>("GET", "/api/admin/plugins/stripe-gateway/config")).body
            .config,
      )
      .toMatchObject({ publishable_key: "pk_test_dashboard_123", secret_key: "********", webhook_secret: "********" });
  });

  it("activates it with its dependency, the order shown first, and draws its dependency graph", async () => {
    await page.getByRole("tab", { name: "Overview" }).click();
    await page.getByRole("button", { name: "Activate" }).click();
    const plan = page.getByTestId("plan");
    await plan.waitFor();
    expect(await plan.getByRole("listitem").allTextContents()).toEqual(["core-utils", "stripe-gateway"]);
    await page.getByRole("button", { name: "Confirm activate" }).click();
    await page.getByRole("button", { name: "Deactivate" }).waitFor();
    const states = await api<{ plugins: { slug: string; state: string }[] }>("GET", "/api/admin/plugins/installed");
    expect(states.body.plugins.map((p) => p.state)).toEqual(["active", "active"]);

    await page.getByRole("tab", { name: "Dependencies" }).click();
    const graph = page.getByRole("img", { name: /Dependency graph of stripe-gateway/ });
    await graph.waitFor();
    expect(await graph.getAttribute("aria-label")).toContain("stripe-gateway depends on core-utils ^1.3.0");
    await shoot(page, "dependencies");
  });

  it("shows its health: status, checks, call statistics and its calls over time", async () => {
    await page.getByRole("tab", { name: "Health" }).click();
    await page.getByTestId("health-status").waitFor();
    expect(await page.getByTestId("health-status").textContent()).toBe("healthy");
    await page.getByText("dependency:core-utils").waitFor();
    await page.locator('[data-stat="p95 latency"]').waitFor();
    // hour by hour: this hour's calls (install, activate) drawn from the history endpoint
    await page.getByTestId("health-history").waitFor();
    await page.locator('[aria-label="Latency p50 and p95 over time"]').waitFor();
    await shoot(page, "plugin-health", { reload: true });
  });

  it("fills Stripe's revenue widget with the orders paid through it", async () => {
    const paid = await paidOrder("Stripe mug", 1250, 2, "pm_card_visa");
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ provider: "stripe-gateway", status: "captured" });
    await page.goto(`${platform.url}/dashboards/analytics`);
    const widget = page.locator('[data-widget="stripe-gateway/stripe-revenue"]');
    await widget.locator('[data-ui-stat="Net"]').waitFor();
    expect(await statOf(widget, "Net")).toMatch(/^\$25\.00$/);
    expect(await statOf(widget, "Payments")).toBe("1");
    expect(await widget.getByTestId("widget-error").count()).toBe(0);
    await shoot(page, "dashboard-stripe", { reload: true });
  });

  it("breaks with a wrong secret key: the webhook of a payment Stripe settles fails, in its health and the dead letters", async () => {
    // a customer's 3-D Secure payment, pending until they pass the challenge
    const pending = await paidOrder("Secure mug", 1250, 1, "pm_card_authenticationRequired");
    expect(pending.status, JSON.stringify(pending.body)).toBe(202);
    securePayment = pending.body.id;
    await eventually(stripeWebhooksSettled);

    // the operator pastes the wrong key into the settings form: it has the right shape, so the form takes it
    await page.goto(`${platform.url}/plugins/stripe-gateway/settings`);
    await page.locator('[data-setting="secret_key"] input').fill(WRONG_STRIPE_KEY);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();

    // the customer passes the challenge; Stripe's webhook arrives, and the plugin cannot read the intent with that key:
    // the delivery is retried with backoff, then dead-lettered
    await stripeControl.authenticate(pending.body.transaction_id, "succeed");
    const letter = await eventually(async () => {
      const { body } = await api<{ dead_letters: { hook: string; last_error: string | null }[] }>(
        "GET",
        "/api/admin/dead-letters?plugin=stripe-gateway",
      );
      return body.dead_letters.find((d) => d.hook === "webhook:/stripe");
    }, 120_000);
    expect(letter.last_error).toMatch(/Invalid API Key/);

    // its health: degraded, with Stripe's refusal as the last error and the failed calls counted
    await page.getByRole("tab", { name: "Health" }).click();
    await page.getByTestId("health-status").waitFor();
    expect(await page.getByTestId("health-status").textContent()).toBe("degraded");
    await page
      .getByText(/Invalid API Key/)
      .first()
      .waitFor();
    expect(Number(await page.locator('[data-stat="Errors"]').textContent())).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(WRONG_STRIPE_KEY);
    await shoot(page, "plugin-health-failing", { reload: true });

    // the dead letters: the webhook's delivery, with the same error
    await page.getByRole("link", { name: "Dead letters" }).click();
    const rows = page.locator("tr", { hasText: "webhook:/stripe" });
    await rows.first().waitFor();
    for (const text of await rows.allTextContents()) expect(text).toMatch(/stripe-gateway.*Invalid API Key/s);
    await shoot(page, "dead-letters");

    // and on the health page of every plugin, next to the healthy one
    await page.getByRole("link", { name: "Health", exact: true }).click();
    await page.locator('tr[data-plugin="stripe-gateway"]').waitFor();
    await page.locator(".recharts-bar-rectangle").first().waitFor();
    expect(await page.locator('tr[data-plugin="stripe-gateway"]').textContent()).toContain("degraded");
    await shoot(page, "health", { reload: true });
    // the dead letter comes after five attempts with backoff: up to the two minutes waited for it above
  }, 180_000);

  it("is fixed in its settings and replayed from the dead letters: the payment settles and the widget counts it", async () => {
    await page.goto(`${platform.url}/plugins/stripe-gateway/settings`);
    await page.locator('[data-setting="secret_key"] input').fill(STRIPE_KEY);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();

    await page.getByRole("link", { name: "Dead letters" }).click();
    await chooseOption(page, "Plugin", "stripe-gateway");
    await page.getByRole("button", { name: "Replay all of stripe-gateway" }).click();
    await page.getByText(/^Replayed [1-9]/).waitFor();
    await page.getByText("No dead letters").waitFor();

    // the replayed delivery read the intent with the right key: the payment is captured, and counted
    await eventually(async () => {
      const { body } = await api<Payment>("GET", `/api/commerce/payments/${securePayment}`);
      return body.status === "captured" ? true : undefined;
    });
    await page.goto(`${platform.url}/dashboards/analytics`);
    const widget = page.locator('[data-widget="stripe-gateway/stripe-revenue"]');
    await expect.poll(() => statOf(widget, "Payments"), { timeout: 10_000 }).toBe("2");
    expect(await statOf(widget, "Net")).toMatch(/^\$37\.50$/);
  });

  it("purges a dead letter after a confirmation", async () => {
    // the recorder fixture, set to give up: its deliveries are dead-lettered at once (failPermanently). Its
    // letters are of events after its activation: an event's deliveries go to the plugins active when it
    // is fanned out, which its own plugin_installed may precede or not
    await api("POST", "/api/admin/plugins/recorder/install", { config: { mode: "give-up" } });
    await api("POST", "/api/admin/plugins/recorder/activate");
    await api("POST", "/api/commerce/products", { title: "Dead letter to purge", price: 1, currency: "USD" });
    await eventually(async () => {
      const { body } = await api<{ dead_letters: { hook: string }[] }>(
        "GET",
        "/api/admin/dead-letters?plugin=recorder",
      );
      const hooks = body.dead_letters.map((d) => d.hook);
      return hooks.includes("plugin_activated") && hooks.includes("after_product_create") ? true : undefined;
    });
    await page.getByRole("link", { name: "Dead letters" }).click();
    await chooseOption(page, "Plugin", "All plugins");
    const productLetter = page.locator("tr", { hasText: "after_product_create" });
    // bounded waits: a step that never comes fails naming itself, not as the whole test's timeout
    await productLetter.getByRole("button", { name: /^Purge/ }).click({ timeout: 15_000 });
    await page.getByRole("button", { name: "Confirm purge" }).click({ timeout: 15_000 });
    await page.getByText("Purged 1").waitFor({ timeout: 15_000 });
    await productLetter.waitFor({ state: "detached", timeout: 15_000 });
    // that one only: the recorder's other letters stay
    const left = await api<{ dead_letters: { hook: string }[] }>("GET", "/api/admin/dead-letters?plugin=recorder");
    expect(left.body.dead_letters.map((d) => d.hook)).not.toContain("after_product_create");
    expect(left.body.dead_letters.map((d) => d.hook)).toContain("plugin_activated");
  });

  it("lists the events and opens Stripe's webhook as one timeline: the failed attempts, then the replayed success", async () => {
    type Attempt = { outcome: string };
    type Event = { id: string; deliveries: { plugin_slug: string; status: string; attempt_log: Attempt[] }[] };
    const hook = "webhook:/stripe";
    // the webhook whose delivery failed with the wrong key, then succeeded once replayed
    const settled = await eventually(async () => {
      const { body } = await api<{ events: { id: string }[] }>(
        "GET",
        `/api/admin/events?hook=${encodeURIComponent(hook)}&limit=200`,
      );
      for (const { id } of body.events) {
        const event = (await api<Event>("GET", `/api/admin/events/${id}`)).body;
        const delivery = event.deliveries.find((d) => d.plugin_slug === "stripe-gateway");
        if (delivery?.status === "succeeded" && delivery.attempt_log.some((a) => a.outcome === "failed")) return event;
      }
      return undefined;
    });

    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.getByLabel("Hook", { exact: true }).fill(hook);
    const row = page.locator(`tr[data-event="${settled.id}"]`);
    await row.waitFor();
    const hooks = await page.locator("tr[data-event]").allTextContents();
    expect(hooks.every((text) => text.includes(hook))).toBe(true);
    await shoot(page, "events");

    await row.getByRole("link").click();
    await page.waitForURL(`**/events/${settled.id}`);
    const delivery = page.locator(`[data-event-card="${settled.id}"] [data-delivery="stripe-gateway"]`);
    await delivery.locator('[data-outcome="succeeded"]').waitFor();
    const outcomes = await delivery
      .locator("[data-outcome]")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-outcome")));
    expect(outcomes.length).toBeGreaterThanOrEqual(2);
    expect(outcomes.slice(0, -1).every((o) => o === "failed")).toBe(true);
    expect(outcomes.at(-1)).toBe("succeeded");
    expect(await delivery.textContent()).toMatch(/Invalid API Key/);
    await shoot(page, "trace");

    // the trace is deep-linkable, as is the event
    await page.reload();
    await delivery.locator('[data-outcome="succeeded"]').waitFor();
  });

  it("adds a webhook endpoint showing its secret once, rotates it, and lists its failing deliveries with every attempt", async () => {
    // nothing listens on port 9: every delivery is refused (the dev vars allow loopback webhook URLs)
    const hookUrl = "http://127.0.0.1:9/hook";
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();

    // a bad topic is refused by the API, its message shown in the form
    await page.getByLabel("Endpoint URL").fill(hookUrl);
    await page.getByLabel("Topics").fill("not a topic");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("The endpoint was not added").waitFor();
    expect(
      await page.getByRole("form", { name: "Add an endpoint" }).getByTestId("error-message").textContent(),
    ).toMatch(/unknown event type "not"/);

    await page.getByLabel("Topics").fill("after_product_create");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const card = page.locator("[data-endpoint]", { hasText: hookUrl });
    await card.waitFor();
    expect(await card.textContent()).toContain("after_product_create");
    const listed = await api<{ endpoints: { id: string; url: string }[] }>("GET", "/api/admin/webhooks");
    const endpoint = listed.body.endpoints.find((e) => e.url === hookUrl);
    expect(endpoint).toBeDefined();

    // rotated: a new secret, once, and the old one's overlap as the API answers it
    await card.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("The new signing secret of").waitFor();
    const rotated = (await page.getByTestId("secret").textContent()) ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    expect(await page.getByTestId("overlap").textContent()).toMatch(/previous secret keeps working until/);

    // an event of its topic: the delivery's attempts fail, each with its error and duration
    await api("POST", "/api/commerce/products", { title: "Webhook mug", price: 700, currency: "USD" });
    await eventually(async () => {
      const { body } = await api<{ deliveries: { attempts: unknown[] }[] }>(
        "GET",
        `/api/admin/webhooks/${endpoint?.id}/deliveries`,
      );
      return body.deliveries.some((d) => d.attempts.length > 0) ? true : undefined;
    });
    await card.getByRole("button", { name: "Show deliveries" }).click();
    const attempt = card.locator('[data-attempt="1"]');
    await attempt.waitFor();
    expect(await attempt.getAttribute("data-outcome")).not.toBe("succeeded");
    expect(await attempt.textContent()).toMatch(/\d+ ms/);
    await shoot(page, "webhooks");

    // shown once: a fresh load of the page has no secret on it
    await page.reload();
    await card.waitFor();
    expect(await page.getByTestId("secret").count()).toBe(0);
    expect(await page.content()).not.toContain(rotated);
  });
});

describe("a plugin's version, from its page", () => {
  let owner: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // test/fixtures/versioned: one plugin in several versions, each saying what it changes
    for (const folder of ["versioned-base-1.0.0", "versioned-1.0.0", "versioned-1.1.0", "versioned-1.2.0"]) {
      const bundle = await bundlePlugin(join(repo, "test/fixtures/plugins", folder));
      const published = await api("POST", "/api/admin/plugins", { manifest: bundle.manifest, code: bundle.code });
      if (published.status >= 300) throw new Error(`publishing ${folder}: ${JSON.stringify(published.body)}`);
    }
    const install = await api("POST", "/api/admin/plugins/versioned/install", {
      version: "1.0.0",
      config: { api_key: "sk_live_dashboard", retries: "4" },
    });
    if (install.status !== 201) throw new Error(`installing versioned: ${JSON.stringify(install.body)}`);
    await api("POST", "/api/admin/plugins/versioned/activate?cascade=true");
    owner = await browser.newContext({ viewport: viewports.laptop });
    page = await signIn(owner, platform.token);
  });
  afterAll(async () => {
    await owner?.close();
  });

  const running = async () =>
    (await api<{ installation: { version: string } }>("GET", "/api/admin/plugins/versioned")).body.installation.version;

  it("upgrades after showing the plan: the changelog, each setting's fate and the migrations", async () => {
    await page.goto(`${platform.url}/plugins/versioned`);
    await chooseOption(page, "Move to", "1.1.0");
    await page.getByRole("button", { name: "Upgrade", exact: true }).click();
    const plan = page.getByTestId("version-plan");
    await plan.waitFor();
    const text = await plan.textContent();
    expect(text).toContain("versioned 1.0.0 → 1.1.0");
    expect(text).toContain("api_key is now secret_key, value kept");
    expect(text).toContain("retries: string → integer, value converted");
    expect(text).toContain("Database migrations: 0002_tags");
    await shoot(page, "upgrade-plan", { fullPage: false });
    expect(await running()).toBe("1.0.0");
    await page.getByRole("button", { name: "Confirm upgrade" }).click();
    await plan.waitFor({ state: "detached" });
    await eventually(async () => ((await running()) === "1.1.0" ? true : undefined));
  });

  it("rolls the upgrade back after showing what it undoes", async () => {
    await page.goto(`${platform.url}/plugins/versioned`);
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    const plan = page.getByTestId("version-plan");
    await plan.getByText("versioned 1.1.0 → 1.0.0").waitFor();
    expect(await plan.textContent()).toContain("Database migrations: 0002_tags");
    await page.getByRole("button", { name: "Confirm rollback" }).click();
    await eventually(async () => ((await running()) === "1.0.0" ? true : undefined));
    expect((await api("POST", "/api/admin/plugins/versioned/upgrade", { version: "1.1.0" })).status).toBe(200);
  });

  it("asks to approve the permissions a version adds before it can be confirmed", async () => {
    await page.goto(`${platform.url}/plugins/versioned`);
    await chooseOption(page, "Move to", "1.2.0");
    await page.getByRole("button", { name: "Upgrade", exact: true }).click();
    await page.getByTestId("version-plan").getByText("Asks for: cache").waitFor();
    expect(await page.getByRole("button", { name: "Confirm upgrade" }).count()).toBe(0);
    await page.getByLabel("Approve the permissions it adds").click();
    await page.getByRole("button", { name: "Confirm upgrade" }).click();
    await eventually(async () => ((await running()) === "1.2.0" ? true : undefined));
  });

  it("shows why a rollback is refused: a migration that cannot be undone", async () => {
    await page.goto(`${platform.url}/plugins/versioned`);
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page.getByText("migration 0003_archive declares no down").waitFor();
    expect(await page.getByRole("button", { name: "Confirm rollback" }).count()).toBe(0);
    expect(await running()).toBe("1.2.0");
  });
});

describe("plugin dashboards", () => {
  let owner: BrowserContext;
  let page: Page;
  const kpis = (p: Page) => p.locator('[data-widget="analytics-dashboard/sales-kpis"]');
  const topProducts = (p: Page) => p.locator('[data-widget="analytics-dashboard/top-products"]');

  beforeAll(async () => {
    // the analytics plugin, active, and an order of two mugs completed: its events reach the plugin through the queue
    for (const step of ["install", "activate"]) {
      const res = await api("POST", `/api/admin/plugins/analytics-dashboard/${step}`);
      if (res.status >= 300) throw new Error(`${step} analytics-dashboard: ${JSON.stringify(res.body)}`);
    }
    const product = await api<{ id: string }>("POST", "/api/commerce/products", {
      title: "Analytics mug",
      price: 1250,
      currency: "USD",
    });
    const order = await api<{ id: string }>("POST", "/api/commerce/orders", {
      items: [{ product_id: product.body.id, quantity: 2 }],
    });
    expect(order.status).toBe(201);
    await api("POST", `/api/commerce/orders/${order.body.id}/complete`);
    const today = new Date().toISOString().slice(0, 10);
    await eventually(async () => {
      const { body } = await api<{ series?: { metric: string; total: number }[] }>(
        "GET",
        `/api/plugins/analytics-dashboard/metrics?from=${today}&bucket=day&metrics=orders`,
      );
      return body.series?.some((s) => s.metric === "orders" && s.total >= 1) ? true : undefined;
    });
    owner = await browser.newContext({ viewport: viewports.laptop });
    page = await signIn(owner, platform.token);
  });
  afterAll(async () => {
    await owner?.close();
  });

  it("links each widget on the plugin's overview to its dashboard, which the nav names", async () => {
    await page.goto(`${platform.url}/plugins/analytics-dashboard`);
    const slots = page.getByTestId("widget-slots");
    await slots.waitFor();
    expect(await slots.locator("[data-widget-id]").count()).toBeGreaterThanOrEqual(4);
    await slots
      .locator('[data-widget-id="sales-kpis"]')
      .getByRole("link", { name: /Analytics dashboard/ })
      .click();
    await page.getByRole("heading", { name: "Analytics", exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboards/analytics");
    const navItem = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" });
    expect(await navItem.getAttribute("aria-current")).toBe("page");
  });

  it("draws the analytics widgets from the plugin's trees, filled with the figures of the real order", async () => {
    await kpis(page).locator("[data-ui-stat]").first().waitFor();
    // the orders figure counts the order placed above; the top products list its product
    const stats: [string | null, string | null][] = [];
    for (const stat of await kpis(page).locator("[data-ui-stat]").all())
      stats.push([await stat.getAttribute("data-ui-stat"), await stat.locator("[data-ui-stat-value]").textContent()]);
    const orders = stats.find(([label]) => /^orders\b/i.test(label ?? ""));
    expect(orders?.[1], JSON.stringify(stats)).toBe("1");
    // by units: the two mugs of that order, ranked first
    const byUnits = topProducts(page).locator("table").first();
    await byUnits.getByRole("cell", { name: "Analytics mug" }).waitFor();
    expect(await byUnits.getByRole("row").nth(1).getByRole("cell").allTextContents()).toEqual([
      "1",
      "Analytics mug",
      "2",
    ]);
    expect(await page.getByTestId("widget-error").count()).toBe(0);
    // drawn by the page's own components: no plugin markup, no script
    expect(await page.locator("[data-widget] script, [data-widget] iframe").count()).toBe(0);
    await shoot(page, "dashboard-analytics", { reload: true });
  });
});

describe("a plugin's misbehaving widgets", () => {
  let owner: BrowserContext;
  let page: Page;
  const widget = (id: string) => page.locator(`[data-widget="ui-probe/${id}"]`);

  beforeAll(async () => {
    // the UI probe fixture: one widget that behaves (a Button and a Form), others that throw, hang, answer
    // a <script>, link to another plugin's endpoint or answer a 10,000-node tree; and a settings component
    const probe = await bundlePlugin(join(repo, "test/fixtures/plugins/ui-probe"));
    const published = await api("POST", "/api/admin/plugins", { manifest: probe.manifest, code: probe.code });
    if (published.status >= 300) throw new Error(`publishing ui-probe: ${JSON.stringify(published.body)}`);
    for (const step of ["install", "activate"]) {
      const res = await api("POST", `/api/admin/plugins/ui-probe/${step}`);
      if (res.status >= 300) throw new Error(`${step} ui-probe: ${JSON.stringify(res.body)}`);
    }
    owner = await browser.newContext({ viewport: viewports.laptop });
    page = await signIn(owner, platform.token);
  });
  afterAll(async () => {
    await owner?.close();
  });

  it("shows each broken widget's error in its own card while the one that works still draws", async () => {
    await page.goto(`${platform.url}/dashboards/ui-probe`);
    await widget("echo").getByText("first drawn").waitFor();
    const errorOf = async (id: string) => (await widget(id).getByTestId("widget-error").textContent()) ?? "";
    expect(await errorOf("throws")).toMatch(/the widget broke while drawing.*WIDGET_FAILED/);
    expect(await errorOf("hangs")).toMatch(/WIDGET_TIMEOUT/);
    expect(await errorOf("slow")).toMatch(/WIDGET_TIMEOUT/);
    for (const id of ["script", "foreign-link", "huge"]) expect(await errorOf(id), id).toMatch(/WIDGET_INVALID/);
    // nothing of what they answered reached the page
    expect(await page.locator("[data-widget] script").count()).toBe(0);
    expect(await page.locator('a[href*="analytics-dashboard/metrics"]').count()).toBe(0);
    expect(await page.content()).not.toContain("evil.example");
    // the Nav and the page around them stand
    await page.getByRole("link", { name: "Ui probe" }).waitFor();
    await shoot(page, "dashboard-contained", { reload: true });
  });

  it("sends a Button's and a Form's action to the plugin and draws the tree it answers", async () => {
    await widget("echo").getByRole("button", { name: "Refresh" }).click();
    await widget("echo").getByText("after refresh").waitFor();
    await widget("echo").getByLabel("Note").fill("restock Friday");
    await widget("echo").getByRole("switch", { name: "Loud" }).click();
    await widget("echo").getByRole("button", { name: "Save" }).click();
    await widget("echo").getByText("saved", { exact: true }).waitFor();
    const input = (await widget("echo").locator("p").first().textContent()) ?? "";
    expect(JSON.parse(input)).toMatchObject({
      action: "save",
      values: { note: "restock Friday", loud: true },
      user: { role: "owner" },
    });
    // the plugin is told who acts, never with what token
    expect(input).not.toContain(platform.token);
  });

  it("asks before a Button that says to confirm: cancelled, nothing is sent; confirmed, the action runs", async () => {
    const forget = widget("echo").getByRole("button", { name: "Forget" });
    await forget.click();
    const dialog = page.getByRole("dialog", { name: "Forget?" });
    await dialog.getByText("Forgets the note and the switch.").waitFor();
    await shoot(page, "widget-confirm", { fullPage: false });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    // still the tree of the last action: the cancelled one never reached the plugin
    expect(await widget("echo").getByText("after save").count()).toBe(1);

    await forget.click();
    await dialog.getByRole("button", { name: "Forget" }).click();
    await widget("echo").getByText("after forget").waitFor();
  });

  it("adds the plugin's settings component under the settings form, its actions answered in place", async () => {
    await page.goto(`${platform.url}/plugins/ui-probe/settings`);
    const section = page.getByTestId("settings-component");
    await section.getByText("Checks the connection with the values saved.").waitFor();
    await section.getByRole("button", { name: "Check connection" }).click();
    await section.getByText("Connection works").waitFor();
    expect(await section.textContent()).toContain("Checked by owner.");
  });
});

describe("a viewer", () => {
  let viewer: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // a fresh dead letter, so the viewer's dead-letters page has a row a Replay button would be on
    await api("PUT", "/api/admin/plugins/recorder/config", { mode: "give-up" });
    await api("POST", "/api/commerce/products", { title: "Viewer mug", price: 900, currency: "USD" });
    await eventually(async () => {
      const { body } = await api<{ dead_letters: unknown[] }>("GET", "/api/admin/dead-letters?plugin=recorder");
      return body.dead_letters.length > 0 ? true : undefined;
    });
    viewer = await browser.newContext({ viewport: viewports.laptop });
    page = await signIn(viewer, viewerToken);
  });
  afterAll(async () => {
    await viewer?.close();
  });

  const changeControls =
    /^(Install|Activate|Deactivate|Uninstall|Save settings|Replay.*|Purge.*|Confirm.*|Add endpoint|Rotate secret|Enable|Disable|Delete)$/;

  it("finds no control that changes state, on any page", async () => {
    expect(await page.getByTestId("role").textContent()).toBe("viewer");
    for (const path of [
      "/plugins",
      "/plugins/stripe-gateway",
      "/plugins/stripe-gateway/settings",
      "/plugins/recorder",
      "/plugins/audit-log",
      "/dead-letters",
      "/events",
      "/webhooks",
      "/health",
      "/dashboards/analytics",
      "/dashboards/ui-probe",
      "/plugins/ui-probe/settings",
    ]) {
      await page.goto(`${platform.url}${path}`);
      await page.getByRole("main").last().waitFor();
      await page.waitForLoadState("networkidle");
      const buttons = await page.getByRole("button").allTextContents();
      expect(
        buttons.filter((b) => changeControls.test(b.trim())),
        path,
      ).toEqual([]);
      expect(await page.locator("form[aria-label=Settings]").count(), path).toBe(0);
      // a plugin's widgets: no Button, no submit, every input disabled
      expect(await page.locator("[data-ui-action], [data-ui-tree] button[type=submit]").count(), path).toBe(0);
      expect(await page.locator("[data-ui-tree] input:not([disabled]):not([aria-hidden=true])").count(), path).toBe(0);
      if (path === "/dead-letters") await page.locator("tr", { hasText: "after_product_create" }).first().waitFor();
      if (path === "/webhooks") await page.locator("[data-endpoint]").first().waitFor();
    }
    await page.goto(`${platform.url}/plugins/stripe-gateway/settings`);
    await page.getByText("Read only: your role is viewer.").waitFor();
    expect(await page.content()).not.toContain("sk_test_dashboard_123");
    await shoot(page, "viewer-settings");
  });

  it("signs out: the token leaves the session and the sign-in page returns", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to the commerce admin" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.goto(`${platform.url}/dead-letters`);
    await page.getByRole("heading", { name: "Sign in to the commerce admin" }).waitFor();
  });

  it("is refused by the API anyway when it tries a change", async () => {
    const refused = await api("POST", "/api/admin/plugins/stripe-gateway/deactivate", undefined, viewerToken);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: "FORBIDDEN" } });
  });
});
