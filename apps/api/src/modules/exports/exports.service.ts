import { accountStateLabels } from "@medimail/contracts/enums";
import { accountToRow, LOADUSER_COLUMNS } from "@medimail/contracts/loaduser";
import type { Db } from "@medimail/db/client";
import type { Principal } from "@medimail/domain/access";
import { INACTIVITY_MONTHS, inactivityDeletionDate, monthsBefore } from "@medimail/domain/lifecycle";
import { CSV_TYPE, type Download, XLSX_TYPE } from "../../lib/download.ts";
import type { Scope } from "../../lib/scope.ts";
import type { AccountsRepository } from "../accounts/accounts.repository.ts";
import { createRemindersRepository } from "../reminders/reminders.repository.ts";
import { LOADUSER_WIDTHS } from "../template/template-columns.ts";
import { createExportsRepository } from "./exports.repository.ts";
import {
  batches,
  type CellValue,
  EXPORT_BATCH,
  exportFilename,
  parisWallClock,
  type SheetColumn,
  streamedWorkbook,
  writeCsv,
} from "./exports-writers.ts";

export interface ExportsServiceDeps {
  db: Db;
  scope: Scope;
  accounts: AccountsRepository;
  /** rows read per query (tests use small batches to see the reading pause) */
  batchSize?: number;
}

const USER_COLUMNS: SheetColumn[] = LOADUSER_COLUMNS.map((column) => ({
  header: column.header,
  width: LOADUSER_WIDTHS[column.key] ?? 20,
}));

const PERSON_COLUMNS: SheetColumn[] = [
  { header: "Adresse mail", width: 36 },
  { header: "Nom", width: 20 },
  { header: "Prénom", width: 18 },
  { header: "Type de BAL", width: 12 },
  { header: "Structure", width: 30 },
];
const at = (date: Date | null): CellValue => (date ? parisWallClock(date) : null);

/** Exports of "Gestion des utilisateurs Medimail": each checks the scope first, then streams its file. */
export function createExportsService({ db, scope, accounts, batchSize = EXPORT_BATCH }: ExportsServiceDeps) {
  const repository = createExportsRepository(db);

  /** The structures of the export and the name for the file; 404 outside the caller's scope. */
  async function target(principal: Principal, structureId: string, daughters: boolean) {
    await scope.require(principal, "read", structureId);
    const structureIds = await accounts.structureIds(structureId, daughters);
    const names = await repository.structureNames(structureIds);
    return { structureIds, names, name: names.get(structureId) ?? "structure" };
  }

  async function* userRows(structureIds: string[], signal: AbortSignal) {
    const fetch = (after?: { sortName: string; id: string }) => repository.usersBatch(structureIds, after, batchSize);
    for await (const batch of batches(fetch, signal, batchSize)) {
      yield batch.map((account) => {
        const row = accountToRow(account);
        return LOADUSER_COLUMNS.map((column) => row[column.key]);
      });
    }
  }

  return {
    /** Validated and pre-registered accounts, the loaduser columns (an edited export re-imports). */
    async users(
      principal: Principal,
      structureId: string,
      daughters: boolean,
      format: "xlsx" | "csv",
    ): Promise<Download> {
      const { structureIds, name } = await target(principal, structureId, daughters);
      const now = new Date();
      return {
        filename: exportFilename("utilisateurs", name, now, format),
        contentType: format === "xlsx" ? XLSX_TYPE : CSV_TYPE,
        async write(output, signal) {
          if (format === "csv") {
            await writeCsv(
              output,
              LOADUSER_COLUMNS.map((column) => column.header),
              userRows(structureIds, signal),
              signal,
            );
            return;
          }
          const workbook = await streamedWorkbook(output, { styles: false });
          await workbook.sheet("Utilisateurs", USER_COLUMNS, userRows(structureIds, signal), signal);
          await workbook.end(signal);
        },
      };
    },

    /**
     * "Comptes inactifs supprimés depuis 6 mois (et prochainement supprimés)": one sheet each. Deletion is
     * planned INACTIVITY_NOTICE_DAYS after the notice (the nightly job's rule), at the job's next run.
     */
    async inactive(principal: Principal, structureId: string, daughters: boolean): Promise<Download> {
      const { structureIds, names, name } = await target(principal, structureId, daughters);
      const now = new Date();
      const since = monthsBefore(now, INACTIVITY_MONTHS);
      return {
        filename: exportFilename("comptes-inactifs", name, now, "xlsx"),
        contentType: XLSX_TYPE,
        async write(output, signal) {
          const workbook = await streamedWorkbook(output, { styles: true });
          await workbook.sheet(
            "Supprimés (6 derniers mois)",
            [
              ...PERSON_COLUMNS,
              { header: "Adresse MSSanté", width: 36 },
              { header: "Dernière activité", width: 20, date: "date-time" },
              { header: "Supprimé le", width: 20, date: "date-time" },
            ],
            (async function* () {
              const fetch = (after?: { deletedAt: Date; id: string }) =>
                repository.deletedForInactivity(structureIds, since, after, batchSize);
              for await (const batch of batches(fetch, signal, batchSize)) {
                yield batch.map((row) => [
                  row.email ?? "",
                  row.lastName ?? "",
                  row.firstName ?? "",
                  row.type,
                  names.get(row.structureId) ?? "",
                  row.mssAddress ?? "",
                  at(row.lastActivityAt),
                  at(row.deletedAt),
                ]);
              }
            })(),
            signal,
          );
          await workbook.sheet(
            "Bientôt supprimés",
            [
              ...PERSON_COLUMNS,
              { header: "Dernière activité", width: 20, date: "date-time" },
              { header: "Avis d'inactivité envoyé le", width: 24, date: "date-time" },
              { header: "Suppression prévue à partir du", width: 26, date: "date-time" },
            ],
            (async function* () {
              const fetch = (after?: { inactivityNoticeAt: Date | null; id: string }) =>
                repository.notifiedForInactivity(structureIds, after, batchSize);
              for await (const batch of batches(fetch, signal, batchSize)) {
                yield batch.map((row) => [
                  row.email,
                  row.lastName,
                  row.firstName,
                  row.type,
                  names.get(row.structureId) ?? "",
                  at(row.lastActivityAt),
                  at(row.inactivityNoticeAt),
                  at(row.inactivityNoticeAt ? inactivityDeletionDate(row.inactivityNoticeAt) : null),
                ]);
              }
            })(),
            signal,
          );
          await workbook.end(signal);
        },
      };
    },

    /**
     * "Afficher la dernière relance": the accounts of the latest reminder (a batch, or one account's), its date,
     * their state now. Without any reminder yet, the sheet has its headers only.
     */
    async lastReminder(principal: Principal, structureId: string, daughters: boolean): Promise<Download> {
      const { structureIds, names, name } = await target(principal, structureId, daughters);
      const reminder = await createRemindersRepository(db).last(structureIds);
      const now = new Date();
      return {
        filename: exportFilename("derniere-relance", name, now, "xlsx"),
        contentType: XLSX_TYPE,
        async write(output, signal) {
          const workbook = await streamedWorkbook(output, { styles: true });
          await workbook.sheet(
            "Dernière relance",
            [
              ...PERSON_COLUMNS,
              { header: "Relancé le", width: 20, date: "date-time" },
              { header: "État actuel", width: 14 },
            ],
            (async function* () {
              if (!reminder) return;
              const fetch = (after?: { sortName: string; id: string }) =>
                repository.remindedBatch(reminder, structureIds, after, batchSize);
              for await (const batch of batches(fetch, signal, batchSize)) {
                yield batch.map((row) => [
                  row.email,
                  row.lastName,
                  row.firstName,
                  row.type,
                  names.get(row.structureId) ?? "",
                  at(row.sentAt),
                  accountStateLabels[row.state],
                ]);
              }
            })(),
            signal,
          );
          await workbook.end(signal);
        },
      };
    },
  };
}
export type ExportsService = ReturnType<typeof createExportsService>;
