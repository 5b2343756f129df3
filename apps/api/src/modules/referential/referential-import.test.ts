import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { useTestDb } from "../../../test/test-app.ts";
import { importReferential, importReferentialFile } from "./referential-import.ts";

const SAMPLES = path.resolve(import.meta.dirname, "../../../../../prisma/src/seed/referential");
const PS_SAMPLE = path.join(SAMPLES, "PS_LibreAcces_Personne_activite_sample.txt");
const FINESS_SAMPLE = path.join(SAMPLES, "etalab-cs1100507-stock-sample.csv");

const t = useTestDb();
const fr = (value: number) => new Intl.NumberFormat("fr-FR").format(value);

/** The text as a file stream gives it: chunks of 64 KiB. */
const inChunks = (text: string) =>
  Readable.from(
    (function* () {
      for (let offset = 0; offset < text.length; offset += 65_536) yield text.slice(offset, offset + 65_536);
    })(),
  );
const counts = async () => ({
  professionals: await t.db.refProfessional.count(),
  current: await t.db.refProfessional.count({ where: { isCurrent: true } }),
  places: await t.db.refPracticePlace.count(),
  structures: await t.db.refStructure.count(),
});

describe("referential import", () => {
  it("reads the professionals' extraction in batches, one record per activity, and reports malformed lines", async () => {
    const report = await importReferentialFile(t.db, "professionals", PS_SAMPLE, { batchSize: 10 });
    expect(report).toMatchObject({ lines: 41, records: 38, malformed: 2, batches: 4 });
    expect(report.errors).toEqual([
      { line: 40, reason: "type d'identifiant PP inconnu : « 5 »" },
      { line: 41, reason: expect.stringMatching(/^7 champs au lieu de 56$/) },
    ]);
    expect(await counts()).toEqual({ professionals: 37, current: 37, places: 36, structures: 7 });

    const student = await t.db.refProfessional.findUniqueOrThrow({ where: { nationalId: "810100000206" } });
    expect(student).toMatchObject({ rpps: "10100000206", adeli: null, lastName: "CARRÈRE", categoryCode: "E" });
    const adeli = await t.db.refProfessional.findUniqueOrThrow({ where: { nationalId: "0311234567" } });
    expect(adeli).toMatchObject({ idType: "0", rpps: null, adeli: "311234567", professionCode: "60" });
    // a professional with two activities: the hospital (FINESS) and a liberal practice known by its SIRET only
    const places = await t.db.refPracticePlace.findMany({ where: { nationalId: "810100000107" } });
    expect(places.map((place) => place.structureIdentifier).sort()).toEqual(["48123456700017", "810000380"]);
    expect(await t.db.refStructure.findUnique({ where: { identifier: "48123456700017" } })).toMatchObject({
      identifierType: "SIRET",
      name: "CABINET DU DR AZEMA",
      postcode: "81100",
    });
    // lines without an activity: a professional without a place
    expect(await t.db.refPracticePlace.count({ where: { nationalId: "810100000305" } })).toBe(0);
    expect(report.markedNotCurrent).toBe(0);
  });

  it("re-importing the same file changes nothing", async () => {
    const before = await counts();
    const report = await importReferentialFile(t.db, "professionals", PS_SAMPLE);
    expect(report).toMatchObject({ records: 38, malformed: 2, markedNotCurrent: 0, placesRemoved: 0 });
    expect(await counts()).toEqual(before);
  });

  it("marks the professionals a full extraction no longer lists as not current, and drops their old places", async () => {
    const lines = readFileSync(PS_SAMPLE, "utf8").split("\n");
    // MARTIN Claire (first professional) leaves; DUBOIS Sophie moves from Purpan to Rangueil
    const kept = lines
      .filter((line) => !line.startsWith("8|11000000015|"))
      .map((line) =>
        line.startsWith("8|11000000031|")
          ? line.replaceAll("310783048", "310783055").replaceAll("26310000400027", "26310000400035")
          : line,
      );
    const report = await importReferential(t.db, "professionals", Readable.from(kept.join("\n")));
    expect(report.markedNotCurrent).toBe(1);
    expect(report.placesRemoved).toBe(2);
    expect(await t.db.refProfessional.findUniqueOrThrow({ where: { nationalId: "811000000015" } })).toMatchObject({
      isCurrent: false,
      lastName: "MARTIN",
    });
    const moved = await t.db.refPracticePlace.findMany({ where: { nationalId: "811000000031" } });
    expect(moved.map((place) => place.structureIdentifier)).toEqual(["310783055"]);

    // listed again: current again; a partial file marks nothing
    await importReferentialFile(t.db, "professionals", PS_SAMPLE);
    expect((await counts()).current).toBe(37);
    const partial = await importReferential(t.db, "professionals", Readable.from(lines.slice(0, 3).join("\n")), {
      partial: true,
    });
    expect(partial).toMatchObject({ records: 2, markedNotCurrent: null, placesRemoved: null });
    expect((await counts()).current).toBe(37);
  });

  it("reads the FINESS extraction: 'structureet' lines, their SIRET and routing line; other kinds skipped", async () => {
    const report = await importReferentialFile(t.db, "structures", FINESS_SAMPLE, { batchSize: 3 });
    expect(report).toMatchObject({ lines: 12, records: 7, batches: 3, malformed: 1 });
    expect(report.errors).toEqual([{ line: 9, reason: "4 champs, 23 au moins attendus" }]);
    // the FINESS extraction's data replace what the professionals' file said of the site
    expect(await t.db.refStructure.findUniqueOrThrow({ where: { identifier: "310783048" } })).toMatchObject({
      identifierType: "FINESS",
      name: "HOPITAL PURPAN CHU TOULOUSE",
      finessLegal: "310781406",
      siret: "26310000400027",
      postcode: "31059",
      city: "TOULOUSE CEDEX 9",
    });
    expect(await t.db.refStructure.count({ where: { identifier: "810002519" } })).toBe(1);
    const again = await importReferentialFile(t.db, "structures", FINESS_SAMPLE);
    expect(again.records).toBe(7);
    expect((await counts()).structures).toBe(9);
  });

  it("reports a 10 MB line without a break as malformed, with its number, and reads the lines after it", async () => {
    const [header, first, second] = readFileSync(PS_SAMPLE, "utf8").split("\n");
    const professionals = await importReferential(
      t.db,
      "professionals",
      inChunks(`${header}\n${first}\n${"|".repeat(10 * 1024 * 1024)}\n${second}\n`),
      { partial: true },
    );
    expect(professionals).toMatchObject({ lines: 4, records: 2, malformed: 1 });
    expect(professionals.errors).toEqual([
      { line: 3, reason: `plus de ${fr(65_536)} caractères sans retour à la ligne` },
    ]);

    const [metadata, structure] = readFileSync(FINESS_SAMPLE, "utf8").split("\n");
    const structures = await importReferential(
      t.db,
      "structures",
      inChunks(`${metadata}\n${"structureet;".repeat(1024 * 1024)}\r\n${structure}\n`),
    );
    expect(structures).toMatchObject({ lines: 3, records: 1, malformed: 1 });
    expect(structures.errors).toEqual([{ line: 2, reason: `plus de ${fr(65_536)} caractères sans retour à la ligne` }]);
  });

  it("refuses a professionals' file whose header is beyond the bound, or has thousands of columns", async () => {
    await expect(importReferential(t.db, "professionals", inChunks("Type|".repeat(20_000)))).rejects.toThrow(
      `en-tête du fichier des professionnels : Ligne 1 : plus de ${fr(65_536)} caractères sans retour à la ligne`,
    );
    await expect(importReferential(t.db, "professionals", inChunks(`${"|".repeat(5_000)}\n`))).rejects.toThrow(
      "en-tête du fichier des professionnels : plus de 1000 colonnes",
    );
  });

  it("refuses a professionals' file without its header", async () => {
    await expect(
      importReferential(t.db, "professionals", Readable.from("8|11000000015|811000000015|MARTIN|Claire|\n")),
    ).rejects.toThrow(/colonne\(s\) absente\(s\)/);
  });
});
