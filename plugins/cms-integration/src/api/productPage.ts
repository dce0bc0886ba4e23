/**
 * GET /products/:sku/page (/products/MUG-1/page): the product page's published content from the CMS, for the storefront
 * (public: it serves what the CMS publishes, nothing else). 200 with the page and where it came from
 * (`cache` or `cms`), 404 when the CMS has no published page for the SKU, 502 naming the CMS when it
 * cannot be asked and no cached page lasts.
 */
import type { PluginContext } from "@digital-commerce/plugin-sdk";
import { productPage } from "../page.ts";

const MAX_SKU_LENGTH = 255;

const refusal = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });

export default async function productPageEndpoint(context: PluginContext): Promise<Response> {
  const sku = context.params?.sku?.trim() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (sku === "" || sku.length > MAX_SKU_LENGTH || /[\u0000-\u001f\u007f]/.test(sku)) {
    return refusal(
      400,
      "INVALID_SKU",
      `the path names the product's SKU, 1 to ${MAX_SKU_LENGTH} printable characters: /products/MUG-1/page`,
    );
  }
  const answer = await productPage(context, sku);
  if (!answer.found) return refusal(answer.status, answer.code, answer.message);
  const maxAge = Math.max(0, Math.floor((answer.expires_at - Date.now()) / 1000));
  return Response.json(
    { sku, source: answer.source, page: answer.page },
    {
      headers: {
        "cache-control": `public, max-age=${maxAge}`,
        "x-cms-cache": answer.source === "cache" ? "hit" : "miss",
      },
    },
  );
}
