/**
 * Stripe's form encoding, read the way the API reads it: `metadata[tenant]=t1` is a nested object,
 * `expand[0]=latest_charge` and `expand[]=latest_charge` are arrays, and every leaf stays a string
 * (the endpoint's schema decides what an integer or a boolean is, as Stripe does).
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

export class FormError extends Error {
  readonly param: string;
  constructor(param: string, message: string) {
    super(message);
    this.param = param;
  }
}

/** `a[b][0]` → ["a", "b", "0"]; `a[]` → ["a", ""]. */
function keyPath(key: string): string[] {
  const open = key.indexOf("[");
  if (open === -1) return [key];
  const path = [key.slice(0, open)];
  const rest = key.slice(open);
  for (const m of rest.matchAll(/\[([^\]]*)\]/g)) path.push(m[1] ?? "");
  return path;
}

function isIndex(segment: string): boolean {
  return segment === "" || /^\d+$/.test(segment);
}

type Container = FormValue[] | { [key: string]: FormValue };

function assign(root: FormParams, key: string, value: string): void {
  const path = keyPath(key);
  let node: Container = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (Array.isArray(node)) {
      if (!isIndex(segment)) throw new FormError(key, `Invalid array: ${key}`);
      // `[]` appends; `[3]` addresses the slot, as the SDK's indexed encoding means
      const index: number = segment === "" ? node.length : Number(segment);
      if (last) {
        node[index] = value;
        return;
      }
      node[index] ??= next !== undefined && isIndex(next) ? [] : {};
      const child: FormValue | undefined = node[index];
      if (typeof child === "string" || child === undefined) throw new FormError(key, `Invalid hash: ${key}`);
      node = child;
    } else {
      if (last) {
        node[segment] = value;
        return;
      }
      node[segment] ??= next !== undefined && isIndex(next) ? [] : {};
      const child: FormValue | undefined = node[segment];
      if (typeof child === "string" || child === undefined) throw new FormError(key, `Invalid hash: ${key}`);
      node = child;
    }
  }
}

/** Drops the holes a sparse `items[2]` without `items[0]` would leave. */
function compact(value: FormValue): FormValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
}

/**
 * Parses an `application/x-www-form-urlencoded` body or query string into nested params.
 *
 * @example
 * parseForm("amount=2000&metadata[tenant]=t1&expand[0]=latest_charge")
 * // { amount: "2000", metadata: { tenant: "t1" }, expand: ["latest_charge"] }
 */
export function parseForm(encoded: string): FormParams {
  const root: FormParams = {};
  for (const [key, value] of new URLSearchParams(encoded)) assign(root, key, value);
  return compact(root) as FormParams;
}

/** A canonical text of params (keys sorted), so that the same request in another key order compares equal. */
export function canonicalParams(params: FormValue): string {
  if (typeof params === "string") return JSON.stringify(params);
  if (Array.isArray(params)) return `[${params.map(canonicalParams).join(",")}]`;
  const keys = Object.keys(params).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParams(params[k] as FormValue)}`).join(",")}}`;
}
