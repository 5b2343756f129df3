/** The console's dates and times: French, in Paris time (the API sends ISO instants). */
const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});
const dateTimeToMinute = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});
const date = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });

/** "05/12/2026 08:15:30"; "—" for no date. */
export const formatDateTime = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : "—");

/** "05/12/2026 08:15" (to the minute); "—" for no date. */
export const formatDateTimeToMinute = (iso: string | null | undefined): string =>
  iso ? dateTimeToMinute.format(new Date(iso)) : "—";

/** "05/12/2026"; "—" for no date. */
export const formatDate = (iso: string | null | undefined): string => (iso ? date.format(new Date(iso)) : "—");
