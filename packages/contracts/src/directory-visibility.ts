// "Vérifier la visibilité dans l'annuaire national": the ANS's daily extraction of published mailboxes, imported
// (nightly download or an operator's upload), compared with our correspondences.
import { DIRECTORY_VISIBILITIES, type DirectoryVisibility as Visibility } from "@medimail/domain/directory-visibility";
import { z } from "zod";
import { booleanQuery } from "./common.ts";

export { DIRECTORY_VISIBILITIES };
export const DirectoryVisibility = z.enum(DIRECTORY_VISIBILITIES);
export type DirectoryVisibility = Visibility;

/** What the *Vérifications* column and the report say, in the guide's words. */
export const DIRECTORY_VISIBILITY_LABELS: Record<DirectoryVisibility, string> = {
  VISIBLE: "Visible dans l'annuaire national",
  ABSENT: "Absente de l'annuaire",
  LISTE_ROUGE: "En liste rouge",
  LISTE_ROUGE_VISIBLE: "Visible malgré la liste rouge",
  NOT_YET: "Publication trop récente pour être vérifiée",
  UNKNOWN_HERE: "Publiée dans l'annuaire, inconnue ici",
  DELETED_HERE: "Publiée dans l'annuaire, supprimée ici",
};

/** The largest extraction accepted (the ANS's file is about 89 MB in 2026). */
export const EXTRACTION_MAX_BYTES = 300 * 1024 * 1024;

export const UploadExtractionQuery = z.object({
  fileName: z.string().trim().min(1).max(255).optional(),
});

export const ExtractionProblem = z.object({ line: z.number().int(), reason: z.string() });

export const ExtractionSummary = z.object({
  id: z.uuid(),
  source: z.enum(["DOWNLOAD", "UPLOAD"]),
  fileName: z.string().nullable(),
  extractedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  lines: z.number().int(),
  kept: z.number().int(),
  malformed: z.number().int(),
  problems: z.array(ExtractionProblem),
});
export type ExtractionSummary = z.infer<typeof ExtractionSummary>;

export const ExtractionAttempt = ExtractionSummary.extend({
  status: z.enum(["PENDING", "RUNNING", "DONE", "FAILED", "EXPIRED"]),
  error: z.string().nullable(),
  startedAt: z.iso.datetime(),
});

export const VisibilityCounts = z.record(DirectoryVisibility, z.number().int());

export const VisibilityLine = z.object({
  address: z.string(),
  accountId: z.uuid().nullable(),
  structureId: z.uuid().nullable(),
  visibility: DirectoryVisibility,
  nationalName: z.string().nullable(),
});

/** The report's lines are the discrepancies; at most this many are listed (the counts cover them all). */
export const VISIBILITY_LINES_LIMIT = 1000;

export const VisibilityReport = z.object({
  /** null until an extraction has been imported */
  extraction: ExtractionSummary.nullable(),
  counts: VisibilityCounts,
  discrepancies: z.array(VisibilityLine),
  discrepanciesTotal: z.number().int(),
});
export type VisibilityReport = z.infer<typeof VisibilityReport>;

export const NationalExtractionStatus = z.object({
  latestAttempt: ExtractionAttempt.nullable(),
  report: VisibilityReport,
});

export const VisibilityQuery = z.object({
  daughters: booleanQuery(),
});
