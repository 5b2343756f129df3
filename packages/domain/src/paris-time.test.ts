import { describe, expect, it } from "vitest";
import { nextParisDay, parisDayStart } from "./paris-time.ts";

describe("Paris days", () => {
  it("starts a day at midnight in Paris, summer (UTC+2) and winter (UTC+1)", () => {
    expect(parisDayStart("2026-07-14").toISOString()).toBe("2026-07-13T22:00:00.000Z");
    expect(parisDayStart("2026-12-25").toISOString()).toBe("2026-12-24T23:00:00.000Z");
    // the days clocks change: midnight is still in the previous offset
    expect(parisDayStart("2026-03-29").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(parisDayStart("2026-10-25").toISOString()).toBe("2026-10-24T22:00:00.000Z");
  });

  it("gives the next calendar day across months and years", () => {
    expect(nextParisDay("2026-02-28")).toBe("2026-03-01");
    expect(nextParisDay("2026-12-31")).toBe("2027-01-01");
  });
});
