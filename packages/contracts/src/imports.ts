// "Importer une liste d'utilisateurs" (loaduser): upload a CSV or XLSX file, read the dry run (what will be created,
// updated, left unchanged, rejected and why), then apply it in the background and follow its progress.
import { z } from "zod";
import { booleanQuery, labelledEnum, Uuid } from "./common.ts";

/** What the import refuses before reading a single row. */
export const IMPORT_LIMITS = {
  /** size of the uploaded file */
  fileBytes: 20 * 1024 * 1024,
  /** user rows (blank rows are not counted) */
  rows: 200_000,
  /** an XLSX is a zip: the inflated size of all its parts, checked before parsing (zip bombs) */
  uncompressedBytes: 500 * 1024 * 1024,
} as const;

export const [ImportStatus, importStatusLabels] = labelledEnum({
  UPLOADED: "Analyse en cours",
  DRY_RUN_DONE: "Analysé, en attente de confirmation",
  APPLYING: "Import en cours",
  APPLIED: "Importé",
  FAILED: "En échec",
});
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportParams = z.object({ id: Uuid, importId: Uuid });
export type ImportParams = z.infer<typeof ImportParams>;

/** The file travels as the request body (application/octet-stream); its name in the query. */
export const UploadImportQuery = z.object({
  fileName: z
    .string({ error: "Nom du fichier manquant" })
    .trim()
    .min(1, "Nom du fichier manquant")
    .max(255, "Nom de fichier trop long (255 caractères au plus)"),
});

export const ImportCounts = z.object({
  create: z.number().int(),
  update: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const ImportSummary = z.object({
  id: Uuid,
  structureId: Uuid,
  fileName: z.string(),
  fileSize: z.number().int(),
  format: z.enum(["CSV", "XLSX"]),
  status: ImportStatus,
  createdAt: z.iso.datetime(),
  /** user rows in the file (blank rows aside) */
  totalRows: z.number().int(),
  /** what the dry run found */
  dryRun: ImportCounts,
  /** e.g. unknown columns (ignored), the encoding the CSV was read in */
  warnings: z.array(z.string()),
  notifyUsers: z.boolean(),
  /** rows handled by the apply so far (the progress bar) */
  appliedRows: z.number().int(),
  /** what the apply did (so far) */
  applied: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  appliedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
  /** false once the file is purged (it is kept 7 days): it can no longer be applied */
  fileKept: z.boolean(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

export const ImportErrorsQuery = z.object({
  /** the rows rejected while applying rather than by the dry run */
  atApply: booleanQuery(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ImportErrorsQuery = z.input<typeof ImportErrorsQuery>;

export const ImportRowError = z.object({
  /** the row as a spreadsheet numbers it: the header is line 1 */
  line: z.number().int(),
  /** the column's header; null when the reason concerns the whole row */
  column: z.string().nullable(),
  /** the start of the cell's value */
  value: z.string().nullable(),
  reason: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportErrorsPage = z.object({
  items: z.array(ImportRowError),
  /** errors in all (a rejected row may have several) */
  total: z.number().int(),
});
export type ImportErrorsPage = z.infer<typeof ImportErrorsPage>;

export const ApplyImportRequest = z.object({
  /** "Notifier les utilisateurs": the pre-registration mail to new MED, PER and INT accounts */
  notifyUsers: z.boolean({ error: "Indiquez si les utilisateurs doivent être notifiés" }),
});
export type ApplyImportRequest = z.infer<typeof ApplyImportRequest>;
