// Loads an extraction of the national referential (professionals and their practice places, or FINESS structures)
// into ref_professional, ref_practice_place and ref_structure. The file is read line by line (a 2-million-line
// extraction never sits in memory; a line beyond 65,536 characters is reported as malformed, never held whole) and
// written in batches of multi-row INSERT … ON CONFLICT (one statement per
// table per batch, the rows passed as arrays). Re-importing the same file changes nothing.
//
// A full professionals extraction lists everyone the directory knows: once it is loaded, the professionals it no
// longer lists are marked not current (is_current = false, MSS043: their RPPS/ADELI is no longer the valid national
// id — typically an ADELI replaced by an RPPS) and the practice places it no longer lists are removed. `partial`
// (an extract of the file, a sample) skips that step. So does a file with more than 1 % (and 10) malformed lines: the
// professionals on those lines would be wrongly marked.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { DbTx } from "@medimail/db/client";
import { boundedLines, lineTooLongReason, lineTooLongText } from "../../lib/bounded-lines.ts";
import { createReferentialRepository, type ReferentialRepository } from "./referential.repository.ts";
import {
  type ProfessionalRecord,
  parseFinessLine,
  parseProfessionalLine,
  professionalColumns,
  type ReferentialKind,
  type StructureRecord,
} from "./referential-files.ts";

export const IMPORT_BATCH = 2000;
const KEPT_ERRORS = 100;

export interface ImportOptions {
  /** the file is an extract: do not mark what it does not list */
  partial?: boolean;
  batchSize?: number;
  /** "latin1" for an extraction saved in ISO-8859-1; UTF-8 otherwise */
  encoding?: BufferEncoding;
}

export interface ImportReport {
  kind: ReferentialKind;
  lines: number;
  /** lines turned into records (a professional with three activities counts three) */
  records: number;
  professionals: number;
  practicePlaces: number;
  structures: number;
  batches: number;
  malformed: number;
  /** the first malformed lines: number (1 = first line of the file) and reason */
  errors: { line: number; reason: string }[];
  /** professionals marked not current, places removed (null: step skipped) */
  markedNotCurrent: number | null;
  placesRemoved: number | null;
}

export function importReferentialFile(db: DbTx, kind: ReferentialKind, path: string, options: ImportOptions = {}) {
  return importReferential(db, kind, createReadStream(path, { encoding: options.encoding ?? "utf8" }), options);
}

export async function importReferential(
  db: DbTx,
  kind: ReferentialKind,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? IMPORT_BATCH;
  if (!input.readableEncoding) input.setEncoding(options.encoding ?? "utf8");
  const referential = createReferentialRepository(db);
  const runStart = await referential.databaseNow();
  const report: ImportReport = {
    kind,
    lines: 0,
    records: 0,
    professionals: 0,
    practicePlaces: 0,
    structures: 0,
    batches: 0,
    malformed: 0,
    errors: [],
    markedNotCurrent: null,
    placesRemoved: null,
  };
  const malformed = (line: number, reason: string) => {
    report.malformed++;
    if (report.errors.length < KEPT_ERRORS) report.errors.push({ line, reason });
  };

  const lines = boundedLines(input as AsyncIterable<string>);
  if (kind === "professionals") {
    let columns: ReturnType<typeof professionalColumns> | null = null;
    let fieldCount = 0;
    let batch: ProfessionalRecord[] = [];
    for await (const { number, text: line } of lines) {
      report.lines++;
      if (!columns) {
        if (line === null) throw new Error(`en-tête du fichier des professionnels : ${lineTooLongText(number)}`);
        columns = professionalColumns(line);
        fieldCount = line.split("|").length;
        continue;
      }
      if (line === null) {
        malformed(number, lineTooLongReason());
        continue;
      }
      const parsed = parseProfessionalLine(line, columns, fieldCount);
      if (parsed.ok === "skip") continue;
      if (!parsed.ok) {
        malformed(report.lines, parsed.reason);
        continue;
      }
      batch.push(parsed.record);
      if (batch.length >= batchSize) {
        await writeProfessionals(referential, batch, runStart, report);
        batch = [];
      }
    }
    if (!columns) throw new Error("fichier des professionnels vide : la ligne d'en-tête manque");
    if (batch.length > 0) await writeProfessionals(referential, batch, runStart, report);
    if (!options.partial && report.malformed <= Math.max(10, report.lines / 100)) {
      report.markedNotCurrent = await referential.markNotCurrentBefore(runStart);
      report.placesRemoved = await referential.removePlacesBefore(runStart);
    }
  } else {
    let batch: StructureRecord[] = [];
    for await (const { number, text: line } of lines) {
      report.lines++;
      if (line === null) {
        malformed(number, lineTooLongReason());
        continue;
      }
      const parsed = parseFinessLine(line);
      if (parsed.ok === "skip") continue;
      if (!parsed.ok) {
        malformed(report.lines, parsed.reason);
        continue;
      }
      batch.push(parsed.record);
      if (batch.length >= batchSize) {
        await writeStructures(referential, batch, runStart, report);
        batch = [];
      }
    }
    if (batch.length > 0) await writeStructures(referential, batch, runStart, report);
  }
  return report;
}

/** The last record of each key (a batch may list the same professional or place twice). */
function lastOf<T>(records: T[], key: (record: T) => string): T[] {
  return [...new Map(records.map((record) => [key(record), record])).values()];
}

async function writeProfessionals(
  referential: ReferentialRepository,
  batch: ProfessionalRecord[],
  runStart: Date,
  report: ImportReport,
) {
  report.batches++;
  report.records += batch.length;
  const people = lastOf(batch, (record) => record.nationalId);
  report.professionals += await referential.upsertProfessionals(people, runStart);

  const places = lastOf(
    batch.flatMap((record) => (record.place ? [{ nationalId: record.nationalId, ...record.place }] : [])),
    (place) => `${place.nationalId}|${place.structureIdentifier}`,
  );
  if (places.length === 0) return;
  // the structures of the activities: a SIRET-only practice (a liberal practice) is known only from this file;
  // those the FINESS extraction already holds keep its data
  const sites = lastOf(places, (place) => place.structureIdentifier);
  report.structures += await referential.insertPlaceStructures(sites, runStart);
  report.practicePlaces += await referential.upsertPracticePlaces(places, runStart);
}

async function writeStructures(
  referential: ReferentialRepository,
  batch: StructureRecord[],
  runStart: Date,
  report: ImportReport,
) {
  report.batches++;
  report.records += batch.length;
  report.structures += await referential.upsertFinessStructures(
    lastOf(batch, (record) => record.identifier),
    runStart,
  );
}
