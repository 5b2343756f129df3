// Bulk work on accounts: reminders to every pre-registered user, imports ("loaduser"), exports.
import { z } from "zod";
import { booleanQuery } from "./common.ts";

export const LastReminder = z.object({
  /** the last "relancer vos utilisateurs préinscrits" (or single reminder) of the structure, null when none */
  lastReminderAt: z.iso.datetime().nullable(),
  /** accounts reminded by that last batch */
  count: z.number().int(),
});
export type LastReminder = z.infer<typeof LastReminder>;

export const RemindAllRequest = z.object({ daughters: z.boolean().default(false) });
/** count: accounts reminded by the batch (a batch resumed after an interruption counts them all); batchId null when none */
export const RemindAllResult = z.object({ count: z.number().int(), batchId: z.uuid().nullable() });

/** `?daughters=true`: the structure and all its descendants (exports, last reminder). */
export const BulkScopeQuery = z.object({
  daughters: booleanQuery(),
});
