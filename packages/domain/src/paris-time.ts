// The console's dates are French calendar days: conversions between a Paris day and instants.

/** Built once: building an Intl.DateTimeFormat costs about a millisecond, using one a few microseconds. */
const parisOffsetFormat = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Paris", timeZoneName: "longOffset" });

/** Paris's UTC offset at an instant, as "+01:00" / "+02:00". */
function parisOffsetAt(instant: Date): string {
  const name = parisOffsetFormat.formatToParts(instant).find((part) => part.type === "timeZoneName")?.value;
  const offset = name?.replace("GMT", "") ?? "";
  return offset === "" ? "Z" : offset;
}

/**
 * Midnight in Paris of a calendar day (YYYY-MM-DD), as an instant. The offset is taken at midnight itself, not
 * at noon: on the days clocks change, the two differ.
 */
export function parisDayStart(day: string): Date {
  const guess = new Date(`${day}T00:00:00${parisOffsetAt(new Date(`${day}T12:00:00Z`))}`);
  return new Date(`${day}T00:00:00${parisOffsetAt(guess)}`);
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function nextParisDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
