import { randomUUID } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { DirectoryEntryData } from "./directory-entry.ts";
import type { DirectoryPublisher, FeedBatch, FeedEntry } from "./directory-publisher.ts";

// The FHIR shape of the ANS "Annuaire Santé" implementation guide (profile AsMailboxMSSProfile on ContactPoint,
// extension AsMailboxMSSMetadataExtension). The URLs and code systems below are those of the guide's 1.x versions as
// we know them: they must be checked against the ANS guide in force before feeding the real directory.
export const FHIR = {
  emailType: "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type",
  emailTypeSystem: "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie",
  mailboxMetadata: "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
  mailboxTypeSystem: "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL",
  /** IDNPS: "8" + RPPS, "0" + ADELI */
  professionalId: "urn:oid:1.2.250.1.71.4.2.1",
  /** IDNST: "1" + FINESS, "3" + SIRET, "2" + SIREN */
  structureId: "urn:oid:1.2.250.1.71.4.2.2",
} as const;

const ID_PREFIX = { FINESS: "1", SIREN: "2", SIRET: "3" } as const;

/** Directory type of the mailbox: INT (internal staff without a national id) is published as PER. */
const mailboxType = (type: DirectoryEntryData["type"]) => (type === "INT" ? "PER" : type);
const resourceTypeOf = (type: string) => (type === "PER" || type === "INT" ? "PractitionerRole" : "HealthcareService");

function telecom(data: DirectoryEntryData) {
  const metadata: { url: string; [value: string]: unknown }[] = [
    {
      url: "type",
      valueCodeableConcept: { coding: [{ system: FHIR.mailboxTypeSystem, code: mailboxType(data.type) }] },
    },
  ];
  if (data.description) metadata.push({ url: "description", valueString: data.description });
  if (data.responsible) {
    const { firstName, lastName } = data.responsible;
    metadata.push({ url: "responsible", valueString: `${firstName} ${lastName}`.trim() });
  }
  if (data.phone) metadata.push({ url: "phone", valueContactPoint: { system: "phone", value: data.phone } });
  metadata.push({ url: "digitization", valueBoolean: data.dematerialisation });
  return [
    {
      extension: [
        { url: FHIR.emailType, valueCoding: { system: FHIR.emailTypeSystem, code: "MSSANTE" } },
        { url: FHIR.mailboxMetadata, extension: metadata },
      ],
      system: "email",
      value: data.address,
    },
  ];
}

function structureReference(data: DirectoryEntryData) {
  if (!data.structure) return undefined;
  return {
    identifier: { system: FHIR.structureId, value: `${ID_PREFIX[data.structure.type]}${data.structure.value}` },
    display: data.structure.name,
  };
}

/** A CREATE/UPDATE entry as the FHIR resource the directory keeps for the mailbox. */
export function fhirResource(data: DirectoryEntryData): Record<string, unknown> {
  const organization = structureReference(data);
  if (resourceTypeOf(data.type) === "PractitionerRole") {
    const nationalId = data.rpps ? `8${data.rpps}` : data.adeli ? `0${data.adeli}` : null;
    return {
      resourceType: "PractitionerRole",
      practitioner: {
        ...(nationalId ? { identifier: { system: FHIR.professionalId, value: nationalId } } : {}),
        display: `${data.firstName} ${data.lastName}`.trim(),
      },
      ...(organization ? { organization } : {}),
      ...(data.profession
        ? {
            code: [
              {
                coding: [
                  {
                    system: "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante",
                    code: data.profession,
                  },
                ],
              },
            ],
          }
        : {}),
      telecom: telecom(data),
    };
  }
  return {
    resourceType: "HealthcareService",
    ...(organization ? { providedBy: organization } : {}),
    name: data.description ?? data.address,
    telecom: telecom(data),
  };
}

/** One Bundle entry: a conditional create/update/delete keyed by the mailbox address. */
export function fhirBundleEntry(entry: FeedEntry) {
  const resourceType = resourceTypeOf(entry.data.type);
  const byMailbox = `${resourceType}?mailbox-mss=${encodeURIComponent(entry.address)}`;
  if (entry.action === "DELETE")
    return { fullUrl: `urn:uuid:${entry.id}`, request: { method: "DELETE", url: byMailbox } };
  return {
    fullUrl: `urn:uuid:${entry.id}`,
    resource: fhirResource(entry.data),
    request:
      entry.action === "CREATE"
        ? { method: "POST", url: resourceType, ifNoneExist: `mailbox-mss=${encodeURIComponent(entry.address)}` }
        : { method: "PUT", url: byMailbox },
  };
}

export function fhirBundle(batch: FeedBatch) {
  return {
    resourceType: "Bundle",
    id: `medimail-${batch.key}`,
    type: "transaction",
    entry: batch.entries.map(fhirBundleEntry),
  };
}

/** The file of a batch: one per (day, batch number), so that a batch handed over twice is written once. */
export const feedFileName = (batch: Pick<FeedBatch, "runDate" | "batch">) =>
  `annuaire-mssante-${batch.runDate}-${String(batch.batch).padStart(6, "0")}.json`;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );

/**
 * The shipped publisher: each batch as a FHIR transaction Bundle in `dir`, for the directory's feed to pick up.
 * Written to a temporary name, flushed to disk, then renamed: a file under its final name is always complete, and
 * an existing one means the batch was already taken (a resend after a crash writes nothing).
 */
export function createFhirFilePublisher(dir: string): DirectoryPublisher & { fileOf(batch: FeedBatch): string } {
  const fileOf = (batch: Pick<FeedBatch, "runDate" | "batch">) => path.join(dir, feedFileName(batch));
  return {
    target: dir,
    fileOf,
    async publish(batch) {
      const file = fileOf(batch);
      if (await exists(file)) return;
      await mkdir(dir, { recursive: true });
      const temporary = path.join(dir, `.${feedFileName(batch)}.${randomUUID()}.tmp`);
      try {
        const handle = await open(temporary, "wx");
        try {
          await handle.writeFile(`${JSON.stringify(fhirBundle(batch), null, 1)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const folder = await open(dir, "r");
      try {
        await folder.sync();
      } catch {
        // some platforms cannot sync a directory; the rename is still atomic
      } finally {
        await folder.close();
      }
    },
  };
}
