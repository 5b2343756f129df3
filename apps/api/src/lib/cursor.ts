import { isCleanText } from "@medimail/contracts/common";
import { z } from "zod";
import { validationFailed } from "./errors.ts";

/**
 * Keyset pagination cursors: where the previous page stopped (its last row's sort key and id), handed to the
 * browser as opaque base64url JSON and checked against the list's shape when it comes back. A cursor the API
 * did not write (edited, truncated, forged) is a 400, never a database error.
 */
export function keysetCursor<Shape extends z.ZodType>(shape: Shape, field = "after") {
  return {
    encode(key: z.output<Shape>): string {
      return Buffer.from(JSON.stringify(key)).toString("base64url");
    },
    /** undefined for the first page; the key, or a 400 "Curseur de pagination invalide" */
    decode(text: string | undefined): z.output<Shape> | undefined {
      if (text === undefined || text === "") return undefined;
      const key = shape.safeParse(parseJson(text));
      if (!key.success) throw invalidCursor(field);
      return key.data;
    },
  };
}

export const INVALID_CURSOR = "Curseur de pagination invalide : revenez à la première page.";

/** The 400 of a cursor the API did not write, or that does not fit the list's order. */
export const invalidCursor = (field: string) =>
  validationFailed("Curseur de pagination invalide", [{ path: `querystring.${field}`, message: INVALID_CURSOR }]);

function parseJson(text: string): unknown {
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(text)) return undefined;
  try {
    // fatal: bytes that are not UTF-8 are a forged cursor, not text to repair
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(text, "base64url")));
  } catch {
    return undefined;
  }
}

/** The parts cursors are made of. */
export const cursorParts = {
  id: z.uuid(),
  /** a sort value copied from a row: text PostgreSQL accepts, of a bounded length */
  text: z.string().max(300).refine(isCleanText),
  /** an instant, as toISOString() writes it */
  instant: z.iso.datetime(),
  /** a bigint primary key, in PostgreSQL's int8 range */
  bigintId: z.string().refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= 9_223_372_036_854_775_807n),
};
