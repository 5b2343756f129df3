// The lines of a text file read as a stream, with a bound on what a line may hold: a file of 10 MB (or 10 GB)
// without a line break never becomes one string. Every text file an administrator or an operator hands to the
// console is read through a bound like this one (the CSV of an import, whose quoted cells may span lines, has its
// own reader with the same bound: imports-files.ts).

/** The longest line read, in characters (line break excluded): far above any real file's line. */
export const LINE_LIMIT = 65_536;

export interface BoundedLine {
  /** 1 = the file's first line */
  number: number;
  /** the line without its break; null when it was longer than the bound (its characters were dropped as read) */
  text: string | null;
}

const numberFr = new Intl.NumberFormat("fr-FR");

/** "plus de 65 536 caractères sans retour à la ligne": the reason a malformed line is reported with. */
export const lineTooLongReason = (limit = LINE_LIMIT) =>
  `plus de ${numberFr.format(limit)} caractères sans retour à la ligne`;

/** "Ligne 12 : plus de 65 536 caractères sans retour à la ligne": the start of a refusal. */
export const lineTooLongText = (line: number, limit = LINE_LIMIT) =>
  `Ligne ${numberFr.format(line)} : ${lineTooLongReason(limit)}`;

/**
 * The lines of `chunks` (text, as a stream with an encoding gives it), split at "\n", "\r\n" or a lone "\r" as
 * `readline` does. A line longer than `limit` characters is answered with `text: null` once its end is reached; its
 * characters are dropped as they arrive, so memory stays bounded by the limit plus one chunk.
 */
export async function* boundedLines(
  chunks: AsyncIterable<string>,
  limit: number = LINE_LIMIT,
): AsyncGenerator<BoundedLine> {
  let number = 0;
  let current = "";
  let overlong = false;
  // a chunk ended with "\r": a "\n" starting the next one belongs to the same break
  let afterCarriageReturn = false;
  const add = (text: string) => {
    if (overlong || text === "") return;
    if (current.length + text.length > limit) {
      overlong = true;
      current = "";
    } else current += text;
  };
  for await (const chunk of chunks) {
    let position = 0;
    if (afterCarriageReturn && chunk.startsWith("\n")) position = 1;
    afterCarriageReturn = false;
    while (position < chunk.length) {
      const lineFeed = chunk.indexOf("\n", position);
      const carriageReturn = chunk.indexOf("\r", position);
      const end =
        carriageReturn === -1 ? lineFeed : lineFeed === -1 ? carriageReturn : Math.min(lineFeed, carriageReturn);
      if (end === -1) {
        add(chunk.slice(position));
        break;
      }
      add(chunk.slice(position, end));
      yield { number: ++number, text: overlong ? null : current };
      current = "";
      overlong = false;
      if (chunk[end] === "\r") {
        if (end + 1 === chunk.length) afterCarriageReturn = true;
        else if (chunk[end + 1] === "\n") {
          position = end + 2;
          continue;
        }
      }
      position = end + 1;
    }
  }
  if (current !== "" || overlong) yield { number: ++number, text: overlong ? null : current };
}
