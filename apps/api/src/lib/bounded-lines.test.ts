import { describe, expect, it } from "vitest";
import { type BoundedLine, boundedLines, LINE_LIMIT } from "./bounded-lines.ts";

// The shared reader of text lines: a line exactly at the bound is read, one character more is answered as too
// long (its characters dropped as they arrive), whatever the chunks the text comes in and its line breaks.

async function linesOf(text: string, chunkChars: number): Promise<BoundedLine[]> {
  async function* chunks() {
    for (let offset = 0; offset < text.length; offset += chunkChars) yield text.slice(offset, offset + chunkChars);
  }
  const all: BoundedLine[] = [];
  for await (const line of boundedLines(chunks())) all.push(line);
  return all;
}

describe("boundedLines", () => {
  it.each([1, 2, 4096, LINE_LIMIT, LINE_LIMIT + 1, 1024 * 1024])(
    "reads a line of exactly the limit and drops one a character longer (chunks of %i characters)",
    async (chunk) => {
      const atLimit = "é".repeat(LINE_LIMIT);
      const text = `a\r\n${atLimit}\n${atLimit}x\r${"b".repeat(3 * LINE_LIMIT)}\r\nc\n\nd`;
      expect(await linesOf(text, chunk)).toEqual([
        { number: 1, text: "a" },
        { number: 2, text: atLimit },
        { number: 3, text: null },
        { number: 4, text: null },
        { number: 5, text: "c" },
        { number: 6, text: "" },
        { number: 7, text: "d" },
      ]);
    },
  );

  it("splits at \\n, \\r\\n and a lone \\r as readline does, a break split across chunks counting once", async () => {
    for (const chunk of [1, 2, 3, 100]) {
      expect((await linesOf("a\r\nb\rc\n\r\nd\r\n", chunk)).map((line) => line.text)).toEqual(["a", "b", "c", "", "d"]);
      expect((await linesOf(`${"x".repeat(LINE_LIMIT + 5)}`, chunk)).map((line) => line.text)).toEqual([null]);
    }
  });
});
