import { createHash } from "node:crypto";
import type { AccountType } from "@medimail/db/client";
import type { FeedSubject, TransmittedStructure } from "@medimail/domain/feed-rules";

/**
 * What the national directory shows of one MSSanté address: the data of a CREATE or UPDATE entry, stored with
 * the entry (`directory_feed_entry.payload`) so that a resend after a crash sends exactly what was decided.
 * Publishers map it to their format (FHIR for the shipped one). The login email is not part of it: the directory
 * lists the MSSanté address, not the console login.
 */
export interface DirectoryEntryData {
  address: string;
  type: Exclude<AccountType, "MED">;
  /** the holder (PER/INT) */
  lastName: string;
  firstName: string;
  rpps: string | null;
  adeli: string | null;
  profession: string | null;
  /** the structure identifier transmitted: the account's FINESS géographique, else its structure's identifier */
  structure: (TransmittedStructure & { name: string }) | null;
  /** ORG/APP/INT: who answers for the mailbox (INT: the holder) */
  responsible: { lastName: string; firstName: string; nationalId: string | null; profession?: string | null } | null;
  description: string | null;
  /** service de rattachement (ORG/APP) */
  service: string | null;
  /** liste rouge: published, hidden from the directory's readers */
  listeRouge: boolean;
}

/** One address with its account and structure, as the publication reads it (one SQL row). */
export interface AddressRow {
  id: string;
  accountId: string;
  address: string;
  listed: boolean;
  publicationStatus: "PENDING" | "PUBLISHED" | "HELD" | "WITHDRAWN" | "REJECTED";
  publishedAddress: string | null;
  publishedType: AccountType | null;
  publishedDigest: string | null;
  publishedCarrier: string | null;
  type: AccountType;
  lastName: string;
  firstName: string;
  rpps: string | null;
  adeli: string | null;
  profession: string | null;
  finessSite: string | null;
  responsibleLastName: string | null;
  responsibleFirstName: string | null;
  responsibleNationalId: string | null;
  description: string | null;
  structureName: string;
  structureIdentifierType: "FINESS" | "SIREN" | "SIRET" | null;
  structureIdentifier: string | null;
}

const trimmed = (value: string | null) => {
  const text = (value ?? "").trim();
  return text === "" ? null : text;
};

export function transmittedStructure(row: AddressRow): TransmittedStructure | null {
  if (trimmed(row.finessSite)) return { type: "FINESS", value: (row.finessSite as string).trim() };
  if (row.structureIdentifierType && trimmed(row.structureIdentifier)) {
    return { type: row.structureIdentifierType, value: (row.structureIdentifier as string).trim() };
  }
  return null;
}

/** The subject of the feed-report rules. */
export function feedSubjectOf(row: AddressRow): FeedSubject {
  return {
    type: row.type,
    lastName: row.lastName,
    firstName: row.firstName,
    rpps: row.rpps,
    adeli: row.adeli,
    responsibleLastName: row.responsibleLastName,
    responsibleFirstName: row.responsibleFirstName,
    description: row.description,
    structure: transmittedStructure(row),
  };
}

/** The directory's view of a publishable address (not MED). */
export function entryDataOf(row: AddressRow): DirectoryEntryData {
  const shared = row.type === "ORG" || row.type === "APP";
  const structure = transmittedStructure(row);
  const holder = `${row.firstName.trim()} ${row.lastName.trim()}`.trim();
  return {
    address: row.address,
    type: row.type as DirectoryEntryData["type"],
    lastName: row.lastName.trim(),
    firstName: row.firstName.trim(),
    rpps: shared ? null : trimmed(row.rpps),
    adeli: shared ? null : trimmed(row.adeli),
    profession: shared ? null : trimmed(row.profession),
    structure: structure ? { ...structure, name: row.structureName } : null,
    responsible: shared
      ? {
          lastName: (row.responsibleLastName ?? "").trim(),
          firstName: (row.responsibleFirstName ?? "").trim(),
          nationalId: trimmed(row.responsibleNationalId),
        }
      : row.type === "INT"
        ? // published as ORG on its structure (no national id): the holder answers for it
          {
            lastName: row.lastName.trim(),
            firstName: row.firstName.trim(),
            nationalId: null,
            profession: trimmed(row.profession),
          }
        : null,
    description: shared ? trimmed(row.description) : row.type === "INT" ? `${holder} (personnel interne)` : null,
    service: null,
    listeRouge: !row.listed,
  };
}

/** SHA-256 of what the directory is sent (keys in a fixed order): equal digests, nothing for it to update. */
export function digestOf(data: unknown): string {
  return createHash("sha256").update(JSON.stringify(data)).digest("hex");
}
