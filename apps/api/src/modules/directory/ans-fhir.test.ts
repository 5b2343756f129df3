import { describe, expect, it } from "vitest";
import {
  directoryEntry,
  type PatchOperation as Operation,
  patchRequestOf as ok,
  operationParts as parts,
} from "./ans-fhir.test-support.ts";
import { ANS, ansPatchOf, carrierKey, carrierOf, carrierUrl, parseCarrierKey } from "./ans-fhir.ts";
import type { DirectoryEntryData } from "./directory-entry.ts";

// The guide's own examples (ans.fhir.fr.mss, "spec-technique-flux-alimentation"), copied as they are written there.
const GUIDE = {
  insertPer: {
    url: "Practitioner/[id]",
    body: {
      resourceType: "Parameters",
      parameter: [
        {
          name: "operation",
          part: [
            { name: "type", valueCode: "insert" },
            { name: "path", valueString: "Practitioner.telecom" },
            { name: "index", valueInteger: 0 },
            {
              name: "value",
              valueContactPoint: {
                system: "email",
                value: "prenom.nom@domain.mssante.fr",
                extension: [
                  {
                    url: "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
                    extension: [
                      { url: "type", valueCode: "PER" },
                      { url: "listeRouge", valueBoolean: false },
                    ],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  },
  insertOrgUrl: "Organization?identifier=https://finess.esante.gouv.fr|123456789",
  conditionalPractitionerUrl: "Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|800012345678",
  replaceWhole: {
    type: "replace",
    path: "Practitioner.telecom.where(value = 'prenom.nom@domain.mssante.fr')",
  },
  delete: { type: "delete", path: "Practitioner.telecom.where(value = 'prenom.nom@domain.mssante.fr')" },
};

const per = directoryEntry({ structure: { type: "FINESS", value: "310000000", name: "CHU" } });
const org: DirectoryEntryData = {
  ...per,
  address: "structure@domain.mssante.fr",
  type: "ORG",
  rpps: null,
  profession: null,
  structure: { type: "FINESS", value: "123456789", name: "Clinique" },
  responsible: { lastName: "Durand", firstName: "Anne", nationalId: "10001234567" },
  description: "BAL principale de la structure",
  service: "Cardiologie",
};

describe("ANS FHIR PATCH documents", () => {
  it("a new PER mailbox: conditional PATCH on the Practitioner by RPPS, guarded delete then the guide's insert", () => {
    const request = ok({ action: "CREATE", address: per.address, data: per });
    expect(request.method).toBe("PATCH");
    // the guide's conditional form, with the professional's idNatPs ("8" + RPPS)
    expect(request.url).toBe(GUIDE.conditionalPractitionerUrl);
    expect(carrierUrl(request.carrier)).toBe("Practitioner?identifier=urn%3Aoid%3A1.2.250.1.71.4.2.1%7C800012345678");
    expect(request.body.resourceType).toBe("Parameters");
    const [guard, insert] = request.body.parameter as Operation[];
    expect(request.body.parameter).toHaveLength(2);
    expect(parts(guard as Operation)).toEqual(GUIDE.delete);
    const guideInsert = parts(GUIDE.insertPer.body.parameter[0] as Operation);
    const ours = parts(insert as Operation);
    expect({ type: ours.type, path: ours.path, index: ours.index }).toEqual({
      type: guideInsert.type,
      path: guideInsert.path,
      index: guideInsert.index,
    });
    // the ContactPoint: the guide's, with the profile's required email type and the extension's CodeableConcept type
    expect(ours.value).toEqual({
      system: "email",
      value: "prenom.nom@domain.mssante.fr",
      extension: [
        { url: ANS.emailTypeExtension, valueCoding: { system: ANS.emailTypeSystem, code: "MSSANTE" } },
        {
          url: (guideInsert.value as { extension: { url: string }[] }).extension[0]?.url,
          extension: [
            { url: "type", valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code: "PER" }] } },
            { url: "listeRouge", valueBoolean: false },
          ],
        },
      ],
    });
  });

  it("ORG and APP on the structure's Organization by idNatSt, with description, responsible and service; no phone or digitization", () => {
    const request = ok({ action: "CREATE", address: org.address, data: org });
    expect(request.url).toBe("Organization?identifier=urn:oid:1.2.250.1.71.4.2.2|1123456789");
    // same resource and FINESS as the guide's example, under the structure identifier system of the profile
    expect(request.url.split("?")[0]).toBe(GUIDE.insertOrgUrl.split("?")[0]);
    const value = parts(request.body.parameter[1] as Operation).value as { extension: { extension?: unknown[] }[] };
    expect(value.extension[1]?.extension).toEqual([
      { url: "type", valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code: "ORG" }] } },
      { url: "listeRouge", valueBoolean: false },
      { url: "description", valueString: "BAL principale de la structure" },
      { url: "responsible", valueString: "Anne DURAND, RPPS 10001234567" },
      { url: "service", valueString: "Cardiologie" },
    ]);
    expect(JSON.stringify(request.body)).not.toMatch(/phone|digitization/);

    const app = ok({
      action: "CREATE",
      address: "noreply@domain.mssante.fr",
      data: {
        ...org,
        address: "noreply@domain.mssante.fr",
        type: "APP",
        structure: { type: "SIRET", value: "12345678900011", name: "Cabinet" },
      },
    });
    expect(app.url).toBe("Organization?identifier=urn:oid:1.2.250.1.71.4.2.2|312345678900011");
    expect(JSON.stringify(app.body)).toContain('"code":"APP"');
  });

  it("INT is published as ORG on its structure's Organization, the holder answering for it", () => {
    const int: DirectoryEntryData = {
      ...per,
      address: "marie.curie@domain.mssante.fr",
      type: "INT",
      rpps: null,
      responsible: { lastName: "Curie", firstName: "Marie", nationalId: null, profession: "Secrétaire médicale" },
      description: "Marie Curie (personnel interne)",
    };
    const request = ok({ action: "CREATE", address: int.address, data: int });
    expect(request.url).toBe("Organization?identifier=urn:oid:1.2.250.1.71.4.2.2|1310000000");
    const metadata = (parts(request.body.parameter[1] as Operation).value as { extension: { extension: unknown[] }[] })
      .extension[1]?.extension;
    expect(metadata).toContainEqual({
      url: "type",
      valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code: "ORG" }] },
    });
    expect(metadata).toContainEqual({ url: "responsible", valueString: "Marie CURIE, Secrétaire médicale" });
  });

  it("an update (liste rouge on or off included) is the guide's replace of the whole telecom", () => {
    for (const listeRouge of [true, false]) {
      const request = ok({ action: "UPDATE", address: per.address, data: { ...per, listeRouge } });
      expect(request.body.parameter).toHaveLength(1);
      const op = parts(request.body.parameter[0] as Operation);
      expect({ type: op.type, path: op.path }).toEqual(GUIDE.replaceWhole);
      expect((op.value as { extension: { extension: unknown[] }[] }).extension[1]?.extension).toContainEqual({
        url: "listeRouge",
        valueBoolean: listeRouge,
      });
    }
  });

  it("a deletion is the guide's delete, on the carrier the mailbox was published on", () => {
    const carrier = carrierOf(per);
    if (!carrier) throw new Error("no carrier");
    const request = ok({
      action: "DELETE",
      address: per.address,
      data: { address: per.address, carrier: carrierKey(carrier) },
    });
    expect(request.url).toBe(GUIDE.conditionalPractitionerUrl);
    expect(request.body.parameter.map((op) => parts(op as Operation))).toEqual([GUIDE.delete]);
  });

  it("a type or address change is a deletion on the old carrier then a creation on the new one", () => {
    const old = carrierKey(carrierOf(per) as NonNullable<ReturnType<typeof carrierOf>>);
    const asOrg: DirectoryEntryData = { ...org, address: per.address };
    const remove = ok({ action: "DELETE", address: per.address, data: { address: per.address, carrier: old } });
    const create = ok({ action: "CREATE", address: per.address, data: asOrg });
    expect(remove.carrier.resourceType).toBe("Practitioner");
    expect(create.carrier.resourceType).toBe("Organization");
    const renamed = ok({
      action: "CREATE",
      address: "nouveau.nom@domain.mssante.fr",
      data: { ...per, address: "nouveau.nom@domain.mssante.fr" },
    });
    expect(renamed.url).toBe(remove.url);
    expect(parts(renamed.body.parameter[0] as Operation).path).toBe(
      "Practitioner.telecom.where(value = 'nouveau.nom@domain.mssante.fr')",
    );
  });

  it("refuses, without sending, an entry no resource can carry", () => {
    expect(ansPatchOf({ action: "CREATE", address: per.address, data: { ...per, rpps: null } })).toMatchObject({
      ok: false,
      code: "MEDIMAIL-PORTEUR",
    });
    expect(ansPatchOf({ action: "DELETE", address: per.address, data: { address: per.address } })).toMatchObject({
      ok: false,
    });
  });

  it("quotes addresses safely in FHIRPath and round-trips carrier keys", () => {
    const request = ok({
      action: "DELETE",
      address: "o'brien@x.fr",
      data: { address: "o'brien@x.fr", carrier: GUIDE.conditionalPractitionerUrl },
    });
    expect(parts(request.body.parameter[0] as Operation).path).toBe(
      "Practitioner.telecom.where(value = 'o\\'brien@x.fr')",
    );
    expect(parseCarrierKey(GUIDE.conditionalPractitionerUrl)).toEqual({
      resourceType: "Practitioner",
      system: "urn:oid:1.2.250.1.71.4.2.1",
      value: "800012345678",
    });
    expect(parseCarrierKey("Patient?identifier=x|y")).toBeNull();
  });
});
