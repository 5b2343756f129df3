import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { purgeSignInLeftovers } from "./auth.jobs.ts";

const t = useTestDb();
const clock = fakeClock("2026-11-26T03:30:00Z");
const hoursAgo = (hours: number) => new Date(clock.now().getTime() - hours * 3_600_000);

describe("auth.cleanup", () => {
  it("deletes finished sign-in attempts, old windows and month-old ended sessions, keeps the rest, and reruns as a no-op", async () => {
    const account = await createAccount(t.db, (await createStructure(t.db)).id);
    const challenge = (id: string, expiresAt: Date) => ({ id, method: "EMAIL_CODE" as const, expiresAt });
    await t.db.loginChallenge.createMany({
      data: [
        challenge("old-1", hoursAgo(30)),
        challenge("old-2", hoursAgo(48)),
        challenge("old-3", hoursAgo(25)),
        challenge("recent", hoursAgo(2)),
      ],
    });
    await t.db.rateLimitCounter.createMany({
      data: [
        { key: "ip:done", count: 3, expiresAt: hoursAgo(1) },
        { key: "ip:live", count: 3, expiresAt: new Date(clock.now().getTime() + 60_000) },
      ],
    });
    const session = (id: string, data: { expiresAt: Date; revokedAt?: Date }) => ({
      id,
      accountId: account.id,
      csrfToken: "x",
      method: "PSC" as const,
      ...data,
    });
    await t.db.session.createMany({
      data: [
        session("expired-long-ago", { expiresAt: hoursAgo(24 * 40) }),
        session("revoked-long-ago", { expiresAt: hoursAgo(-12), revokedAt: hoursAgo(24 * 31) }),
        session("revoked-yesterday", { expiresAt: hoursAgo(-12), revokedAt: hoursAgo(24) }),
        session("live", { expiresAt: hoursAgo(-12) }),
      ],
    });

    const first = await purgeSignInLeftovers(jobContext(t.db, clock, 2));
    expect(first).toEqual({ processed: 6, failed: 0 });
    expect((await t.db.loginChallenge.findMany()).map((row) => row.id)).toEqual(["recent"]);
    expect((await t.db.rateLimitCounter.findMany()).map((row) => row.key)).toEqual(["ip:live"]);
    expect((await t.db.session.findMany({ orderBy: { id: "asc" } })).map((row) => row.id)).toEqual([
      "live",
      "revoked-yesterday",
    ]);
    expect(await purgeSignInLeftovers(jobContext(t.db, clock, 2))).toEqual({ processed: 0, failed: 0 });
  });
});
