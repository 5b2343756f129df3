// What each row of an import would do — create, update, leave unchanged, or be rejected with its reasons — decided
// batch by batch with the same zod schemas and rules as the account form. The dry run only counts the plans; the
// apply job makes them and writes them in the same transaction.
import { type AccountProfile, CreateAccountRequest, Email, UpdateAccountRequest } from "@medimail/contracts/accounts";
import type { AccountType } from "@medimail/contracts/enums";
import {
  accountToRow,
  columnOfIssue,
  type LoaduserKey,
  type LoaduserRow,
  rowToAccountInput,
  unneutraliseCell,
} from "@medimail/contracts/loaduser";
import type { DbTx } from "@medimail/db/client";
import { canBeConnectionAccount, canOwnReturnAddress, TYPE_RULES } from "@medimail/domain/account-types";
import { AppError } from "../../lib/errors.ts";
import { profileColumns } from "../accounts/account-profile.ts";
import { createAccountsRepository } from "../accounts/accounts.repository.ts";
import { quotaBucket, requireQuota } from "../mssante/mss-quota.ts";
import { headerOf } from "../template/template-columns.ts";
import { createImportsRepository, type ExistingAccount } from "./imports.repository.ts";
import { CELL_LIMITS, type FileRow } from "./imports-rows.ts";

export type { ExistingAccount };

/** The structure an import is made in: new accounts land there; accounts of it and its daughters may be updated. */
export interface ImportTarget {
  structureId: string;
  structureName: string;
  scope: ReadonlySet<string>;
  /** the structure's notification options, given to new accounts */
  defaults: { notifyOnReception: boolean; notifyDailyDigest: boolean; notifyOnOpening: boolean };
  /** the structure's address, given to new accounts whose row has none */
  address: { addressLine: string | null; postcode: string | null; city: string | null };
}

export async function loadTarget(db: DbTx, structureId: string): Promise<ImportTarget> {
  const structure = await createImportsRepository(db).importStructure(structureId);
  const scope = new Set(await createAccountsRepository(db).structureIds(structureId, true));
  return {
    structureId,
    structureName: structure.name,
    scope,
    defaults: {
      notifyOnReception: structure.notifyOnReception,
      notifyDailyDigest: structure.notifyDailyDigest,
      notifyOnOpening: structure.notifyOnOpening,
    },
    address: { addressLine: structure.addressLine, postcode: structure.postcode, city: structure.city },
  };
}

const PRIVILEGED_ROW =
  "Ce compte administre une structure hors de celle de l'import, ou a un rôle sur la plateforme : l'import ne peut pas le modifier (un opérateur le peut depuis sa fiche)";

export type Columns = ReturnType<typeof profileColumns>;

/** The columns a row sets that "unchanged" compares (the search keys derive from them). */
const COMPARED = [
  "type",
  "lastName",
  "firstName",
  "profession",
  "regionCode",
  "phone",
  "addressLine",
  "postcode",
  "city",
  "unlisted",
  "notifyOnReception",
  "notifyDailyDigest",
  "notifyOnOpening",
  "dematerialisation",
  "rpps",
  "adeli",
  "finessSite",
  "responsibleLastName",
  "responsibleFirstName",
  "responsibleProfession",
  "responsibleNationalId",
  "description",
  "returnAddress",
] as const satisfies readonly (keyof Columns & keyof ExistingAccount)[];

export interface RowError {
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

export type RowPlan =
  | { kind: "create"; line: number; email: string; profile: AccountProfile; columns: Columns }
  | {
      kind: "update";
      line: number;
      email: string;
      account: ExistingAccount;
      profile: AccountProfile;
      columns: Columns;
      typeChanged: boolean;
      /** ORG/APP: the row sets the mailbox's connection accounts */
      setsConnections: boolean;
    }
  | { kind: "unchanged"; line: number; email: string }
  | { kind: "rejected"; line: number; errors: RowError[] };

/** What the rows seen so far leave behind for the next ones. */
export interface PlanMemory {
  /** each address with the line of its first row: later rows with it are rejected */
  firstLine: Map<string, number>;
  /** accounts the file creates or retypes, for references from later rows (connection accounts) */
  planned: Map<string, { type: AccountType; rejected: boolean }>;
}

export const newMemory = (): PlanMemory => ({ firstLine: new Map(), planned: new Map() });

const ADDRESS_KEYS = ["addressLine", "postcode", "city"] as const satisfies readonly LoaduserKey[];
const EXCERPT = 100;

export const excerpt = (text: string | undefined): string | null => {
  if (!text) return null;
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
};

/**
 * The row's address, or null when its address cell is not a valid one. A copy: the cell is a slice of the text the
 * reader parsed, and V8 keeps the whole of a string alive while a slice of it is; the addresses stay (for duplicates)
 * until the end of the file, the text they were read from need not.
 */
export function emailOf(row: FileRow): string | null {
  const parsed = Email.safeParse(unneutraliseCell(row.values.email ?? ""));
  return parsed.success ? ` ${parsed.data}`.slice(1) : null;
}

/** The line of an earlier row with this address, or null (and the address is now this row's). */
export function claimEmail(memory: PlanMemory, email: string | null, line: number): number | null {
  if (!email) return null;
  const first = memory.firstLine.get(email);
  if (first !== undefined) return first;
  memory.firstLine.set(email, line);
  return null;
}

const numberFr = new Intl.NumberFormat("fr-FR");

/**
 * The plan of each (non-blank) row of a batch, in order. Reads the database (through `tx`, the apply's transaction)
 * a handful of times per batch, never per row, except for the rare type change of an account with an MSSanté
 * address (its quota).
 */
export async function planRows(
  tx: DbTx,
  rows: readonly FileRow[],
  target: ImportTarget,
  memory: PlanMemory,
  checkedAhead?: ReadonlyMap<FileRow, CreationCheck>,
): Promise<RowPlan[]> {
  const repository = createImportsRepository(tx);
  const plans: (RowPlan | null)[] = rows.map(() => null);
  const candidates: { index: number; row: FileRow; email: string | null }[] = [];

  rows.forEach((row, index) => {
    const at = (key: LoaduserKey | null, reason: string, value?: string | null): RowError => ({
      line: row.line,
      column: key ? headerOf(key) : null,
      value: value !== undefined ? value : key ? excerpt(row.values[key]) : null,
      reason,
    });
    const email = emailOf(row);
    const first = claimEmail(memory, email, row.line);
    if (first !== null) {
      plans[index] = {
        kind: "rejected",
        line: row.line,
        errors: [
          at(
            "email",
            `Adresse déjà présente ligne ${first} du fichier : seule la première de ces lignes est prise en compte`,
          ),
        ],
      };
      return;
    }
    const errors: RowError[] = [];
    if (row.quoteError) {
      errors.push(
        at(
          null,
          "Guillemets mal fermés sur cette ligne du CSV : la suite du fichier a pu être lue comme une seule cellule",
        ),
      );
    }
    for (const [key, text] of Object.entries(row.values) as [LoaduserKey, string][]) {
      if (text.length > CELL_LIMITS[key]) {
        errors.push(
          at(
            key,
            `Valeur trop longue : ${numberFr.format(text.length)} caractères, ${numberFr.format(CELL_LIMITS[key])} au plus`,
          ),
        );
      }
    }
    if (errors.length > 0) plans[index] = { kind: "rejected", line: row.line, errors };
    else candidates.push({ index, row, email });
  });

  // what the database knows of these addresses
  const emails = candidates.flatMap((candidate) => (candidate.email ? [candidate.email] : []));
  const existing = await repository.accountsByEmail(emails);
  const pendingEmails = await repository.requestedEmails(emails);
  const byEmail = new Map(existing.map((account) => [account.email, account]));
  const sharedIds = existing.filter((account) => TYPE_RULES[account.type].sharedMailbox).map((account) => account.id);
  const connectionsOf = await repository.connectionEmails(sharedIds);
  const mssOf = await repository.mssAddressesOf(existing.map((account) => account.id));
  const privileged = await repository.privilegedBeyond(
    existing.map((account) => account.id),
    target.scope,
  );

  // each candidate through the form's schema
  const valid: {
    index: number;
    row: FileRow;
    email: string;
    account: ExistingAccount | undefined;
    profile: AccountProfile;
  }[] = [];
  for (const { index, row, email } of candidates) {
    const account = email ? byEmail.get(email) : undefined;
    const reject = (errors: RowError[]) => {
      plans[index] = { kind: "rejected", line: row.line, errors };
    };
    const emailError = (reason: string) =>
      reject([{ line: row.line, column: headerOf("email"), value: excerpt(row.values.email), reason }]);
    if (account && !target.scope.has(account.structureId)) {
      emailError("Adresse utilisée par un compte d'une autre structure : elle ne peut pas être importée ici");
      continue;
    }
    if (!account && email && pendingEmails.has(email)) {
      emailError("Cette adresse est demandée par un changement d'adresse en attente");
      continue;
    }
    let merged: LoaduserRow;
    let input: AccountInput;
    let parsed: ReturnType<typeof CreateAccountRequest.safeParse> | ReturnType<typeof UpdateAccountRequest.safeParse>;
    if (account) {
      merged = mergedRow(row, account, connectionsOf.get(account.id) ?? []);
      input = rowToAccountInput(merged, {
        notifyOnReception: account.notifyOnReception,
        notifyDailyDigest: account.notifyDailyDigest,
        notifyOnOpening: account.notifyOnOpening,
      });
      const { email: _email, ...profileInput } = input;
      parsed = UpdateAccountRequest.safeParse({ ...profileInput, version: account.version });
    } else {
      ({ merged, input, parsed } = checkedAhead?.get(row) ?? checkAsCreation(row, target));
    }
    if (!parsed.success) {
      const errors: RowError[] = [];
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const column = columnOfIssue(issue.path);
        const item = issue.path[0] === "connectionAccounts" ? issue.path[1] : undefined;
        const value =
          typeof item === "number"
            ? ((input as { connectionAccounts?: string[] }).connectionAccounts?.[item] ?? null)
            : column
              ? excerpt(merged[column.key])
              : null;
        const key = `${column?.key ?? ""}|${issue.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        errors.push({
          line: row.line,
          column: column?.header ?? null,
          value: excerpt(value ?? undefined),
          reason: issue.message,
        });
      }
      reject(errors);
      continue;
    }
    // the profile alone (without the email a creation carries or the version an update names)
    const {
      email: _parsedEmail,
      version: _version,
      ...profile
    } = parsed.data as AccountProfile & {
      email?: string;
      version?: number;
    };
    valid.push({ index, row, email: email as string, account, profile: profile as AccountProfile });
  }

  // references to other accounts (connection accounts, an APP's return address), as the form's server checks
  const referenced = new Set<string>();
  const returnAddresses = new Set<string>();
  for (const { profile } of valid) {
    if (profile.type === "ORG" || profile.type === "APP")
      for (const email of profile.connectionAccounts) referenced.add(email);
    if (profile.type === "APP") returnAddresses.add(profile.returnAddress);
  }
  const knownAccounts = await repository.accountKinds([...referenced]);
  const ownerOf = await repository.mssAddressOwners([...returnAddresses]);

  for (const { index, row, email, account, profile } of valid) {
    const errors: RowError[] = [];
    const at = (key: LoaduserKey, reason: string, value?: string) =>
      errors.push({ line: row.line, column: headerOf(key), value: excerpt(value ?? row.values[key]), reason });
    if (profile.type === "ORG" || profile.type === "APP") {
      for (const connection of profile.connectionAccounts) {
        // outside the import's structure (and not already linked to this mailbox) an account is as good as unknown
        const existingAccount = knownAccounts.get(connection);
        const reachable =
          existingAccount &&
          (target.scope.has(existingAccount.structureId) ||
            (account && (connectionsOf.get(account.id) ?? []).includes(connection)));
        const known = memory.planned.get(connection) ?? (reachable ? existingAccount : undefined);
        if (!known || connection === email) {
          at(
            "connectionAccounts",
            `Aucun compte MED, PER ou INT de votre périmètre n'a l'adresse ${connection}`,
            connection,
          );
        } else if (!canBeConnectionAccount(known.type)) {
          at(
            "connectionAccounts",
            `${connection} est un compte ${known.type} : seuls MED, PER et INT se connectent`,
            connection,
          );
        } else if (known.rejected) {
          at("connectionAccounts", `Le compte ${connection} est rejeté`, connection);
        }
      }
    }
    if (profile.type === "APP") {
      const owner = ownerOf.get(profile.returnAddress);
      if (!owner || !canOwnReturnAddress(owner)) {
        at(
          "returnAddress",
          owner
            ? `Cette adresse MSSanté est celle d'un compte ${owner} : il faut celle d'un compte PER, ORG ou INT`
            : "Aucune boîte PER, ORG ou INT n'a cette adresse MSSanté",
        );
      }
    }
    const typeChanged = account !== undefined && profile.type !== account.type;
    if (account && typeChanged) {
      const mss = mssOf.get(account.id);
      if (mss && !TYPE_RULES[profile.type].mssAddress) {
        at("type", `Un compte ${profile.type} n'a pas de correspondance MSSanté : supprimez d'abord l'adresse ${mss}.`);
      } else if (mss && quotaBucket(profile.type) !== quotaBucket(account.type)) {
        // the account keeps its address, which then counts against another quota (as the account form checks)
        try {
          await requireQuota(tx, account.structureId, profile.type, "Changement de type impossible");
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          at("type", error.message);
        }
      }
    }
    if (errors.length > 0) {
      plans[index] = { kind: "rejected", line: row.line, errors };
      continue;
    }
    const columns = profileColumns(profile, email);
    memory.planned.set(email, { type: profile.type, rejected: account?.state === "REJECTED" });
    if (!account) {
      plans[index] = { kind: "create", line: row.line, email, profile, columns };
      continue;
    }
    const shared = profile.type === "ORG" || profile.type === "APP";
    const connectionChanged = shared && !sameSet(profile.connectionAccounts, connectionsOf.get(account.id) ?? []);
    const changed = connectionChanged || COMPARED.some((key) => columns[key] !== account[key]);
    if (changed && privileged.has(account.id)) {
      // the account form's rule on accounts that hold rights, for an import made in this structure
      plans[index] = {
        kind: "rejected",
        line: row.line,
        errors: [
          {
            line: row.line,
            column: headerOf("email"),
            value: excerpt(row.values.email),
            reason: PRIVILEGED_ROW,
          },
        ],
      };
      continue;
    }
    plans[index] = changed
      ? { kind: "update", line: row.line, email, account, profile, columns, typeChanged, setsConnections: shared }
      : { kind: "unchanged", line: row.line, email };
  }
  return plans as RowPlan[];
}

type AccountInput = ReturnType<typeof rowToAccountInput>;

/** A row through the form's schema as a new account: what `planRows` does with a row whose address is new. */
export interface CreationCheck {
  merged: LoaduserRow;
  input: AccountInput;
  parsed: ReturnType<typeof CreateAccountRequest.safeParse>;
}

/**
 * Checks a row as a new account would be. It needs nothing from the database, so the apply makes it for the next
 * batch while the current one is written (`planRows` uses it when the address turns out to be new).
 */
export function checkAsCreation(row: FileRow, target: ImportTarget): CreationCheck {
  const merged = mergedRow(row, undefined, []);
  const input = rowToAccountInput(merged, target.defaults);
  return { merged, input, parsed: CreateAccountRequest.safeParse(input) };
}

/**
 * The row as the form would send it. For an existing account, columns the file does not have keep the account's
 * values, and so does its address when the row's address cells are all empty (a new account gets the structure's
 * address then, so re-importing the same file changes nothing).
 */
function mergedRow(row: FileRow, account: ExistingAccount | undefined, connections: string[]): LoaduserRow {
  if (!account) {
    return Object.fromEntries(
      Object.keys(CELL_LIMITS).map((key) => [key, row.values[key as LoaduserKey] ?? ""]),
    ) as LoaduserRow;
  }
  const current = accountToRow({ ...account, connectionAccounts: connections });
  const merged = { ...current, ...row.values } as LoaduserRow;
  if (ADDRESS_KEYS.every((key) => !(row.values[key] ?? "").trim())) {
    for (const key of ADDRESS_KEYS) merged[key] = current[key];
  }
  return merged;
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
};
