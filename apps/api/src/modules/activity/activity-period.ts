import {
  ACTIVITY_DEFAULT_CHART_DAYS,
  ACTIVITY_MAX_PERIOD_DAYS,
  type ActivityCriteria,
  daysInPeriod,
} from "@medimail/contracts/activity";
import { nextParisDay, parisDayStart } from "@medimail/domain/paris-time";
import { validationFailed } from "../../lib/errors.ts";
import type { MessageFilter } from "./activity.repository.ts";

const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });

/** The Paris calendar day (YYYY-MM-DD) of an instant. */
export const parisDayOf = (instant: Date): string => parisDay.format(instant);

/** `count` days before a calendar day (YYYY-MM-DD). */
function daysBefore(day: string, count: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - count);
  return date.toISOString().slice(0, 10);
}

/** The instants of the chosen Paris days: from the first day's midnight to the midnight after the last day. */
export function periodInstants(criteria: Pick<ActivityCriteria, "from" | "to">): { since?: Date; until?: Date } {
  return {
    ...(criteria.from ? { since: parisDayStart(criteria.from) } : {}),
    ...(criteria.to ? { until: parisDayStart(nextParisDay(criteria.to)) } : {}),
  };
}

/**
 * The chart's days: the chosen period; without one, the last 30 days up to today (or up to the chosen end); with
 * only a start, up to today. Never longer than ACTIVITY_MAX_PERIOD_DAYS.
 */
export function chartDays(criteria: Pick<ActivityCriteria, "from" | "to">, now: Date): string[] {
  const to = criteria.to ?? parisDayOf(now);
  const from = criteria.from ?? daysBefore(to, ACTIVITY_DEFAULT_CHART_DAYS - 1);
  if (from > to) return [];
  if (daysInPeriod(from, to) > ACTIVITY_MAX_PERIOD_DAYS) {
    throw validationFailed(`La période est limitée à ${ACTIVITY_MAX_PERIOD_DAYS} jours`, [
      { path: "from", message: `Choisissez une date de début au plus ${ACTIVITY_MAX_PERIOD_DAYS} jours avant la fin` },
    ]);
  }
  const days: string[] = [];
  for (let day = from; day <= to; day = nextParisDay(day)) days.push(day);
  return days;
}

/** The filter of criteria over some structures. */
export function filterOf(
  structureIds: string[],
  criteria: Pick<ActivityCriteria, "address" | "from" | "to" | "direction">,
): MessageFilter {
  return {
    structureIds,
    address: criteria.address,
    direction: criteria.direction,
    ...periodInstants(criteria),
  };
}
