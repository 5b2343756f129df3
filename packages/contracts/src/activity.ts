import { z } from "zod";
import { booleanQuery, isCleanText, labelledEnum } from "./common.ts";

// "Activité structure": the message log of a structure's mailboxes, its search, and its background exports.

/** The table shows this many messages, the latest first; larger results go through an export. */
export const ACTIVITY_LIST_LIMIT = 300;
/** The chart covers this many Paris days when no period is chosen (today included). */
export const ACTIVITY_DEFAULT_CHART_DAYS = 30;
/** A chosen period spans at most this many days (chart and export alike). */
export const ACTIVITY_MAX_PERIOD_DAYS = 366;
/** Exports of one user waiting or running at once. */
export const ACTIVITY_MAX_ACTIVE_EXPORTS = 3;

export const [MessageDirection, messageDirectionLabels] = labelledEnum({ SENT: "Envoyé", RECEIVED: "Reçu" });
export type MessageDirection = z.infer<typeof MessageDirection>;

const day = z.iso.date({ error: "Date invalide (AAAA-MM-JJ)" });

/** Days between two calendar days (YYYY-MM-DD), both counted. */
export function daysInPeriod(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The search criteria, as the query string of the search and as the body of an export request. */
const criteriaShape = {
  /** an address that sent or received the message (exact, case-insensitive) */
  address: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "Adresse trop longue (254 caractères au plus)")
    .refine(isCleanText, { message: "Caractères non autorisés dans l'adresse" })
    .optional()
    .transform((value) => value || undefined),
  /** first Paris day of the period, included */
  from: day.optional(),
  /** last Paris day of the period, included */
  to: day.optional(),
  direction: MessageDirection.optional(),
};
const periodChecks = <T extends { from?: string | undefined; to?: string | undefined }>(schema: z.ZodType<T>) =>
  schema
    .refine((criteria) => !criteria.from || !criteria.to || criteria.from <= criteria.to, {
      path: ["to"],
      error: "La date de fin précède la date de début",
    })
    .refine(
      (criteria) =>
        !criteria.from || !criteria.to || daysInPeriod(criteria.from, criteria.to) <= ACTIVITY_MAX_PERIOD_DAYS,
      { path: ["to"], error: `La période est limitée à ${ACTIVITY_MAX_PERIOD_DAYS} jours` },
    );

export const ActivitySearchQuery = periodChecks(z.object({ ...criteriaShape, daughters: booleanQuery() }));
export type ActivitySearchQuery = z.infer<typeof ActivitySearchQuery>;

export const ActivityCriteria = periodChecks(z.object({ ...criteriaShape, daughters: z.boolean().default(false) }));
export type ActivityCriteria = z.infer<typeof ActivityCriteria>;

export const ActivityMessage = z.object({
  id: z.string(),
  sentAt: z.iso.datetime(),
  /** the structure's own mailbox this line belongs to */
  address: z.string(),
  direction: MessageDirection,
  sender: z.string(),
  recipients: z.array(z.string()),
  sizeBytes: z.number().int(),
  isMss: z.boolean(),
  structureName: z.string(),
});
export type ActivityMessage = z.infer<typeof ActivityMessage>;

export const ActivityDay = z.object({ day: z.iso.date(), sent: z.number().int(), received: z.number().int() });
export type ActivityDay = z.infer<typeof ActivityDay>;

export const ActivitySearchResponse = z.object({
  /** the latest messages matching the criteria, newest first, at most ACTIVITY_LIST_LIMIT */
  items: z.array(ActivityMessage),
  /** more messages match than the table shows */
  more: z.boolean(),
  /** the chart's period: the chosen one, or the last ACTIVITY_DEFAULT_CHART_DAYS days */
  chart: z.object({ from: z.iso.date(), to: z.iso.date(), days: z.array(ActivityDay) }),
  /** messages matching the criteria over the chart's period (the sum of the chart) */
  chartTotal: z.number().int(),
});
export type ActivitySearchResponse = z.infer<typeof ActivitySearchResponse>;

/** "XLS" is produced as XLSX (the binary XLS format is obsolete; Excel opens XLSX since 2007). */
export const ActivityExportFormat = z.enum(["CSV", "XLSX"]);
export type ActivityExportFormat = z.infer<typeof ActivityExportFormat>;

export const ActivityExportRequest = z.object({ format: ActivityExportFormat, criteria: ActivityCriteria });
export type ActivityExportRequest = z.infer<typeof ActivityExportRequest>;

export const [ExportStatus, exportStatusLabels] = labelledEnum({
  PENDING: "En attente",
  RUNNING: "En cours",
  DONE: "Terminé",
  FAILED: "Échec",
  EXPIRED: "Expiré",
});
export type ExportStatus = z.infer<typeof ExportStatus>;

export const ActivityExportView = z.object({
  id: z.uuid(),
  format: ActivityExportFormat,
  status: ExportStatus,
  /** 0–100 */
  progress: z.number().int(),
  rowCount: z.number().int().nullable(),
  requestedAt: z.iso.datetime(),
  requestedBy: z.string(),
  processedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  /** the period exported: the chosen days, or up to the request's instant */
  period: z.object({ from: z.iso.datetime().nullable(), to: z.iso.datetime() }),
  criteria: z.object({
    address: z.string().optional(),
    direction: MessageDirection.optional(),
    daughters: z.boolean(),
  }),
  error: z.string().nullable(),
});
export type ActivityExportView = z.infer<typeof ActivityExportView>;

export const ActivityExportList = z.object({
  items: z.array(ActivityExportView),
  /** the caller's exports waiting or running, anywhere, against the limit */
  activeOfCaller: z.number().int(),
  maxActive: z.number().int(),
  /** whether the caller may request exports here (administrators and operators; support reads) */
  mayRequest: z.boolean(),
});
export type ActivityExportList = z.infer<typeof ActivityExportList>;

export const ActivityExportParams = z.object({ exportId: z.uuid({ error: "Export introuvable" }) });
