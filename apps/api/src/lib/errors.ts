import type { ErrorCode } from "@medimail/contracts/common";

/** Errors a service throws on purpose; the error handler turns them into the error envelope. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const notFound = (message = "Ressource introuvable") => new AppError(404, "NOT_FOUND", message);
export const forbidden = (message = "Action non autorisée") => new AppError(403, "FORBIDDEN", message);
export const conflict = (message: string) => new AppError(409, "CONFLICT", message);
export const validationFailed = (message: string, details?: { path: string; message: string }[]) =>
  new AppError(400, "VALIDATION_FAILED", message, details);
