import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { deflated, zipOf } from "./imports.test-support.ts";
import {
  detectFile,
  readRecords,
  readStoredXlsx,
  StoredFileGone,
  storedXlsxParts,
  xlsxParts,
} from "./imports-files.ts";
import type { FileRecord } from "./imports-records.ts";
import { decodeXmlText, type ZipBytes } from "./imports-xlsx.ts";

// The XLSX reader on workbooks as other programs write them (Excel, LibreOffice, Google Sheets, the OpenXML SDK):
// sheet order from the workbook, shared and inline strings, rich text, escapes, prefixed elements, missing
// references, formulas' results, booleans, empty rows.

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RELS_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

function workbook(sheets: { name: string; xml: string }[], sharedStrings?: string) {
  const rels = sheets
    .map(
      (_, index) =>
        `<Relationship Id="rId${index + 10}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${sheets.length - index}.xml"/>`,
    )
    .join("");
  const parts = [
    deflated("[Content_Types].xml", "<Types/>"),
    deflated(
      "xl/workbook.xml",
      `<workbook ${NS} ${RELS_NS}><sheets>${sheets.map((sheet, index) => `<sheet name="${sheet.name}" sheetId="${index + 1}" r:id="rId${index + 10}"/>`).join("")}</sheets></workbook>`,
    ),
    deflated(
      "xl/_rels/workbook.xml.rels",
      `<Relationships>${rels}<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    // numbered backwards: the workbook's order, not the file names', decides
    ...sheets.map((sheet, index) => deflated(`xl/worksheets/sheet${sheets.length - index}.xml`, sheet.xml)),
    ...(sharedStrings ? [deflated("xl/sharedStrings.xml", sharedStrings)] : []),
  ];
  return zipOf(parts);
}

async function records(content: Buffer): Promise<FileRecord[]> {
  const all: FileRecord[] = [];
  for await (const record of readRecords(content, detectFile(content))) all.push(record);
  return all;
}

/**
 * The file as the apply reads it from the database: any range asked for, in slices of `sliceBytes`; `goneAt`: the
 * file is purged while the range starting there is read (after its first slice).
 */
function inSlices(content: Buffer, sliceBytes: number, goneAt?: number): ZipBytes {
  return {
    size: content.length,
    async *ranges(offset, length) {
      for (let at = offset; at < offset + length; at += sliceBytes) {
        if (offset === goneAt && at > offset) throw new StoredFileGone();
        yield content.subarray(at, Math.min(at + sliceBytes, offset + length));
      }
    },
  };
}

async function storedRecords(source: ZipBytes): Promise<FileRecord[]> {
  const all: FileRecord[] = [];
  for await (const record of readStoredXlsx(source)) all.push(record);
  return all;
}

describe("the XLSX reader", () => {
  it("reads the sheets in the workbook's order, shared, inline and rich strings, numbers, booleans, results", async () => {
    const shared =
      `<sst ${NS} count="4" uniqueCount="4">` +
      "<si><t>Adresse mail</t></si>" +
      '<si><t xml:space="preserve"> Dupont &amp; fils </t></si>' +
      '<si><r><rPr><b/></rPr><t>Élo</t></r><r><t>die</t></r><rPh sb="0" eb="1"><t>エロ</t></rPh></si>' +
      "<si><t>ligne_x000D_\nsuivante _x005F_x0041_</t></si>" +
      "</sst>";
    const consignes = `<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Consignes</t></is></c></row></sheetData></worksheet>`;
    const users =
      `<worksheet ${NS}><dimension ref="A1:F4"/><sheetData>` +
      '<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s" s="3"><v>1</v></c></row>' +
      '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"/><c r="C2"><v>1000</v></c><c r="D2" t="b"><v>1</v></c>' +
      '<c r="E2" t="str"><f>CONCAT("a";"b")</f><v>ab</v></c><c r="F2" t="inlineStr"><is><t>&lt;x&gt; &#233;&#x20AC;</t></is></c></row>' +
      '<row r="3" s="2" customFormat="1"/>' +
      '<row r="5"><c r="AA5" t="s"><v>3</v></c><c r="AB5" t="e"><v>#N/A</v></c></row>' +
      '</sheetData><mergeCells count="0"/><row>not a row</row></worksheet>';
    const content = workbook(
      [
        { name: "Consignes", xml: consignes },
        { name: "Utilisateurs", xml: users },
      ],
      shared,
    );
    expect(await records(content)).toEqual([
      { sheet: 0, line: 1, cells: ["Consignes"] },
      { sheet: 1, line: 1, cells: ["Adresse mail", null, " Dupont & fils "] },
      { sheet: 1, line: 2, cells: ["Élodie", null, 1000, true, "ab", "<x> é€"] },
      { sheet: 1, line: 5, cells: [...Array(26).fill(null), "ligne\r\nsuivante _x0041_", "#N/A"] },
    ]);
  });

  it("reads prefixed elements and cells without references (OpenXML SDK, some generators)", async () => {
    const sheet =
      '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
      '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c></x:row>' +
      "<x:row><x:c t='inlineStr'><x:is><x:t>b</x:t></x:is></x:c></x:row>" +
      "</x:sheetData></x:worksheet>";
    const content = zipOf([
      deflated("[Content_Types].xml", "<Types/>"),
      deflated("xl/workbook.xml", "<workbook/>"),
      deflated("xl/worksheets/sheet1.xml", sheet),
    ]);
    expect(await records(content)).toEqual([
      { sheet: 0, line: 1, cells: ["a", 2] },
      { sheet: 0, line: 2, cells: ["b"] },
    ]);
  });

  it("refuses a row of unreasonable size with a clear message", async () => {
    const huge = `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>${"x".repeat(9 * 1024 * 1024)}</t></is></c>`;
    const content = zipOf([
      deflated("[Content_Types].xml", "<Types/>"),
      deflated("xl/workbook.xml", "<workbook/>"),
      deflated("xl/worksheets/sheet1.xml", huge),
    ]);
    await expect(records(content)).rejects.toThrow(
      "Ligne 1 : la ligne du classeur est démesurée (plus de 4 Mo de XML) ; le fichier n'est pas un export de " +
        "tableur valide.",
    );
  });

  it("decodes XML entities, then Excel's _xHHHH_ escapes", () => {
    expect(decodeXmlText("a &amp;lt; b &#x41;&#66; _x0009_ _x005F_x0009_ &unknown;")).toBe(
      "a &lt; b AB \t _x0009_ &unknown;",
    );
  });

  it("reads a stored workbook a range at a time, from its end, as it reads it whole", async () => {
    // as Excel writes it (data descriptors, shared strings, several sheets), large enough to span many slices
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Consignes").addRow(["Lisez-moi"]);
    const sheet = book.addWorksheet("Utilisateurs");
    sheet.addRow(["Adresse mail", "Nom", "Prénom"]);
    for (let index = 0; index < 2000; index++) sheet.addRow([`u${index}@chu.fr`, `Nom ${index % 97}`, index]);
    const content = Buffer.from(await book.xlsx.writeBuffer());
    const whole = await records(content);
    expect(whole).toHaveLength(2002);
    expect(await storedXlsxParts(inSlices(content, 5))).toEqual(xlsxParts(content));
    for (const sliceBytes of [1, 7, 4096, content.length]) {
      expect(await storedRecords(inSlices(content, sliceBytes))).toEqual(whole);
    }
  });

  it("says a stored file gone while it is read as such, not as an unreadable file", async () => {
    const content = zipOf([
      deflated("[Content_Types].xml", "<Types/>"),
      deflated("xl/workbook.xml", "<workbook/>"),
      deflated(
        "xl/worksheets/sheet1.xml",
        `<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>a</t></is></c></row>'.repeat(100)}</sheetData></worksheet>`,
      ),
    ]);
    expect(await storedRecords(inSlices(content, 16))).toHaveLength(100);
    // the directory and headers read, then the file gone while the sheet's data is
    const sheet = xlsxParts(content).find((part) => part.name === "xl/worksheets/sheet1.xml");
    await expect(storedRecords(inSlices(content, 16, sheet?.dataOffset))).rejects.toBeInstanceOf(StoredFileGone);
  });
});
