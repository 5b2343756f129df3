/** Time rules of the account lifecycle and of mail delivery (pure; the jobs apply them). */

export const INACTIVITY_MONTHS = 6;
/** days between the inactivity notice and the deletion, for the holder to log in again */
export const INACTIVITY_NOTICE_DAYS = 30;
export const DEFINITIVE_REJECTION_MONTHS = 12;

export const OUTBOX_MAX_ATTEMPTS = 8;
const OUTBOX_FIRST_RETRY_SECONDS = 30;
const OUTBOX_MAX_RETRY_SECONDS = 3600;

const DAY_MS = 86_400_000;

/** Same day of month `months` earlier, clamped to the month's last day (31 August − 6 months = 28/29 February). */
export function monthsBefore(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** Accounts whose last activity is before this instant get the inactivity notice. */
export function inactivityNoticeThreshold(now: Date): Date {
  return monthsBefore(now, INACTIVITY_MONTHS);
}

/** Accounts notified before this instant, and not active since, are deleted. */
export function inactivityDeletionThreshold(now: Date): Date {
  return new Date(now.getTime() - INACTIVITY_NOTICE_DAYS * DAY_MS);
}

/** The date by which a notified account is deleted unless its holder logs in. */
export function inactivityDeletionDate(noticeAt: Date): Date {
  return new Date(noticeAt.getTime() + INACTIVITY_NOTICE_DAYS * DAY_MS);
}

/** Accounts rejected before this instant are definitively rejected (purged). */
export function definitiveRejectionThreshold(now: Date): Date {
  return monthsBefore(now, DEFINITIVE_REJECTION_MONTHS);
}

/**
 * When to try a mail again after `attempts` failed deliveries: 30 s, 1 min, 2 min… capped at one hour;
 * null once the attempts are exhausted (the mail is then marked failed for an operator to look at).
 */
export function nextOutboxAttempt(now: Date, attempts: number): Date | null {
  if (attempts >= OUTBOX_MAX_ATTEMPTS) return null;
  const seconds = Math.min(OUTBOX_MAX_RETRY_SECONDS, OUTBOX_FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + seconds * 1000);
}
