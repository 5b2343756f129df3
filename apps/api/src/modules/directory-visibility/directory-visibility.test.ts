import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDb } from "../../../test/test-app.ts";
import { lineTooLongReason } from "../../lib/bounded-lines.ts";
import { createDirectoryVisibilityService } from "./directory-visibility.service.ts";
import { extractionLine, extractionText } from "./extraction-file.test-support.ts";

const t = useTestDb();
const DAY = 86_400_000;
const extractedAt = new Date("2026-12-05T03:00:00Z");
let chu: string;
let clinique: string;

async function* chunksOf(text: string, size = 7) {
  // small chunks: lines and CRLF cut anywhere
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function correspondence(structureId: string, address: string, listed: boolean, publishedDaysAgo: number | null) {
  const account = await createAccount(t.db, structureId, { type: "PER", state: "VALIDATED" });
  await t.db.mssAddress.create({
    data: {
      accountId: account.id,
      address,
      listed,
      publicationStatus: publishedDaysAgo === null ? "PENDING" : "PUBLISHED",
      publishedAt: publishedDaysAgo === null ? null : new Date(extractedAt.getTime() - publishedDaysAgo * DAY),
    },
  });
  return account.id;
}

const importText = (text: string, chunkSize?: number) =>
  createDirectoryVisibilityService({ db: t.db }).importExtraction({
    chunks: chunksOf(text, chunkSize),
    source: "UPLOAD",
    fileName: "Extraction_Correspondance_MSSante.txt",
    extractedAt,
    requestedById: null,
  });

beforeAll(async () => {
  chu = (await createStructure(t.db, { mssDomain: "chu.mssante.fr" })).id;
  clinique = (await createStructure(t.db, { mssDomain: "clinique.mssante.fr" })).id;
  await correspondence(chu, "visible@chu.mssante.fr", true, 10);
  await correspondence(chu, "absente@chu.mssante.fr", true, 3);
  await correspondence(chu, "recente@chu.mssante.fr", true, 0.2);
  await correspondence(chu, "jamais@chu.mssante.fr", true, null);
  await correspondence(chu, "rouge@chu.mssante.fr", false, 10);
  await correspondence(chu, "rouge.visible@chu.mssante.fr", false, 10);
  await correspondence(clinique, "autre@clinique.mssante.fr", true, 10);
  await t.db.directoryWithdrawal.create({
    data: { address: "supprimee@chu.mssante.fr", accountId: crypto.randomUUID(), type: "PER" },
  });
});

describe("the national extraction compared with our correspondences", () => {
  it("keeps our domains' addresses once, and tells each address's visibility", async () => {
    const text = extractionText([
      extractionLine({
        address: "Visible@CHU.mssante.fr",
        nationalId: "810101234564",
        lastName: "Martin",
        firstName: "Anne",
      }),
      // an address may be on several lines (one per practice place)
      extractionLine({ address: "visible@chu.mssante.fr", nationalId: "810101234564", lastName: "Martin" }),
      extractionLine({ address: "rouge.visible@chu.mssante.fr" }),
      extractionLine({ type: "ORG", address: "inconnue@chu.mssante.fr", structureId: "1310781406", company: "CHU" }),
      extractionLine({ address: "supprimee@chu.mssante.fr" }),
      extractionLine({ address: "autre@clinique.mssante.fr" }),
      extractionLine({ address: "quelquun@ailleurs.mssante.fr" }),
    ]);
    const extraction = await importText(text);
    expect(extraction).toMatchObject({ lines: 7, kept: 5, malformed: 0 });

    const service = createDirectoryVisibilityService({ db: t.db });
    const { counts, lines } = await service.compare([chu]);
    expect(Object.fromEntries(lines.map((line) => [line.address, line.visibility]))).toEqual({
      "absente@chu.mssante.fr": "ABSENT",
      "inconnue@chu.mssante.fr": "UNKNOWN_HERE",
      "jamais@chu.mssante.fr": "NOT_YET",
      "recente@chu.mssante.fr": "NOT_YET",
      "rouge.visible@chu.mssante.fr": "LISTE_ROUGE_VISIBLE",
      "rouge@chu.mssante.fr": "LISTE_ROUGE",
      "supprimee@chu.mssante.fr": "DELETED_HERE",
      "visible@chu.mssante.fr": "VISIBLE",
    });
    expect(counts).toMatchObject({ VISIBLE: 1, ABSENT: 1, NOT_YET: 2, UNKNOWN_HERE: 1, DELETED_HERE: 1 });
    expect(lines.find((line) => line.address === "inconnue@chu.mssante.fr")?.nationalName).toBe("CHU");

    // an administrator of the clinic sees its own addresses only
    const clinic = await service.compare([clinique]);
    expect(clinic.lines.map((line) => [line.address, line.visibility])).toEqual([
      ["autre@clinique.mssante.fr", "VISIBLE"],
    ]);
    const discrepancies = await service.discrepancies([chu, clinique]);
    expect(discrepancies.lines.map((line) => line.visibility).sort()).toEqual([
      "ABSENT",
      "DELETED_HERE",
      "LISTE_ROUGE_VISIBLE",
      "UNKNOWN_HERE",
    ]);

    const page = await service.visibilityOf([
      { address: "visible@chu.mssante.fr", listed: true, publishedAt: new Date(extractedAt.getTime() - 10 * DAY) },
      { address: "absente@chu.mssante.fr", listed: true, publishedAt: new Date(extractedAt.getTime() - 3 * DAY) },
    ]);
    expect(Object.fromEntries(page ?? [])).toEqual({
      "visible@chu.mssante.fr": "VISIBLE",
      "absente@chu.mssante.fr": "ABSENT",
    });
  });

  it("counts malformed lines with their reason and keeps reading", async () => {
    const text = extractionText([
      extractionLine({ address: "visible@chu.mssante.fr" }),
      "PER|trop@peu.fr|de colonnes",
      extractionLine({ address: "pas une adresse" }),
      `${extractionLine({ address: "absente@chu.mssante.fr" })}|`,
      "x".repeat(200_000),
    ]);
    const extraction = await importText(text, 65_536);
    expect(extraction).toMatchObject({ lines: 5, kept: 2, malformed: 3 });
    expect(extraction?.problems).toEqual([
      { line: 3, reason: "3 colonnes au lieu de 31" },
      { line: 4, reason: "adresse BAL absente ou invalide" },
      { line: 6, reason: lineTooLongReason() },
    ]);
  });

  it("refuses a file that is not the extraction, and keeps the current one", async () => {
    const service = createDirectoryVisibilityService({ db: t.db });
    const before = await service.compare([chu]);
    for (const text of ["", "Nom;Prénom;Adresse\r\nMartin;Anne;a@chu.mssante.fr\r\n", `${"y".repeat(10_000_000)}`]) {
      await expect(importText(text, 1 << 20)).rejects.toMatchObject({ statusCode: 400 });
    }
    const after = await service.compare([chu]);
    expect(after.extraction?.id).toBe(before.extraction?.id);
    expect(after.lines).toEqual(before.lines);
    const failed = await service.latestAttempt();
    expect(failed).toMatchObject({ status: "FAILED" });
  });

  it("leaves the previous extraction current when an import stops half-way, and a rerun completes", async () => {
    const service = createDirectoryVisibilityService({ db: t.db });
    const before = await service.compare([chu]);
    const lines = Array.from({ length: 3000 }, (_, i) => extractionLine({ address: `n${i}@chu.mssante.fr` }));
    async function* breaking() {
      yield extractionText(lines.slice(0, 2500));
      throw new Error("connexion interrompue");
    }
    await expect(
      service.importExtraction({
        chunks: breaking(),
        source: "DOWNLOAD",
        fileName: null,
        extractedAt,
        requestedById: null,
      }),
    ).rejects.toThrow("connexion interrompue");
    expect((await service.compare([chu])).lines).toEqual(before.lines);
    expect(
      await t.db.nationalExtractionAddress.count({ where: { extractionId: { not: before.extraction?.id } } }),
    ).toBe(0);

    const rerun = await importText(extractionText(lines), 1 << 16);
    expect(rerun).toMatchObject({ lines: 3000, kept: 3000 });
    expect((await service.compare([chu])).counts.UNKNOWN_HERE).toBe(3000);
    // the older extractions' addresses are gone: one extraction's worth is kept
    expect(await t.db.nationalExtractionAddress.count()).toBe(3000);
  });
});
