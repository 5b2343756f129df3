import { inflateSync } from "node:zlib";

/**
 * The text drawn in a PDF, enough to check a generated report: each content stream inflated (FlateDecode), then
 * the hex strings of its text operators (`[<…> …] TJ`, as pdfkit writes them with the standard fonts) decoded.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const texts: string[] = [];
  for (const match of raw.matchAll(/<<([\s\S]*?)>>\s*stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = raw.indexOf("endstream", start);
    let body = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(match[1] ?? "")) {
      try {
        body = inflateSync(body);
      } catch {
        continue;
      }
    }
    for (const operation of body.toString("latin1").matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...(operation[1] ?? "").matchAll(/<([0-9a-fA-F]*)>/g)].map((part) => part[1]).join("");
      texts.push(Buffer.from(hex, "hex").toString("latin1"));
    }
  }
  return texts.join("\n");
}
