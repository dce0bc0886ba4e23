/**
 * The time zones the `time_zone` setting accepts: the runtime's IANA list (ICU keeps some legacy
 * names there, Asia/Calcutta for Asia/Kolkata), UTC, and the current names of zones ICU lists under
 * an old one, each kept only when this runtime can actually format in it.
 */
const RENAMED = [
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Ho_Chi_Minh",
  "Asia/Yangon",
  "Europe/Kyiv",
  "America/Nuuk",
  "Atlantic/Faroe",
  "Pacific/Kanton",
  "Pacific/Chuuk",
  "Pacific/Pohnpei",
  "America/Argentina/Buenos_Aires",
  "America/Indiana/Indianapolis",
  "America/Kentucky/Louisville",
];

function formats(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TIME_ZONES: string[] = [
  ...new Set(["UTC", ...Intl.supportedValuesOf("timeZone"), ...RENAMED.filter(formats)]),
].sort();

/** Whether `zone` names an IANA time zone this runtime formats in. */
export function isTimeZone(zone: unknown): zone is string {
  return typeof zone === "string" && TIME_ZONES.includes(zone) && formats(zone);
}
