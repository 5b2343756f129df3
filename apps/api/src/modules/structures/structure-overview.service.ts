import type { StructureOverview } from "@medimail/contracts/structure-overview";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import type { Scope } from "../../lib/scope.ts";
import type { FeedReportService } from "../feed-report/feed-report.service.ts";
import { createStructureOverviewRepository } from "./structure-overview.repository.ts";

const DAYS = 30;

const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });

/** The structure's home: counts by state and type, MSSanté use against quotas, pending work, recent mail. */
export function createStructureOverviewService({
  db,
  scope,
  feedReport,
}: {
  db: Db;
  scope: Scope;
  /** the feed report's counts (the structure alone); without it the home shows none */
  feedReport?: Pick<FeedReportService, "counts">;
}) {
  const repository = createStructureOverviewRepository(db);
  return {
    async get(principal: Principal, id: string, now = new Date()): Promise<StructureOverview> {
      await scope.require(principal, "read", id);
      // the last 30 Paris days, today included, each counted whole
      const days = Array.from({ length: DAYS }, (_, index) =>
        parisDay.format(new Date(now.getTime() - (DAYS - 1 - index) * 86_400_000)),
      );
      const [byStateAndType, used, structure, pendingEmailChanges, messages, feed] = await Promise.all([
        repository.accountsByStateAndType(id),
        repository.mssQuotaUsage(id),
        repository.quotas(id),
        repository.pendingEmailChanges(id),
        repository.messageDays(id, days[0] as string, days.at(-1) as string),
        feedReport?.counts(id) ?? null,
      ]);
      const accountsByState = { PREREGISTERED: 0, PENDING_VALIDATION: 0, VALIDATED: 0, REJECTED: 0 };
      const accountsByType = { MED: 0, PER: 0, INT: 0, ORG: 0, APP: 0 };
      for (const row of byStateAndType) {
        accountsByState[row.state] += row.count;
        accountsByType[row.type] += row.count;
      }
      // every day of the period, including those without any message
      const byDay = new Map(messages.map((row) => [row.day, row]));
      const messagesPerDay = days.map((day) => ({
        day,
        sent: byDay.get(day)?.sent ?? 0,
        received: byDay.get(day)?.received ?? 0,
      }));
      return {
        accountsByState,
        accountsByType,
        mssUsage: {
          PER: { used: used.PER, quota: structure.quotaPer },
          ORG: { used: used.ORG, quota: structure.quotaOrg },
          APP: { used: used.APP, quota: structure.quotaApp },
        },
        pendingEmailChanges,
        messagesPerDay,
        feedReport: feed,
      };
    },
  };
}
export type StructureOverviewService = ReturnType<typeof createStructureOverviewService>;
