// Drives routes with autocannon and reduces the results to the figures the benchmarks print.
import autocannon from "autocannon";

export async function load({ url, method = "GET", headers = {}, connections = 8, duration = 5 }) {
  const result = await autocannon({ url, method, headers, connections, duration });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors during the run`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The nearest-rank `p`-th percentile (0 < p <= 100) of `xs`. */
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
};

/**
 * Runs each case `rounds` times, interleaved so drift in the machine's load hits every case alike,
 * and returns the median of each figure per case.
 */
export async function compare(cases, { rounds = 3, ...options } = {}) {
  const runs = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases)
      runs.get(c.name).push(await load({ ...options, url: c.url, method: c.method, headers: c.headers }));
  }
  return cases.map((c) => {
    const r = runs.get(c.name);
    return {
      name: c.name,
      rps: median(r.map((x) => x.rps)),
      p50: median(r.map((x) => x.p50)),
      p99: median(r.map((x) => x.p99)),
    };
  });
}

function format(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [fmt(header), ...lines.map(fmt)].join("\n");
}

export function table(rows) {
  return format(
    ["case", "req/s", "p50 ms", "p99 ms"],
    rows.map((r) => [r.name, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2)]),
  );
}

/** Rows of `{ name, p50, p99 }`: latencies of requests sent one at a time. */
export function latencyTable(rows) {
  return format(
    ["case", "p50 ms", "p99 ms"],
    rows.map((r) => [r.name, r.p50.toFixed(2), r.p99.toFixed(2)]),
  );
}
