// "Rapport d'alimentation": what the national directory would reject (Bloquante) or warn about (Warning) for each
// MSSanté address of a structure, or of a structure and its daughters. The rules themselves live in
// packages/domain (feed-rules.ts); this is what the API answers.
import { FEED_RULES } from "@medimail/domain/feed-rules";
import { z } from "zod";
import { booleanQuery, labelledEnum } from "./common.ts";
import { AccountType } from "./enums.ts";

export const [FeedSeverity, FEED_SEVERITY_LABELS] = labelledEnum({ BLOCKING: "Bloquante", WARNING: "Warning" });
export type FeedSeverity = z.infer<typeof FeedSeverity>;

const codes = Object.keys(FEED_RULES) as [keyof typeof FEED_RULES, ...(keyof typeof FEED_RULES)[]];
export const FeedCode = z.enum(codes);
export type FeedCode = z.infer<typeof FeedCode>;

export const FeedReportQuery = z.object({
  daughters: booleanQuery(),
});

/** One rule broken by one address. The message and the fix are those of `rules[code]`. */
export const FeedReportRow = z.object({
  accountId: z.uuid(),
  /** the structure of the account: its page is /structures/<structureId>/utilisateurs/<accountId> */
  structureId: z.uuid(),
  structureName: z.string(),
  email: z.string(),
  mssAddress: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  type: AccountType,
  code: FeedCode,
  severity: FeedSeverity,
});
export type FeedReportRow = z.infer<typeof FeedReportRow>;

export const FeedRuleText = z.object({ code: FeedCode, severity: FeedSeverity, message: z.string(), fix: z.string() });

export const FeedReport = z.object({
  structureId: z.uuid(),
  structureName: z.string(),
  daughters: z.boolean(),
  generatedAt: z.iso.datetime(),
  /** false while no extraction of the national referential was imported: only the rules on Medimail's own data ran */
  referentialLoaded: z.boolean(),
  /** MSSanté addresses examined (MED accounts never have one) */
  addresses: z.number().int(),
  /** addresses with at least one blocking issue: held back from the nightly publication */
  blockedAddresses: z.number().int(),
  counts: z.object({ BLOCKING: z.number().int(), WARNING: z.number().int() }),
  countsByCode: z.array(z.object({ code: FeedCode, severity: FeedSeverity, count: z.number().int() })),
  /** the rules met in this report, message and fix */
  rules: z.array(FeedRuleText),
  /** blocking first, then by code, then by name; at most `rowsLimit` of each severity (the exports have them all) */
  rows: z.array(FeedReportRow),
  rowsLimit: z.number().int(),
  truncated: z.boolean(),
});
export type FeedReport = z.infer<typeof FeedReport>;

/** The counts the structure's home shows. */
export const FeedReportCounts = z.object({
  blocking: z.number().int(),
  warning: z.number().int(),
  referentialLoaded: z.boolean(),
});
export type FeedReportCounts = z.infer<typeof FeedReportCounts>;
