// The feed report's exports: an XLSX (exceljs's streaming writer) and a PDF (pdfkit, landscape A4, the table
// paginated with its header repeated and "Page n / N" in the footer). Both are written into the HTTP response as
// they are produced: the PDF waits for the client after each page, the XLSX after each thousand rows.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { FEED_SEVERITY_LABELS } from "@medimail/contracts/feed-report";
import { neutraliseCell } from "@medimail/contracts/loaduser";
import { FEED_RULES } from "@medimail/domain/feed-rules";
import { foldForSearch } from "@medimail/domain/text";
import { type Download, drained, PDF_TYPE, XLSX_TYPE } from "../../lib/download.ts";
import { loadExcelJs } from "../../lib/exceljs.ts";
import { countsByCode, type FeedEvaluation, type FeedIssue } from "./feed-report.service.ts";

export const REPORT_TITLE = "Rapport d'alimentation de l'annuaire MSSanté";

const parisDateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });

/** "26/11/2026 à 10:28" */
export const parisStamp = (instant: Date) => parisDateTime.format(instant).replace(" ", " à ");

const scopeLabel = (evaluation: FeedEvaluation) =>
  evaluation.daughters ? `${evaluation.structure.name} et ses structures filles` : evaluation.structure.name;

/** "rapport-alimentation-chu-de-toulouse-2026-11-26.pdf" */
export function reportFilename(evaluation: FeedEvaluation, extension: "pdf" | "xlsx"): string {
  const slug =
    foldForSearch(evaluation.structure.name)
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "structure";
  return `rapport-alimentation-${slug}-${parisDay.format(evaluation.generatedAt)}.${extension}`;
}

const cell = (value: string) => neutraliseCell(value);

// --- XLSX ---------------------------------------------------------------------------------------------------------

export function feedReportXlsx(evaluation: FeedEvaluation): Download {
  return {
    filename: reportFilename(evaluation, "xlsx"),
    contentType: XLSX_TYPE,
    async write(output, signal) {
      const Excel = await loadExcelJs();
      const workbook = new Excel.stream.xlsx.WorkbookWriter({
        stream: output,
        useStyles: true,
        useSharedStrings: false,
        zip: { zlib: { level: 1 } },
      });
      workbook.creator = "Medimail";
      workbook.created = evaluation.generatedAt;

      const summary = workbook.addWorksheet("Synthèse");
      summary.columns = [
        { header: REPORT_TITLE, width: 14 },
        { width: 14 },
        { width: 10 },
        { width: 90 },
        { width: 90 },
      ];
      summary.getRow(1).font = { bold: true, size: 14 };
      const lines: (string | number)[][] = [
        ["Structure", cell(scopeLabel(evaluation))],
        ["Édité le", `${parisStamp(evaluation.generatedAt)} (heure de Paris)`],
        ["Adresses MSSanté examinées", evaluation.addresses],
        ["Adresses bloquées", evaluation.blockedAddresses],
        ["Bloquantes", evaluation.counts.BLOCKING],
        ["Warnings", evaluation.counts.WARNING],
        [],
        ["Code", "Gravité", "Nombre", "Message", "Correctif"],
        ...countsByCode(evaluation).map(({ code, severity, count }) => [
          code,
          FEED_SEVERITY_LABELS[severity],
          count,
          FEED_RULES[code].message,
          FEED_RULES[code].fix,
        ]),
      ];
      if (!evaluation.referentialLoaded) {
        lines.push(
          [],
          ["Référentiel national non chargé : seules les règles portant sur les données Medimail ont été vérifiées."],
        );
      }
      for (const line of lines) summary.addRow(line).commit();
      summary.commit();

      const sheet = workbook.addWorksheet("Erreurs", { views: [{ state: "frozen", ySplit: 1 }] });
      sheet.columns = [
        { header: "Gravité", width: 11 },
        { header: "Code", width: 9 },
        { header: "Nom", width: 22 },
        { header: "Prénom", width: 18 },
        { header: "Type de BAL", width: 8 },
        { header: "Identifiant de connexion", width: 34 },
        { header: "Adresse MSSanté", width: 40 },
        { header: "Structure", width: 30 },
        { header: "Message", width: 70 },
        { header: "Correctif", width: 70 },
      ];
      const header = sheet.getRow(1);
      header.font = { bold: true };
      header.commit();
      let written = 0;
      for (const issue of evaluation.issues) {
        sheet
          .addRow([
            FEED_SEVERITY_LABELS[issue.severity],
            issue.code,
            cell(issue.lastName),
            cell(issue.firstName),
            issue.type,
            cell(issue.email),
            cell(issue.mssAddress),
            cell(issue.structureName),
            FEED_RULES[issue.code].message,
            FEED_RULES[issue.code].fix,
          ])
          .commit();
        if (++written % 1000 === 0) await drained(output, signal);
      }
      sheet.commit();
      signal.throwIfAborted();
      await workbook.commit();
    },
  };
}

// --- PDF ----------------------------------------------------------------------------------------------------------

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 36;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
/** the table stops here; the footer sits below */
const BOTTOM = PAGE.height - MARGIN - 14;
const FOOTER_Y = PAGE.height - MARGIN - 4;
const LINE = 13;
const HEADER = 18;
const FONT_SIZE = 8;

const COLUMNS: { title: string; width: number; value: (issue: FeedIssue) => string }[] = [
  { title: "Code", width: 48, value: (issue) => issue.code },
  { title: "Gravité", width: 56, value: (issue) => FEED_SEVERITY_LABELS[issue.severity] },
  { title: "Nom Prénom", width: 140, value: (issue) => `${issue.lastName} ${issue.firstName}`.trim() },
  { title: "Type", width: 32, value: (issue) => issue.type },
  { title: "Adresse MSSanté", width: 200, value: (issue) => issue.mssAddress },
  { title: "Identifiant de connexion", width: 170, value: (issue) => issue.email },
  { title: "Structure", width: CONTENT_WIDTH - 646, value: (issue) => issue.structureName },
];

type Doc = PDFKit.PDFDocument;

/** The text cut with "…" to fit the width in the current font (one line, no wrapping). */
function fit(doc: Doc, text: string, width: number): string {
  const clean = text.replace(/\s+/g, " ");
  if (doc.widthOfString(clean) <= width) return clean;
  let low = 0;
  let high = clean.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${clean.slice(0, middle)}…`) <= width) low = middle;
    else high = middle - 1;
  }
  return `${clean.slice(0, low)}…`;
}

/** One line of the table: a group's title or an issue. */
type TableLine = { heading: string; severity: "BLOCKING" | "WARNING" } | FeedIssue;

export function feedReportPdf(evaluation: FeedEvaluation): Download {
  return {
    filename: reportFilename(evaluation, "pdf"),
    contentType: PDF_TYPE,
    async write(output, signal) {
      // loaded on first use: pdfkit and its fonts are about 6 MB of heap that only this download needs
      const { default: PDFDocument } = await import("pdfkit");
      const doc: Doc = new PDFDocument({
        size: "A4",
        layout: "landscape",
        margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 10 },
        info: { Title: REPORT_TITLE, Author: "Medimail", Subject: scopeLabel(evaluation) },
        autoFirstPage: false,
      });
      doc.pipe(output);
      const finished = once(output, "finish", { signal });

      const byCode = countsByCode(evaluation);
      // the summary, measured first so that every page can say how many pages there are
      const summaryBlocks = summaryLayout(doc, evaluation, byCode);
      const lines: TableLine[] = [];
      for (const severity of ["BLOCKING", "WARNING"] as const) {
        const issues = evaluation.issues.filter((issue) => issue.severity === severity);
        if (issues.length === 0) continue;
        lines.push({ heading: `${severity === "BLOCKING" ? "Bloquantes" : "Warnings"} (${issues.length})`, severity });
        for (const issue of issues) lines.push(issue);
      }
      let summaryPages = 1;
      let y = MARGIN;
      for (const block of summaryBlocks) {
        if (y + block.height > BOTTOM) {
          summaryPages++;
          y = MARGIN;
        }
        y += block.height;
      }
      y += 12;
      const perPage = Math.floor((BOTTOM - MARGIN - HEADER) / LINE);
      let firstTablePage = Math.floor((BOTTOM - y - HEADER) / LINE);
      let pages = summaryPages;
      if (lines.length > 0) {
        if (firstTablePage < 3) {
          pages++;
          firstTablePage = perPage;
        }
        pages += Math.ceil(Math.max(0, lines.length - firstTablePage) / perPage);
      }

      let page = 0;
      const newPage = async () => {
        if (page > 0) await pageWritten(doc, output, signal);
        doc.addPage();
        page++;
        doc.font("Helvetica").fontSize(7).fillColor("#555555");
        const pageLabel = `Page ${page} / ${pages}`;
        // one-line texts are drawn without a width: pdfkit then skips its line wrapper (the table's cost)
        doc
          .text(
            fit(
              doc,
              `${REPORT_TITLE} — ${scopeLabel(evaluation)} — ${parisStamp(evaluation.generatedAt)}`,
              CONTENT_WIDTH - 90,
            ),
            MARGIN,
            FOOTER_Y,
            { lineBreak: false },
          )
          .text(pageLabel, PAGE.width - MARGIN - doc.widthOfString(pageLabel), FOOTER_Y, { lineBreak: false })
          .fillColor("#000000");
      };

      await newPage();
      y = MARGIN;
      for (const block of summaryBlocks) {
        if (y + block.height > BOTTOM) {
          await newPage();
          y = MARGIN;
        }
        block.draw(y);
        y += block.height;
      }
      y += 12;

      const tableHeader = () => {
        doc.rect(MARGIN, y, CONTENT_WIDTH, HEADER - 2).fill("#e3e3fd");
        doc.font("Helvetica-Bold").fontSize(FONT_SIZE).fillColor("#000091");
        let x = MARGIN;
        for (const column of COLUMNS) {
          doc.text(column.title, x + 3, y + 5, { lineBreak: false });
          x += column.width;
        }
        doc.fillColor("#000000").font("Helvetica");
        y += HEADER;
      };
      let left = firstTablePage;
      if (lines.length > 0) {
        if (left < 3) {
          await newPage();
          y = MARGIN;
          left = perPage;
        }
        tableHeader();
      }
      for (const line of lines) {
        if (left === 0) {
          await newPage();
          y = MARGIN;
          left = perPage;
          tableHeader();
        }
        if ("heading" in line) {
          doc
            .font("Helvetica-Bold")
            .fontSize(9)
            .fillColor(line.severity === "BLOCKING" ? "#ce0500" : "#b34000")
            .text(line.heading, MARGIN + 3, y + 3, { lineBreak: false })
            .fillColor("#000000")
            .font("Helvetica")
            .fontSize(FONT_SIZE);
        } else {
          doc.font("Helvetica").fontSize(FONT_SIZE);
          let x = MARGIN;
          for (const column of COLUMNS) {
            doc.text(fit(doc, column.value(line), column.width - 6), x + 3, y + 3, { lineBreak: false });
            x += column.width;
          }
          doc
            .moveTo(MARGIN, y + LINE)
            .lineTo(MARGIN + CONTENT_WIDTH, y + LINE)
            .lineWidth(0.3)
            .strokeColor("#dddddd")
            .stroke();
        }
        y += LINE;
        left--;
      }
      if (page !== pages) throw new Error(`PDF layout: ${page} pages written, ${pages} announced`);
      doc.end();
      await finished;
    },
  };
}

/** After a page: let the client take what was written before drawing the next one. */
async function pageWritten(doc: Doc, output: Writable, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  while (doc.readableLength > 512 * 1024 || output.writableNeedDrain) await once(output, "drain", { signal });
}

interface Block {
  height: number;
  draw(y: number): void;
}

/** The first page: title, structure, date, counts by severity, then each code met with its message and fix. */
function summaryLayout(doc: Doc, evaluation: FeedEvaluation, byCode: ReturnType<typeof countsByCode>): Block[] {
  const blocks: Block[] = [];
  const textBlock = (text: string, font: string, size: number, gap: number, color = "#000000") => {
    doc.font(font).fontSize(size);
    const height = doc.heightOfString(text, { width: CONTENT_WIDTH }) + gap;
    blocks.push({
      height,
      draw: (y) => {
        doc.font(font).fontSize(size).fillColor(color).text(text, MARGIN, y, { width: CONTENT_WIDTH });
        doc.fillColor("#000000");
      },
    });
  };
  textBlock(REPORT_TITLE, "Helvetica-Bold", 18, 8, "#000091");
  textBlock(`Structure : ${scopeLabel(evaluation)}`, "Helvetica-Bold", 11, 3);
  textBlock(`Édité le ${parisStamp(evaluation.generatedAt)} (heure de Paris)`, "Helvetica", 10, 10);
  textBlock(
    `Adresses MSSanté examinées : ${evaluation.addresses} — adresses bloquées (non publiées) : ${evaluation.blockedAddresses}`,
    "Helvetica",
    10,
    3,
  );
  textBlock(
    `Bloquantes : ${evaluation.counts.BLOCKING}      Warnings : ${evaluation.counts.WARNING}`,
    "Helvetica-Bold",
    11,
    4,
  );
  textBlock(
    "Une erreur bloquante empêche la publication de l'adresse dans l'annuaire national ; les warnings sont informatifs.",
    "Helvetica-Oblique",
    9,
    evaluation.referentialLoaded ? 10 : 3,
  );
  if (!evaluation.referentialLoaded) {
    textBlock(
      "Référentiel national non chargé : seules les règles portant sur les données Medimail ont été vérifiées.",
      "Helvetica-Oblique",
      9,
      10,
      "#b34000",
    );
  }
  if (evaluation.issues.length === 0 && evaluation.counts.BLOCKING + evaluation.counts.WARNING === 0) {
    textBlock("Aucune erreur : toutes les adresses peuvent être publiées.", "Helvetica-Bold", 11, 6, "#18753c");
    return blocks;
  }
  // counts by code, with what the directory says and what to do
  const widths = [48, 56, 44, 300, CONTENT_WIDTH - 448];
  const row = (values: string[], font: string, fill?: string) => {
    doc.font(font).fontSize(FONT_SIZE);
    const height =
      Math.max(...values.map((value, index) => doc.heightOfString(value, { width: (widths[index] ?? 0) - 6 }))) + 6;
    blocks.push({
      height,
      draw: (y) => {
        if (fill) doc.rect(MARGIN, y, CONTENT_WIDTH, height).fill(fill);
        doc
          .font(font)
          .fontSize(FONT_SIZE)
          .fillColor(fill ? "#000091" : "#000000");
        let x = MARGIN;
        values.forEach((value, index) => {
          doc.text(value, x + 3, y + 3, { width: (widths[index] ?? 0) - 6 });
          x += widths[index] ?? 0;
        });
        doc
          .fillColor("#000000")
          .moveTo(MARGIN, y + height)
          .lineTo(MARGIN + CONTENT_WIDTH, y + height)
          .lineWidth(0.3)
          .strokeColor("#dddddd")
          .stroke();
      },
    });
  };
  row(["Code", "Gravité", "Nombre", "Message", "Correctif"], "Helvetica-Bold", "#e3e3fd");
  for (const { code, severity, count } of byCode) {
    row(
      [code, FEED_SEVERITY_LABELS[severity], String(count), FEED_RULES[code].message, FEED_RULES[code].fix],
      "Helvetica",
    );
  }
  return blocks;
}
