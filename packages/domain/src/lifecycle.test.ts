import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  definitiveRejectionThreshold,
  inactivityDeletionDate,
  inactivityDeletionThreshold,
  inactivityNoticeThreshold,
  monthsBefore,
  nextOutboxAttempt,
  OUTBOX_MAX_ATTEMPTS,
} from "./lifecycle.ts";

const at = (iso: string) => new Date(iso);

describe("lifecycle thresholds", () => {
  it("counts calendar months back, clamping to the end of shorter months", () => {
    expect(monthsBefore(at("2026-11-26T03:00:00Z"), 6).toISOString()).toBe("2026-05-26T03:00:00.000Z");
    expect(monthsBefore(at("2026-08-31T10:00:00Z"), 6).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(monthsBefore(at("2028-08-31T10:00:00Z"), 6).toISOString()).toBe("2028-02-29T10:00:00.000Z");
    expect(monthsBefore(at("2026-01-15T00:00:00Z"), 12).toISOString()).toBe("2025-01-15T00:00:00.000Z");
  });

  it("notifies after six months, deletes thirty days after the notice, purges rejections after a year", () => {
    const now = at("2026-11-26T03:00:00Z");
    expect(inactivityNoticeThreshold(now).toISOString()).toBe("2026-05-26T03:00:00.000Z");
    expect(inactivityDeletionThreshold(now).toISOString()).toBe("2026-10-27T03:00:00.000Z");
    expect(inactivityDeletionDate(at("2026-10-27T03:00:00Z")).toISOString()).toBe(now.toISOString());
    expect(definitiveRejectionThreshold(now).toISOString()).toBe("2025-11-26T03:00:00.000Z");
  });

  it("always goes back in time and by less than 31 days per month (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: at("2000-01-01"), max: at("2100-01-01"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 24 }),
        (date, months) => {
          const earlier = monthsBefore(date, months);
          const days = (date.getTime() - earlier.getTime()) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(months * 28 - 3);
          expect(days).toBeLessThanOrEqual(months * 31);
        },
      ),
    );
  });
});

describe("outbox retries", () => {
  it("backs off exponentially up to one hour, then gives up", () => {
    const now = at("2026-11-26T10:00:00Z");
    const delays = Array.from({ length: OUTBOX_MAX_ATTEMPTS }, (_, i) => {
      const next = nextOutboxAttempt(now, i + 1);
      return next ? (next.getTime() - now.getTime()) / 1000 : null;
    });
    expect(delays.slice(0, 5)).toEqual([30, 60, 120, 240, 480]);
    expect(delays.at(-1)).toBeNull();
    expect(Math.max(...delays.filter((d): d is number => d !== null))).toBeLessThanOrEqual(3600);
  });
});
