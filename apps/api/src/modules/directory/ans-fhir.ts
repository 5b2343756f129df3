import type { DirectoryEntryData } from "./directory-entry.ts";

// The writes of the ANS MSSanté FHIR API (guide `ans.fhir.fr.mss`, page "flux d'alimentation"), as pure data: a
// mailbox is a `telecom` element (profile as-mailbox-mss) of the resource that carries it, and every change is a
// FHIR PATCH (`application/fhir+json`, a `Parameters` resource of FHIRPath operations) on that resource, targeted
// conditionally by its business identifier (`PATCH [base]/Practitioner?identifier=<system>|<value>`).
//
// Resending a document after a crash must leave the directory unchanged, so every document is idempotent:
// - a creation is `delete telecom.where(value = A)` then `insert` at index 0: the delete is a no-op when A is absent
//   (FHIRPath Patch: only `delete` may select nothing), so a second run removes the first run's insert and puts
//   the same element back at the same place — never two copies of A;
// - an update is a `replace` of the whole `telecom.where(value = A)`: replacing with the same value twice is the
//   same as once (it needs A present, which the creation before it guarantees);
// - a deletion is `delete telecom.where(value = A)`: a no-op when A is already gone.

export const ANS = {
  emailTypeExtension: "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type",
  emailTypeSystem: "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie",
  mailboxMetadata: "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
  /** the code system of the mailbox types (TRE_R257, the codes of the value set JDV_J139) */
  mailboxTypeSystem: "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL",
  /** idNatPs of Practitioner: "8" + RPPS, "0" + ADELI */
  professionalIdSystem: "urn:oid:1.2.250.1.71.4.2.1",
  /** idNatSt of Organization: "1" + FINESS, "2" + SIREN, "3" + SIRET */
  structureIdSystem: "urn:oid:1.2.250.1.71.4.2.2",
} as const;

const STRUCTURE_PREFIX = { FINESS: "1", SIREN: "2", SIRET: "3" } as const;

export type CarrierType = "Practitioner" | "Organization";

/** The resource that carries a mailbox, named by the identifier a conditional PATCH searches on. */
export interface Carrier {
  resourceType: CarrierType;
  system: string;
  value: string;
}

/** The type the directory knows the mailbox under: INT is published as ORG on its structure (see the README). */
export type AnsMailboxType = "PER" | "ORG" | "APP";

export const ansTypeOf = (type: DirectoryEntryData["type"]): AnsMailboxType =>
  type === "PER" ? "PER" : type === "INT" ? "ORG" : type;

/**
 * Where the directory keeps this mailbox. PER: the professional's `Practitioner` by idNatPs (RPPS; ADELI when no
 * RPPS) — the `PractitionerRole` of an exercise is keyed by an `idSituationExercice` the console does not know.
 * ORG, APP and INT: the structure's `Organization` by idNatSt. Null when the entry names no such identifier.
 */
export function carrierOf(data: DirectoryEntryData): Carrier | null {
  if (data.type === "PER") {
    const value = data.rpps ? `8${data.rpps}` : data.adeli ? `0${data.adeli}` : null;
    return value ? { resourceType: "Practitioner", system: ANS.professionalIdSystem, value } : null;
  }
  if (!data.structure) return null;
  return {
    resourceType: "Organization",
    system: ANS.structureIdSystem,
    value: `${STRUCTURE_PREFIX[data.structure.type]}${data.structure.value}`,
  };
}

/** `Practitioner?identifier=urn:oid:…|8…`: how a carrier is stored (published_carrier) and written in the guide. */
export const carrierKey = (carrier: Carrier) => `${carrier.resourceType}?identifier=${carrier.system}|${carrier.value}`;

export function parseCarrierKey(key: string): Carrier | null {
  const match = /^(Practitioner|Organization)\?identifier=(.+)\|([^|]+)$/.exec(key);
  if (!match) return null;
  return { resourceType: match[1] as CarrierType, system: match[2] as string, value: match[3] as string };
}

/** The conditional URL, relative to the API base, with the search value encoded for HTTP. */
export const carrierUrl = (carrier: Carrier) =>
  `${carrier.resourceType}?${new URLSearchParams({ identifier: `${carrier.system}|${carrier.value}` })}`;

/** "Anne DURAND, RPPS 10001234567": the responsible as the free text the guide asks for. */
export function responsibleText(responsible: DirectoryEntryData["responsible"]): string | null {
  if (!responsible) return null;
  const name = `${responsible.firstName} ${responsible.lastName.toUpperCase()}`.trim();
  const id = responsible.nationalId;
  const label = id ? (/^\d{11}$/.test(id) ? "RPPS" : /^\d{9}$/.test(id) ? "ADELI" : "identifiant") : null;
  const parts = [name, responsible.profession ?? null, id ? `${label} ${id}` : null].filter((part) => !!part);
  return parts.length === 0 ? null : parts.join(", ");
}

export interface MailboxContactPoint {
  system: "email";
  value: string;
  extension: Record<string, unknown>[];
}

/**
 * The mailbox as its carrier holds it (profile as-mailbox-mss): the MSSanté email type (required by the profile)
 * and the metadata extension 1.2.0 — `type` (CodeableConcept: the extension's StructureDefinition requires it; the
 * guide's prose examples show a bare code), `listeRouge` always, `description`, `responsible` and `service` when
 * known. The former `phone` and `digitization` are gone from the extension and never sent.
 */
export function mailboxContactPoint(data: DirectoryEntryData): MailboxContactPoint {
  const metadata: Record<string, unknown>[] = [
    {
      url: "type",
      valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code: ansTypeOf(data.type) }] },
    },
    { url: "listeRouge", valueBoolean: data.listeRouge },
  ];
  if (data.description) metadata.push({ url: "description", valueString: data.description });
  const responsible = responsibleText(data.responsible);
  if (responsible) metadata.push({ url: "responsible", valueString: responsible });
  if (data.service) metadata.push({ url: "service", valueString: data.service });
  return {
    system: "email",
    value: data.address,
    extension: [
      { url: ANS.emailTypeExtension, valueCoding: { system: ANS.emailTypeSystem, code: "MSSANTE" } },
      { url: ANS.mailboxMetadata, extension: metadata },
    ],
  };
}

/** FHIRPath string literal: quotes and backslashes escaped. */
const literal = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
const mailboxPath = (resourceType: CarrierType, address: string) =>
  `${resourceType}.telecom.where(value = ${literal(address)})`;

type Part = { name: string } & Record<string, unknown>;
const operation = (parts: Part[]) => ({ name: "operation", part: parts });

export const deleteMailbox = (resourceType: CarrierType, address: string) =>
  operation([
    { name: "type", valueCode: "delete" },
    { name: "path", valueString: mailboxPath(resourceType, address) },
  ]);

export const insertMailbox = (resourceType: CarrierType, value: MailboxContactPoint) =>
  operation([
    { name: "type", valueCode: "insert" },
    { name: "path", valueString: `${resourceType}.telecom` },
    { name: "index", valueInteger: 0 },
    { name: "value", valueContactPoint: value },
  ]);

export const replaceMailbox = (resourceType: CarrierType, value: MailboxContactPoint) =>
  operation([
    { name: "type", valueCode: "replace" },
    { name: "path", valueString: mailboxPath(resourceType, value.value) },
    { name: "value", valueContactPoint: value },
  ]);

export interface AnsPatchRequest {
  method: "PATCH";
  /** relative to the API base, as the guide writes it (`Practitioner?identifier=urn:oid:…|…`) */
  url: string;
  carrier: Carrier;
  body: { resourceType: "Parameters"; parameter: ReturnType<typeof operation>[] };
}

/** What a feed entry needs to become a request (DELETE entries carry the carrier they were published on). */
export type AnsFeedEntry =
  | { action: "CREATE" | "UPDATE"; address: string; data: DirectoryEntryData }
  | { action: "DELETE"; address: string; data: { address: string; carrier?: string | null } };

export type AnsPatchResult = { ok: true; request: AnsPatchRequest } | { ok: false; code: string; message: string };

/** Code of the refusals decided here, before anything is sent (stored like the directory's own codes). */
export const NO_CARRIER = "MEDIMAIL-PORTEUR";

/** One feed entry as the guide's request. */
export function ansPatchOf(entry: AnsFeedEntry): AnsPatchResult {
  if (entry.action === "DELETE") {
    const carrier = entry.data.carrier ? parseCarrierKey(entry.data.carrier) : null;
    if (!carrier)
      return {
        ok: false,
        code: NO_CARRIER,
        message: "Ressource porteuse inconnue : l'adresse a été publiée avant la publication par l'API FHIR.",
      };
    return request(carrier, [deleteMailbox(carrier.resourceType, entry.address)]);
  }
  const carrier = carrierOf(entry.data);
  if (!carrier)
    return {
      ok: false,
      code: NO_CARRIER,
      message:
        entry.data.type === "PER"
          ? "Ni RPPS ni ADELI : aucune ressource Practitioner ne peut porter cette BAL."
          : "Aucun identifiant de structure : aucune ressource Organization ne peut porter cette BAL.",
    };
  const value = mailboxContactPoint(entry.data);
  return request(
    carrier,
    entry.action === "CREATE"
      ? [deleteMailbox(carrier.resourceType, entry.address), insertMailbox(carrier.resourceType, value)]
      : [replaceMailbox(carrier.resourceType, value)],
  );
}

function request(carrier: Carrier, operations: ReturnType<typeof operation>[]): AnsPatchResult {
  return {
    ok: true,
    request: {
      method: "PATCH",
      url: carrierKey(carrier),
      carrier,
      body: { resourceType: "Parameters", parameter: operations },
    },
  };
}
