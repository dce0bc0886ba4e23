/**
 * Buckets in the store's time zone: the hours, days, weeks (from Monday) and months of a wall
 * clock, as ranges of UTC instants [start, end). SQLite knows no time zones, so the ranges are
 * computed here and the SQL only compares integers against them.
 */
export type BucketSize = "hour" | "day" | "week" | "month";

export interface Bucket {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  /** The bucket's start as an ISO timestamp with the zone's offset then: 2026-03-01T00:00:00+09:00. */
  label: string;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at `instant`, in ms (Tokyo: +9 h). */
export function offsetAt(zone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(zone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (instant - (instant % 1000));
}

function wallOf(zone: string, instant: number): Wall {
  const d = new Date(instant + offsetAt(zone, instant));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours() };
}

/** The instant a wall-clock time happens in `zone`; a time skipped by a DST change maps to just after it. */
export function instantOf(zone: string, wall: Wall): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour);
  const first = asUtc - offsetAt(zone, asUtc);
  return asUtc - offsetAt(zone, first);
}

function floorWall(size: BucketSize, w: Wall): Wall {
  if (size === "hour") return w;
  if (size === "day") return { ...w, hour: 0 };
  if (size === "month") return { ...w, day: 1, hour: 0 };
  const weekday = (new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7; // Monday 0
  return { ...w, day: w.day - weekday, hour: 0 };
}

function nextWall(size: BucketSize, w: Wall): Wall {
  if (size === "hour") return { ...w, hour: w.hour + 1 };
  if (size === "day") return { ...w, day: w.day + 1 };
  if (size === "week") return { ...w, day: w.day + 7 };
  return { ...w, month: w.month + 1 };
}

/** Date.UTC normalises overflowing fields (hour 24, day 32, month 13): the wall after it, tidied. */
function normal(w: Wall): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours() };
}

function labelOf(zone: string, instant: number): string {
  const offset = offsetAt(zone, instant);
  const local = new Date(instant + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${local}${offset < 0 ? "-" : "+"}${hh}:${mm}`;
}

/**
 * The buckets covering [from, to): the first starts at the bucket `from` falls in, the last ends at
 * or after `to`; the metrics clip both to the range. An hour repeated by a DST change is one bucket.
 * Stops after `limit` buckets.
 */
export function bucketsOf(zone: string, size: BucketSize, from: number, to: number, limit = Infinity): Bucket[] {
  const buckets: Bucket[] = [];
  let wall = floorWall(size, wallOf(zone, from));
  let start = instantOf(zone, wall);
  if (start > from) start = from;
  while (start < to && buckets.length < limit) {
    wall = normal(nextWall(size, wall));
    let end = instantOf(zone, wall);
    if (end <= start) end = start + 3_600_000;
    buckets.push({ start, end, label: labelOf(zone, start) });
    start = end;
  }
  return buckets;
}

/** A local date (2026-03-01) or date-time without offset, as the instant it names in `zone`. */
export function localInstant(zone: string, text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}))?$/.exec(text);
  if (!m) return null;
  const wall = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4] ?? 0) };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > 31 || wall.hour > 23) return null;
  return instantOf(zone, wall);
}
