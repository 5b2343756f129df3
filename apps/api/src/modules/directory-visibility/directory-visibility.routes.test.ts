import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";
import { extractionLine, extractionText } from "./extraction-file.test-support.ts";
import { limitedText } from "./extraction-upload.ts";

const t = useTestApp();
let operator: SignedIn;
let admin: SignedIn;
let adminStructure: string;

const upload = (who: SignedIn, payload: string | Buffer) =>
  t.app.inject({
    method: "POST",
    url: "/api/directory/national-extraction?fileName=Extraction_Correspondance_MSSante.txt",
    headers: { ...who.headers, "content-type": "application/octet-stream" },
    payload,
  });

beforeAll(async () => {
  operator = await signInAs(t.db, (await createConsoleUser(t.db, "OPERATOR")).email);
  adminStructure = (await createStructure(t.db, { mssDomain: "clinique.mssante.fr" })).id;
  admin = await signInAs(t.db, (await createConsoleUser(t.db, "ADMINISTRATOR", { structureId: adminStructure })).email);
  const account = await createAccount(t.db, adminStructure, { type: "PER", state: "VALIDATED" });
  await t.db.mssAddress.create({
    data: {
      accountId: account.id,
      address: "absente@clinique.mssante.fr",
      publicationStatus: "PUBLISHED",
      publishedAt: new Date(Date.now() - 5 * 86_400_000),
    },
  });
});

describe("Vérifier la visibilité dans l'annuaire national", () => {
  it("says nothing was imported yet", async () => {
    const response = await t.app.inject({ url: "/api/directory/national-extraction", headers: operator.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ latestAttempt: null, report: { extraction: null, discrepanciesTotal: 0 } });
  });

  it("imports an operator's upload, then shows each administrator the discrepancies of their structures", async () => {
    const text = extractionText([
      extractionLine({ address: "inconnue@clinique.mssante.fr" }),
      extractionLine({ address: "ailleurs@autre.mssante.fr" }),
    ]);
    const response = await upload(operator, text);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      latestAttempt: { status: "DONE", lines: 2, kept: 1, fileName: "Extraction_Correspondance_MSSante.txt" },
      report: { discrepanciesTotal: 2, counts: { ABSENT: 1, UNKNOWN_HERE: 1 } },
    });

    const mine = await t.app.inject({
      url: `/api/structures/${adminStructure}/directory-visibility`,
      headers: admin.headers,
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().discrepancies.map((line: { address: string; visibility: string }) => line)).toEqual([
      expect.objectContaining({ address: "absente@clinique.mssante.fr", visibility: "ABSENT" }),
      expect.objectContaining({ address: "inconnue@clinique.mssante.fr", visibility: "UNKNOWN_HERE", accountId: null }),
    ]);
  });

  it("refuses what is not the extraction with a French message, and an administrator's upload", async () => {
    const wrong = await upload(operator, "Nom;Prénom\r\nMartin;Anne\r\n");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toContain("n'est pas l'extraction Extraction_Correspondance_MSSante");
    const latin1 = await upload(operator, Buffer.from(`${extractionText([])}é`, "latin1"));
    expect(latin1.statusCode).toBe(400);
    expect(latin1.json().message).toContain("n'est pas encodé en UTF-8");
    const json = await t.app.inject({
      method: "POST",
      url: "/api/directory/national-extraction",
      headers: { ...operator.headers, "content-type": "application/json" },
      payload: {},
    });
    expect(json.statusCode).toBe(415);
    expect((await upload(admin, extractionText([]))).statusCode).toBe(403);
  });

  it("stops reading past the size limit, in French", async () => {
    async function* big() {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(1024, 0x61);
    }
    const read = async () => {
      for await (const _ of limitedText(big(), 3000)) {
        // reading
      }
    };
    await expect(read()).rejects.toMatchObject({ statusCode: 413, message: expect.stringContaining("dépasse") });
  });
});
