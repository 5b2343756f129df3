import { z } from "zod";

export const Uuid = z.uuid({ message: "Identifiant invalide" });

export const IdParams = z.object({ id: Uuid });
export type IdParams = z.infer<typeof IdParams>;

/** Every error the API answers has this shape. 5xx never carry internals. */
export const ErrorEnvelope = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  details: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe("one entry per invalid field, for validation errors"),
  requestId: z.string(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export const ErrorCode = z.enum([
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "INVALID_CREDENTIALS",
  "INVALID_CODE",
  "LOGIN_EXPIRED",
  "CSRF_REJECTED",
  "UNSUPPORTED_MEDIA_TYPE",
  "FORBIDDEN",
  /** a sensitive change needs the password or the app's code entered again (POST /api/me/reauth) */
  "REAUTH_REQUIRED",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "ACCOUNT_LOCKED",
  "PAYLOAD_TOO_LARGE",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** C0 controls but tab, line feed and carriage return; DEL; a surrogate half without its other half. */
const FORBIDDEN_TEXT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a person types: no NUL (PostgreSQL refuses it in text), no control character, well-formed Unicode. */
export function isCleanText(value: string): boolean {
  return !FORBIDDEN_TEXT.test(value);
}

/** A search text or a filter of a query string: trimmed, bounded, clean. */
export const SearchText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Recherche trop longue (${max} caractères au plus)`)
    .refine(isCleanText, { message: "Caractères non autorisés dans la recherche" });

/** The opaque `nextCursor` of a page, sent back for the next one (base64url; its content checked by the API). */
export const PageCursor = z
  .string()
  .max(1000, "Curseur de pagination invalide")
  .regex(/^[A-Za-z0-9_-]+$/, "Curseur de pagination invalide");

/** A "true"/"false" query-string flag (e.g. `?daughters=true`), read as a boolean; absent: undefined. */
export const booleanQuery = () =>
  z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional();

/** `{ items }`: a whole list, in one answer. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** `{ items, nextCursor }`: a page of a keyset-paginated list; `nextCursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** null on the last page */
    nextCursor: z.string().nullable(),
  });

/**
 * An enum and its French labels, written once: the enum's values are the labels' keys, in their order.
 * `export const [Status, statusLabels] = labelledEnum({ DONE: "Terminée", … });`
 */
export function labelledEnum<const K extends string>(
  labels: Record<K, string>,
): [z.ZodEnum<{ [k in K]: k }>, Record<K, string>] {
  return [z.enum(Object.keys(labels) as [K, ...K[]]), labels];
}
