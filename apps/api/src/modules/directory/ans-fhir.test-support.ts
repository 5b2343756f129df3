// Shared by the directory's tests of the ANS FHIR documents, the stand-in and the publication: directory entries,
// the carriers the stand-in is seeded with, and readers of the PATCH documents and mailboxes they produce.
import { ANS, type AnsFeedEntry, type AnsPatchRequest, ansPatchOf, type Carrier } from "./ans-fhir.ts";
import type { DirectoryEntryData } from "./directory-entry.ts";

/** A professional's mailbox (PER, an RPPS, no structure), with these fields instead. */
export function directoryEntry(overrides: Partial<DirectoryEntryData> = {}): DirectoryEntryData {
  return {
    address: "prenom.nom@domain.mssante.fr",
    type: "PER",
    lastName: "Nom",
    firstName: "Prénom",
    rpps: "00012345678",
    adeli: null,
    profession: "10",
    structure: null,
    responsible: null,
    description: null,
    service: null,
    listeRouge: false,
    ...overrides,
  };
}

/** The professional's Practitioner, by idNatPs ("8" + RPPS). */
export const practitionerCarrier = (rpps: string): Carrier => ({
  resourceType: "Practitioner",
  system: ANS.professionalIdSystem,
  value: `8${rpps}`,
});

/** The structure's Organization, by idNatSt ("1" + FINESS). */
export const organizationCarrier = (finess: string): Carrier => ({
  resourceType: "Organization",
  system: ANS.structureIdSystem,
  value: `1${finess}`,
});

/** The PATCH request of an entry the publisher can send (the test fails otherwise). */
export function patchRequestOf(entry: AnsFeedEntry): AnsPatchRequest {
  const result = ansPatchOf(entry);
  if (!result.ok) throw new Error(result.message);
  return result.request;
}

/** One FHIRPath Patch operation of a `Parameters` document. */
export type PatchOperation = { name?: string; part: { name: string; [key: string]: unknown }[] };

/** An operation's parts as a plain object: {type, path, index, value}. */
export const operationParts = (op: PatchOperation): Record<string, unknown> =>
  Object.fromEntries(
    op.part.map((part) => {
      const { name, ...rest } = part;
      return [name, Object.values(rest)[0]];
    }),
  );

/** A mailbox's ContactPoint as the documents carry it. */
export type MailboxContact = {
  value: string;
  extension: { url: string; extension?: { url: string; [key: string]: unknown }[] }[];
};

/** The MSSanté metadata of a mailbox (type, liste rouge, description…); [] without any. */
export const mailboxMetadataOf = (contact: { extension?: unknown } | undefined) =>
  (contact?.extension as MailboxContact["extension"] | undefined)?.find(
    (extension) => extension.url === ANS.mailboxMetadata,
  )?.extension ?? [];
