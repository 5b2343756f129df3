import type { DbTx, Prisma } from "@medimail/db/client";
import type { ExtractionAddress, ExtractionTally } from "./extraction-file.ts";

/** An address of ours or of the extraction, with what the comparison needs. */
export interface ComparedAddress {
  address: string;
  accountId: string | null;
  structureId: string | null;
  listed: boolean | null;
  publishedAt: Date | null;
  inExtraction: boolean;
  deletedHere: boolean;
  nationalName: string | null;
}

export interface CurrentExtraction {
  id: string;
  source: "DOWNLOAD" | "UPLOAD";
  fileName: string | null;
  extractedAt: Date;
  finishedAt: Date | null;
  lines: number;
  kept: number;
  malformed: number;
  problems: Prisma.JsonValue;
}

const currentExtractionSelect = {
  id: true,
  source: true,
  fileName: true,
  extractedAt: true,
  finishedAt: true,
  lines: true,
  kept: true,
  malformed: true,
  problems: true,
} as const;

export function createDirectoryVisibilityRepository(db: DbTx) {
  return {
    async allStructureIds(): Promise<string[]> {
      return (await db.structure.findMany({ select: { id: true } })).map((structure) => structure.id);
    },

    /** The MSSanté domains of our structures, lowercased. */
    async ourDomains(): Promise<Set<string>> {
      const rows = await db.structure.findMany({ where: { mssDomain: { not: null } }, select: { mssDomain: true } });
      return new Set(rows.map((row) => (row.mssDomain as string).toLowerCase()));
    },

    /** An import started less than 30 minutes ago and not finished (an older one crashed). */
    async running(): Promise<boolean> {
      const since = new Date(Date.now() - 30 * 60_000);
      return (await db.nationalExtraction.count({ where: { status: "RUNNING", startedAt: { gt: since } } })) > 0;
    },

    async start(input: {
      source: "DOWNLOAD" | "UPLOAD";
      fileName: string | null;
      extractedAt: Date;
      requestedById: string | null;
    }): Promise<string> {
      return (await db.nationalExtraction.create({ data: input, select: { id: true } })).id;
    },

    async addAddresses(extractionId: string, addresses: ExtractionAddress[]): Promise<void> {
      await db.nationalExtractionAddress.createMany({
        data: addresses.map((address) => ({ extractionId, ...address })),
        skipDuplicates: true,
      });
    },

    /** The import is complete: it becomes the current one, and the addresses of the older ones go. */
    async finish(extractionId: string, tally: ExtractionTally): Promise<void> {
      const kept = await db.nationalExtractionAddress.count({ where: { extractionId } });
      await db.nationalExtraction.update({
        where: { id: extractionId },
        data: {
          status: "DONE",
          finishedAt: new Date(),
          lines: tally.lines,
          kept,
          malformed: tally.malformed,
          problems: tally.problems as unknown as Prisma.InputJsonValue,
        },
      });
      await db.nationalExtractionAddress.deleteMany({ where: { extractionId: { not: extractionId } } });
    },

    /** The import stopped: its partial addresses go, the current extraction stays what it was. */
    async fail(extractionId: string, error: string, tally: ExtractionTally): Promise<void> {
      await db.nationalExtractionAddress.deleteMany({ where: { extractionId } });
      await db.nationalExtraction.update({
        where: { id: extractionId },
        data: {
          status: "FAILED",
          finishedAt: new Date(),
          error,
          lines: tally.lines,
          malformed: tally.malformed,
          problems: tally.problems as unknown as Prisma.InputJsonValue,
        },
      });
    },

    async current(): Promise<CurrentExtraction | null> {
      return db.nationalExtraction.findFirst({
        where: { status: "DONE" },
        orderBy: [{ finishedAt: "desc" }],
        select: currentExtractionSelect,
      });
    },

    async latestAttempt() {
      return db.nationalExtraction.findFirst({
        orderBy: { startedAt: "desc" },
        select: { ...currentExtractionSelect, status: true, error: true, startedAt: true },
      });
    },

    /**
     * Every address to compare within `structureIds`: our live correspondences (with their presence in the
     * extraction), then the extraction's addresses of these structures' domains that we have no live
     * correspondence for (with whether we deleted one at that address).
     */
    async compared(extractionId: string, structureIds: string[]): Promise<ComparedAddress[]> {
      return db.$queryRaw<ComparedAddress[]>`
        SELECT m.address, m.account_id::text AS "accountId", a.structure_id::text AS "structureId",
               m.listed, m.published_at AS "publishedAt", (n.address IS NOT NULL) AS "inExtraction",
               false AS "deletedHere", n.name AS "nationalName"
          FROM mss_address m
          JOIN account a ON a.id = m.account_id
          LEFT JOIN national_extraction_address n ON n.extraction_id = ${extractionId}::uuid AND n.address = m.address
         WHERE a.structure_id = ANY(${structureIds}::uuid[])
        UNION ALL
        SELECT n.address, NULL, s.id::text, NULL, NULL, true,
               EXISTS (SELECT 1 FROM directory_withdrawal w WHERE w.address = n.address), n.name
          FROM national_extraction_address n
          JOIN structure s ON lower(s.mss_domain) = split_part(n.address, '@', 2)
         WHERE n.extraction_id = ${extractionId}::uuid
           AND s.id = ANY(${structureIds}::uuid[])
           AND NOT EXISTS (SELECT 1 FROM mss_address m WHERE m.address = n.address)
         ORDER BY 1`;
    },

    /** Which of `addresses` (lowercased) the extraction lists. */
    async presentAmong(extractionId: string, addresses: string[]): Promise<Set<string>> {
      if (addresses.length === 0) return new Set();
      const rows = await db.nationalExtractionAddress.findMany({
        where: { extractionId, address: { in: addresses } },
        select: { address: true },
      });
      return new Set(rows.map((row) => row.address));
    },
  };
}

export type DirectoryVisibilityRepository = ReturnType<typeof createDirectoryVisibilityRepository>;
