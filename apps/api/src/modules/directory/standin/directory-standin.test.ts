import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryEntry, organizationCarrier, patchRequestOf, practitionerCarrier } from "../ans-fhir.test-support.ts";
import { ANS, type AnsFeedEntry, ansPatchOf, carrierKey, carrierUrl } from "../ans-fhir.ts";
import type { DirectoryEntryData } from "../directory-entry.ts";
import { validateDirectoryResource } from "./ans-validator.ts";
import { carrierResource, type DirectoryStandin, startDirectoryStandin } from "./directory-standin.ts";

const KEY = "cle-de-test";
const rpps = "00012345678";
const practitioner = practitionerCarrier(rpps);
const structure = organizationCarrier("310000000");
const per = directoryEntry({ address: "jean.dupont@chu.mssante.fr", lastName: "Dupont", firstName: "Jean", rpps });
const org: DirectoryEntryData = {
  ...per,
  address: "accueil@chu.mssante.fr",
  type: "ORG",
  rpps: null,
  structure: { type: "FINESS", value: "310000000", name: "CHU" },
  responsible: { lastName: "Durand", firstName: "Anne", nationalId: null },
  description: "Accueil",
};

let standin: DirectoryStandin;
let failNext = 0;
beforeAll(async () => {
  standin = await startDirectoryStandin({
    apiKey: KEY,
    fault: () => (failNext-- > 0 ? { status: 503, retryAfterSeconds: 1 } : undefined),
  });
  standin.seed([
    carrierResource(practitioner, { family: "DUPONT", given: "Jean" }),
    carrierResource(structure, { organization: "CHU" }),
    // two resources with the same identifier: a conditional PATCH on it is ambiguous
    { ...carrierResource({ ...practitioner, value: "899999999999" }), id: "double-1" },
    { ...carrierResource({ ...practitioner, value: "899999999999" }), id: "double-2" },
  ]);
});
afterAll(async () => {
  await standin.close();
});

async function patch(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${standin.url}/${url}`, {
    method: "PATCH",
    headers: { "content-type": "application/fhir+json", "esante-api-key": KEY, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const send = (entry: AnsFeedEntry) => {
  const request = patchRequestOf(entry);
  return patch(carrierUrl(request.carrier), request.body);
};
const held = (address: string) => standin.mailboxes().filter((mailbox) => mailbox.address === address);

describe("the directory stand-in", () => {
  it("applies the publisher's PATCH documents; resent, they change nothing; the result validates", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await send({ action: "CREATE", address: per.address, data: per })).status).toBe(200);
      expect((await send({ action: "CREATE", address: org.address, data: org })).status).toBe(200);
    }
    expect(held(per.address)).toHaveLength(1);
    expect(held(org.address)).toMatchObject([{ resourceType: "Organization", id: "org-1310000000" }]);
    const [stored] = standin.byIdentifier("Practitioner", practitioner.system, practitioner.value);
    expect(stored?.meta).toMatchObject({ versionId: "2" }); // one PATCH per round
    for (const resource of standin.resources()) expect(validateDirectoryResource(resource)).toEqual([]);

    // liste rouge: the guide's targeted replace, conditional on the RPPS
    const guideReplace = {
      resourceType: "Parameters",
      parameter: [
        {
          name: "operation",
          part: [
            { name: "type", valueCode: "replace" },
            {
              name: "path",
              valueString: `Practitioner.telecom.where(value = '${per.address}').extension('${ANS.mailboxMetadata}').extension('listeRouge').value`,
            },
            { name: "value", valueBoolean: true },
          ],
        },
      ],
    };
    expect((await patch(carrierUrl(practitioner), guideReplace)).status).toBe(200);
    expect(JSON.stringify(held(per.address)[0]?.telecom)).toContain('"url":"listeRouge","valueBoolean":true');
    expect((await send({ action: "UPDATE", address: per.address, data: per })).status).toBe(200);
    expect(JSON.stringify(held(per.address)[0]?.telecom)).toContain('"url":"listeRouge","valueBoolean":false');

    // search by mailbox and by identifier
    const search = await fetch(`${standin.url}/Practitioner?mailbox-mss=${encodeURIComponent(per.address)}`, {
      headers: { "esante-api-key": KEY },
    }).then((response) => response.json());
    expect(search).toMatchObject({ resourceType: "Bundle", type: "searchset", total: 1 });

    // deletion, twice: the second is a no-op
    for (let i = 0; i < 2; i++) {
      const result = await send({
        action: "DELETE",
        address: per.address,
        data: { address: per.address, carrier: carrierKey(practitioner) },
      });
      expect(result.status).toBe(200);
    }
    expect(held(per.address)).toHaveLength(0);
  });

  it("answers 404, 412, 400, 401, 415 and 422 with an OperationOutcome, changing nothing", async () => {
    const before = JSON.stringify(standin.resources());
    const unknown = await send({
      action: "CREATE",
      address: "x@chu.mssante.fr",
      data: { ...per, address: "x@chu.mssante.fr", rpps: "10000000000" },
    });
    expect(unknown).toMatchObject({
      status: 404,
      body: { resourceType: "OperationOutcome", issue: [{ code: "not-found" }] },
    });
    const ambiguous = await send({
      action: "CREATE",
      address: "y@chu.mssante.fr",
      data: { ...per, address: "y@chu.mssante.fr", rpps: "99999999999" },
    });
    expect(ambiguous).toMatchObject({ status: 412, body: { issue: [{ code: "multiple-matches" }] } });
    expect((await patch(carrierUrl(practitioner), { resourceType: "Patient" })).status).toBe(400);
    expect(
      (
        await patch(
          carrierUrl(practitioner),
          { resourceType: "Parameters", parameter: [] },
          { "esante-api-key": "faux" },
        )
      ).status,
    ).toBe(401);
    expect((await patch(carrierUrl(practitioner), {}, { "content-type": "application/json" })).status).toBe(415);

    // the guide's own insert example, as written (type as a bare code, no MSSanté email type): not conformant
    const guideInsert = {
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
                    url: ANS.mailboxMetadata,
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
    };
    const refused = await patch(carrierUrl(practitioner), guideInsert);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("MSSANTE");

    // a replace of an existing mailbox that changes its type
    await send({ action: "CREATE", address: "z@chu.mssante.fr", data: { ...org, address: "z@chu.mssante.fr" } });
    const after = JSON.stringify(standin.resources());
    const retyped = ansPatchOf({
      action: "UPDATE",
      address: "z@chu.mssante.fr",
      data: { ...org, address: "z@chu.mssante.fr", type: "APP" },
    });
    if (!retyped.ok) throw new Error("no request");
    expect((await patch(carrierUrl(structure), retyped.request.body)).status).toBe(422);
    // an unsupported operation, a bad path
    const op = (parts: unknown[]) => ({ resourceType: "Parameters", parameter: [{ name: "operation", part: parts }] });
    expect(
      (
        await patch(
          carrierUrl(structure),
          op([
            { name: "type", valueCode: "move" },
            { name: "path", valueString: "Organization.telecom" },
          ]),
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await patch(
          carrierUrl(structure),
          op([
            { name: "type", valueCode: "delete" },
            { name: "path", valueString: "Organization.telecom.where(" },
          ]),
        )
      ).status,
    ).toBe(400);
    expect(JSON.stringify(standin.resources())).toBe(after);
    expect(after).not.toBe(before); // (the one accepted creation)
  });

  it("answers the injected 503 with Retry-After", async () => {
    failNext = 1;
    const response = await fetch(`${standin.url}/Organization?identifier=x`, { headers: { "esante-api-key": KEY } });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(
      (await fetch(`${standin.url}/Organization?identifier=x`, { headers: { "esante-api-key": KEY } })).status,
    ).toBe(200);
  });
});

describe("the validator of the guide's profiles", () => {
  const mailbox = (metadata: unknown[]) =>
    ({
      resourceType: "Practitioner",
      id: "p",
      identifier: [{ system: ANS.professionalIdSystem, value: "800012345678" }],
      telecom: [
        {
          system: "email",
          value: "a@b.mssante.fr",
          extension: [
            { url: ANS.emailTypeExtension, valueCoding: { system: ANS.emailTypeSystem, code: "MSSANTE" } },
            { url: ANS.mailboxMetadata, extension: metadata },
          ],
        },
      ],
    }) as Record<string, unknown>;
  const type = (code: string) => ({
    url: "type",
    valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code }] },
  });

  it("accepts a conformant mailbox and refuses each departure from the profiles", () => {
    expect(validateDirectoryResource(mailbox([type("PER"), { url: "listeRouge", valueBoolean: false }]))).toEqual([]);
    const refused = {
      "type as a bare code": mailbox([{ url: "type", valueCode: "PER" }]),
      "a type outside JDV_J139": mailbox([type("MED")]),
      "listeRouge as text": mailbox([{ url: "listeRouge", valueString: "oui" }]),
      "two listeRouge": mailbox([
        { url: "listeRouge", valueBoolean: true },
        { url: "listeRouge", valueBoolean: false },
      ]),
      "no address": { ...mailbox([]), telecom: [{ ...(mailbox([]).telecom as object[])[0], value: undefined }] },
      "an unknown element": { ...mailbox([]), mailbox: true },
    };
    for (const [name, resource] of Object.entries(refused)) {
      expect(validateDirectoryResource(resource).length, name).toBeGreaterThan(0);
    }
  });
});
