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
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "ACCOUNT_LOCKED",
  "PAYLOAD_TOO_LARGE",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;
