import { isUtf8 as isUtf8Whole } from "node:buffer";
import { describe, expect, it } from "vitest";
import { type CsvEncoding, isUtf8, readCsvInSlices } from "./imports-files.ts";
import type { FileRecord } from "./imports-records.ts";
import { cellText } from "./imports-rows.ts";

// The CSV reader decodes and parses a file a slice of bytes at a time. Whatever the slice size — down to a few
// bytes, cutting characters, line breaks and quoted cells in two — it must read the same records as one pass.

async function records(content: Buffer, encoding: CsvEncoding, sliceBytes: number): Promise<FileRecord[]> {
  const read: FileRecord[] = [];
  for await (const record of readCsvInSlices(content, encoding, sliceBytes)) read.push(record);
  return read;
}

const text = [
  "Type;Nom;Prénom;Adresse",
  'PER;Dupont-Aubigné;"Élodie";"1 rue de l\'Église\r\nBâtiment B"',
  'MED;Lœuvre;"Jean ""Jeannot""";"2 place du Capitole"',
  "INT;Ñúñez;Zoë;",
  'ORG;"Secrétariat; cardiologie";"Site 1";"3 allée\nLes Pins"',
  "",
].join("\r\n");

describe("the CSV read in slices", () => {
  it("reads the same records whatever the slice: accents, quoted separators, quotes and line breaks cut in two", async () => {
    const content = Buffer.from(`\uFEFF${text}`, "utf8");
    const whole = await records(content, "utf-8", content.length + 1);
    expect(whole.map((record) => record.cells)).toEqual([
      ["Type", "Nom", "Prénom", "Adresse"],
      ["PER", "Dupont-Aubigné", "Élodie", "1 rue de l'Église\r\nBâtiment B"],
      ["MED", "Lœuvre", 'Jean "Jeannot"', "2 place du Capitole"],
      ["INT", "Ñúñez", "Zoë", ""],
      ["ORG", "Secrétariat; cardiologie", "Site 1", "3 allée\nLes Pins"],
      [""],
    ]);
    expect(whole.map((record) => record.line)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const sliceBytes of [1, 2, 3, 5, 7, 16, 64]) {
      expect(await records(content, "utf-8", sliceBytes), `slices of ${sliceBytes} bytes`).toEqual(whole);
    }
  });

  it("reads UTF-16 and Windows-1252 files cut in slices, and a file without a final line break", async () => {
    const unix = text.replace(/\r\n/g, "\n").replace(/\n$/, "");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(unix.replace(/œ/g, "oe"), "utf16le")]);
    const latin = Buffer.from(unix.replace(/œ/g, "oe").replace(/Ñ/g, "N"), "latin1");
    const expected = await records(utf16, "utf-16le", utf16.length + 1);
    expect(expected).toHaveLength(5);
    expect(expected[1]?.cells[3]).toBe("1 rue de l'Église\nBâtiment B");
    for (const sliceBytes of [1, 3, 8]) {
      expect(await records(utf16, "utf-16le", sliceBytes)).toEqual(expected);
      expect((await records(latin, "windows-1252", sliceBytes)).map((record) => record.cells[2])).toEqual(
        expected.map((record) => record.cells[2]),
      );
    }
  });

  it("flags the row of an unclosed quote, which takes the rest of the file, in slices as in one pass", async () => {
    const content = Buffer.from('Type;Nom\r\nPER;Martin\r\nMED;"Durand\r\nINT;Petit\r\n', "utf8");
    const whole = await records(content, "utf-8", content.length + 1);
    expect(whole.map((record) => record.quoteError)).toEqual([false, false, true]);
    expect(whole[2]?.cells).toEqual(["MED", "Durand\r\nINT;Petit\r\n"]);
    for (const sliceBytes of [1, 4, 9]) expect(await records(content, "utf-8", sliceBytes)).toEqual(whole);
  });

  it("waits for the whole first line before choosing the separator", async () => {
    const content = Buffer.from("Type,Nom,Prénom\nPER,Martin,Jean\n", "utf8");
    const read = await records(content, "utf-8", 2);
    expect(read[1]?.cells).toEqual(["PER", "Martin", "Jean"]);
  });
});

describe("a cell's text", () => {
  it("drops NUL characters and replaces halves of surrogate pairs, which PostgreSQL cannot store", () => {
    // a workbook can hold them as Excel's escapes (_x0000_, _xD800_): the database would refuse the whole batch
    expect(cellText("lastName", "Du\u0000pont\uD800")).toBe("Dupont\uFFFD");
    expect(cellText("firstName", "\uDC00Zoë")).toBe("\uFFFDZoë");
    expect(cellText("lastName", "Émoji 😀 gardé")).toBe("Émoji 😀 gardé"); // a whole pair stays
  });
});

describe("the UTF-8 check in slices", () => {
  it("answers as a check of the whole file, characters of 2, 3 and 4 bytes cut between slices or not", () => {
    const valid = Buffer.from("Élodie Lœuvre — 東京 🏥 Zoë\r\n".repeat(5), "utf8");
    const broken = [
      Buffer.concat([valid, Buffer.from([0xc3])]), // a character cut short at the end
      Buffer.concat([valid.subarray(0, 7), Buffer.from([0x80, 0x80, 0x80, 0x80]), valid.subarray(7)]), // stray bytes
      Buffer.concat([Buffer.from([0xe2, 0x82]), valid]), // a character cut short at the start
      Buffer.from([0x41, 0xed, 0xa0, 0x80, 0x41]), // a surrogate
      Buffer.from([0x41, 0xc0, 0xaf, 0x41]), // an overlong encoding
      Buffer.from("Zo\u00eb", "latin1"), // Windows-1252
    ];
    for (const sliceBytes of [4, 5, 6, 7, 16, 64, 256 * 1024]) {
      expect(isUtf8(valid, sliceBytes), `valid, slices of ${sliceBytes} bytes`).toBe(true);
      for (const [index, content] of broken.entries()) {
        expect(isUtf8Whole(content)).toBe(false);
        expect(isUtf8(content, sliceBytes), `broken ${index}, slices of ${sliceBytes} bytes`).toBe(false);
      }
    }
  });
});
