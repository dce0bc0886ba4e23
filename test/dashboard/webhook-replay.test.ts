/**
 * The webhooks page's confirmed changes and its replay of a delivery, end to end: an endpoint disabled
 * and enabled again through the page's confirm dialogs, the delivery its event got while disabled
 * ("skipped") replayed from its own Replay button, and a viewer who sees the same delivery with no
 * control at all. The dashboard built as `npm run dev` builds it, the platform under `wrangler dev`
 * (the admin-cli tests' helper, on a free port), Debian's Chromium. vitest.cli.config.ts runs files one
 * at a time, so this build never empties api/dashboard/dist under dashboard.test.ts's platform.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookDelivery, WebhookDeliveryList } from "../../api/src/admin/answers/index.ts";
import { startTestPlatform, type TestPlatform } from "../../cli/test/platform.ts";
import { apiOf, buildDashboard, eventually, givenViewerToken, launchChromium } from "./helpers.ts";

let platform: TestPlatform;
let browser: Browser;

let api: ReturnType<typeof apiOf>;

/** An endpoint nothing listens on (port 9), registered through the API: the scene, not what is under test. */
async function givenEndpoint(url: string): Promise<string> {
  const created = await api<{ endpoint: { id: string } }>("POST", "/api/admin/webhooks", {
    url,
    events: ["after_product_create"],
  });
  if (created.status !== 201) throw new Error(`registering ${url}: ${JSON.stringify(created.body)}`);
  return created.body.endpoint.id;
}

async function deliveriesOf(endpointId: string): Promise<WebhookDelivery[]> {
  return (await api<WebhookDeliveryList>("GET", `/api/admin/webhooks/${endpointId}/deliveries`)).body.deliveries;
}

async function webhooksPage(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByLabel("Tenant token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Plugins", exact: true }).waitFor();
  await page.getByRole("link", { name: "Webhooks", exact: true }).click();
  await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
  return page;
}

beforeAll(async () => {
  await buildDashboard();
  platform = await startTestPlatform();
  api = apiOf(platform);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe("the webhooks page", () => {
  const url = "http://127.0.0.1:9/replayed";
  let endpointId: string;
  let owner: BrowserContext;

  beforeAll(async () => {
    endpointId = await givenEndpoint(url);
    owner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await owner?.close();
  });

  it("disables and enables an endpoint after asking, and replays the delivery it skipped meanwhile", async () => {
    const page = await webhooksPage(owner, platform.token);
    const card = page.locator("[data-endpoint]", { hasText: url });

    // disabled, after the dialog says what that means: its events are skipped
    await card.getByRole("button", { name: "Disable" }).click();
    await page.getByText("Events are skipped for it until it is enabled again.").waitFor();
    await page.getByRole("button", { name: "Confirm disable" }).click();
    await page.getByText("Endpoint disabled").waitFor();
    await card.getByText("disabled (manual)").waitFor();

    await api("POST", "/api/commerce/products", { title: "Skipped mug", price: 900, currency: "USD" });
    const [skipped] = await eventually(async () => {
      const list = await deliveriesOf(endpointId);
      return list.some((d) => d.status === "skipped") ? list : undefined;
    });
    expect(skipped?.attempts).toEqual([]);

    // a replay needs the endpoint enabled; enabling asks first too
    await card.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("button", { name: "Confirm enable" }).click();
    await page.getByText("Endpoint enabled").waitFor();

    await card.getByRole("button", { name: "Show deliveries" }).click();
    const delivery = card.locator(`[data-delivery="${skipped?.id}"]`);
    await delivery.getByText("skipped", { exact: true }).waitFor();
    await delivery.getByRole("button", { name: /^Replay after_product_create/ }).click();
    await page.getByText(/sent to http:\/\/127\.0\.0\.1:9\/replayed again on a fresh retry schedule/).waitFor();
    await page.getByRole("button", { name: "Confirm replay" }).click();
    await page.getByText("Replayed 1 delivery").waitFor();

    // sent again: attempted now, against a port nothing listens on
    const replayed = await eventually(async () => {
      const d = (await deliveriesOf(endpointId)).find((x) => x.id === skipped?.id);
      return d && d.attempts.length > 0 ? d : undefined;
    });
    expect(replayed.status).not.toBe("skipped");
    await card.getByRole("button", { name: "Refresh" }).click();
    await delivery.locator('[data-attempt="1"]').waitFor();
    expect(await delivery.getByRole("button", { name: /^Replay/ }).count()).toBe(0);
  });

  it("shows a viewer the deliveries and no control that changes them", async () => {
    // a fresh skipped delivery, so there is one a Replay button would be on
    await api("PATCH", `/api/admin/webhooks/${endpointId}`, { enabled: false });
    await api("POST", "/api/commerce/products", { title: "Skipped again", price: 900, currency: "USD" });
    await eventually(async () =>
      (await deliveriesOf(endpointId)).some((d) => d.status === "skipped") ? true : undefined,
    );

    const viewer = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await webhooksPage(viewer, await givenViewerToken(platform, "replay-viewer"));
      const card = page.locator("[data-endpoint]", { hasText: url });
      await card.getByRole("button", { name: "Show deliveries" }).click();
      await card.getByText("skipped", { exact: true }).first().waitFor();
      const names = (await card.getByRole("button").allTextContents()).map((t) => t.trim());
      expect(names.filter((n) => /^(Replay.*|Rotate secret|Enable|Disable|Delete|Confirm.*)$/.test(n))).toEqual([]);
      // it does see the controls that only read
      expect(names).toContain("Hide deliveries");
    } finally {
      await viewer.close();
    }
  });
});
