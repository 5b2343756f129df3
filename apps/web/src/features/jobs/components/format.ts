/** "0 3 * * *" → "Chaque nuit à 03:00". The schedules the console uses; anything else is shown as is. */
export function describeCron(cron: string | null): string {
  if (!cron) return "À la demande";
  if (cron === "* * * * *") return "Chaque minute";
  const daily = cron.match(/^(\d{1,2}) (\d{1,2}) \* \* \*$/);
  if (daily) {
    const [, minute = "0", hour = "0"] = daily;
    const time = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
    return Number(hour) < 6 ? `Chaque nuit à ${time}` : `Chaque jour à ${time}`;
  }
  return `Planification « ${cron} »`;
}
