import { z } from "zod";
import { AccountState, AccountType } from "./enums.ts";
import { FeedReportCounts } from "./feed-report.ts";

const Quota = z.object({ used: z.number().int(), quota: z.number().int() });

/** "Accueil structure": what an administrator checks first. */
export const StructureOverview = z.object({
  accountsByState: z.record(AccountState, z.number().int()),
  accountsByType: z.record(AccountType, z.number().int()),
  mssUsage: z.object({ PER: Quota, ORG: Quota, APP: Quota }),
  pendingEmailChanges: z.number().int(),
  /** messages of the structure's mailboxes per Paris day, the last 30 days, oldest first */
  messagesPerDay: z.array(z.object({ day: z.iso.date(), sent: z.number().int(), received: z.number().int() })),
  /** the feed report's blocking and warning issues of the structure's MSSanté addresses (null: not computed) */
  feedReport: FeedReportCounts.nullable(),
});
export type StructureOverview = z.infer<typeof StructureOverview>;
