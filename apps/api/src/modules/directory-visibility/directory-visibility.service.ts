import { VISIBILITY_LINES_LIMIT } from "@medimail/contracts/directory-visibility";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import {
  DIRECTORY_VISIBILITIES,
  DISCREPANCIES,
  type DirectoryVisibility,
  directoryVisibility,
} from "@medimail/domain/directory-visibility";
import { conflict, validationFailed } from "../../lib/errors.ts";
import type { Scope } from "../../lib/scope.ts";
import { createStructureTreeRepository } from "../../lib/structure-tree.repository.ts";
import { type CurrentExtraction, createDirectoryVisibilityRepository } from "./directory-visibility.repository.ts";
import { ExtractionFormatError, type ExtractionTally, readExtraction } from "./extraction-file.ts";

export interface ExtractionImport {
  chunks: AsyncIterable<string>;
  source: "DOWNLOAD" | "UPLOAD";
  fileName: string | null;
  extractedAt: Date;
  requestedById: string | null;
}

export interface VisibilityLine {
  address: string;
  accountId: string | null;
  structureId: string | null;
  visibility: DirectoryVisibility;
  nationalName: string | null;
}

/**
 * "Vérifier la visibilité dans l'annuaire national": imports the ANS's extraction (the nightly download or an
 * operator's upload) and compares it with our correspondences.
 */
export function createDirectoryVisibilityService({ db, scope }: { db: Db; scope?: Scope }) {
  const repository = createDirectoryVisibilityRepository(db);
  const tree = createStructureTreeRepository(db);

  async function report(structureIds: string[]) {
    const { extraction, counts, lines } = await service.compare(structureIds);
    const discrepancies = lines.filter((line) => DISCREPANCIES.includes(line.visibility));
    return {
      extraction: extraction ? extractionSummary(extraction) : null,
      counts,
      discrepancies: discrepancies.slice(0, VISIBILITY_LINES_LIMIT),
      discrepanciesTotal: discrepancies.length,
    };
  }

  const service = {
    /**
     * Reads the extraction, keeping the addresses of our domains; the import becomes current only once complete
     * (a crash or a bad file leaves the previous one current). One import at a time.
     */
    async importExtraction(input: ExtractionImport) {
      if (await repository.running()) {
        throw conflict(
          "Une importation de l'extraction nationale est déjà en cours : réessayez dans quelques minutes.",
        );
      }
      const domains = await repository.ourDomains();
      const { source, fileName, extractedAt, requestedById } = input;
      const id = await repository.start({ source, fileName, extractedAt, requestedById });
      const tally: ExtractionTally = { lines: 0, malformed: 0, problems: [] };
      try {
        for await (const batch of readExtraction(input.chunks, (domain) => domains.has(domain), tally)) {
          await repository.addAddresses(id, batch);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await repository.fail(id, message, tally);
        if (error instanceof ExtractionFormatError) throw validationFailed(message);
        throw error;
      }
      await repository.finish(id, tally);
      return (await repository.current()) ?? undefined;
    },

    /** Each address of `structureIds` (ours, and the extraction's under their domains) with its visibility. */
    async compare(structureIds: string[]) {
      const extraction = await repository.current();
      if (!extraction) return { extraction: null, counts: emptyCounts(), lines: [] as VisibilityLine[] };
      const counts = emptyCounts();
      const lines: VisibilityLine[] = [];
      for (const row of await repository.compared(extraction.id, structureIds)) {
        const visibility = directoryVisibility({
          ours: row.accountId ? { listed: row.listed ?? true, publishedAt: row.publishedAt } : null,
          deletedHere: row.deletedHere,
          inExtraction: row.inExtraction,
          extractedAt: extraction.extractedAt,
        });
        if (!visibility) continue;
        counts[visibility]++;
        lines.push({
          address: row.address,
          accountId: row.accountId,
          structureId: row.structureId,
          visibility,
          nationalName: row.nationalName,
        });
      }
      return { extraction, counts, lines };
    },

    /** The discrepancies only (what an administrator should act on). */
    async discrepancies(structureIds: string[]) {
      const { extraction, counts, lines } = await service.compare(structureIds);
      return { extraction, counts, lines: lines.filter((line) => DISCREPANCIES.includes(line.visibility)) };
    },

    /** For a page of the MSSanté lists: each address's visibility (null: no extraction imported yet). */
    async visibilityOf(
      addresses: { address: string; listed: boolean; publishedAt: Date | null }[],
    ): Promise<Map<string, DirectoryVisibility> | null> {
      const extraction = await repository.current();
      if (!extraction) return null;
      const present = await repository.presentAmong(
        extraction.id,
        addresses.map((entry) => entry.address),
      );
      const result = new Map<string, DirectoryVisibility>();
      for (const entry of addresses) {
        const visibility = directoryVisibility({
          ours: { listed: entry.listed, publishedAt: entry.publishedAt },
          deletedHere: false,
          inExtraction: present.has(entry.address),
          extractedAt: extraction.extractedAt,
        });
        if (visibility) result.set(entry.address, visibility);
      }
      return result;
    },

    latestAttempt: () => repository.latestAttempt(),

    /** An operator's upload (the route checked the platform right). */
    async upload(input: { chunks: AsyncIterable<string>; fileName: string | null; requestedById: string | null }) {
      return service.importExtraction({ ...input, source: "UPLOAD", extractedAt: new Date() });
    },

    /** The latest import attempt and the comparison of every structure (operators, support). */
    async platformStatus() {
      const attempt = await repository.latestAttempt();
      return {
        latestAttempt: attempt
          ? {
              ...extractionSummary(attempt),
              status: attempt.status,
              error: attempt.error,
              startedAt: attempt.startedAt.toISOString(),
            }
          : null,
        report: await report(await repository.allStructureIds()),
      };
    },

    /** One structure's comparison (and its daughters'), within the caller's scope. */
    async structureReport(principal: Principal, structureId: string, daughters: boolean) {
      if (!scope) throw new Error("the structure report needs the permission scope");
      await scope.require(principal, "read", structureId);
      return report(await tree.subtreeIds(structureId, daughters));
    },
  };
  return service;
}

function extractionSummary(extraction: CurrentExtraction) {
  return {
    id: extraction.id,
    source: extraction.source,
    fileName: extraction.fileName,
    extractedAt: extraction.extractedAt.toISOString(),
    finishedAt: extraction.finishedAt?.toISOString() ?? null,
    lines: extraction.lines,
    kept: extraction.kept,
    malformed: extraction.malformed,
    problems: (extraction.problems ?? []) as { line: number; reason: string }[],
  };
}

function emptyCounts(): Record<DirectoryVisibility, number> {
  return Object.fromEntries(DIRECTORY_VISIBILITIES.map((visibility) => [visibility, 0])) as Record<
    DirectoryVisibility,
    number
  >;
}

export type DirectoryVisibilityService = ReturnType<typeof createDirectoryVisibilityService>;
