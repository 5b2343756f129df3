import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDateTimeToMinute } from "./format.ts";

describe("format", () => {
  it("writes instants in Paris time, French style", () => {
    // 2026-07-14T10:05:09Z is 12:05:09 in Paris (summer time)
    expect(formatDateTime("2026-07-14T10:05:09.000Z")).toBe("14/07/2026 12:05:09");
    expect(formatDateTimeToMinute("2026-07-14T10:05:09.000Z")).toBe("14/07/2026 12:05");
    expect(formatDate("2026-12-31T23:30:00.000Z")).toBe("01/01/2027");
  });

  it("writes a dash for no date", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTimeToMinute(undefined)).toBe("—");
    expect(formatDate(null)).toBe("—");
  });
});
