import type { ErrorCode } from "@medimail/contracts/common";

/** Errors a service throws on purpose; the error handler turns them into the error envelope. */
export class AppError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly details: { path: string; message: string }[] | undefined;

  constructor(statusCode: number, code: ErrorCode, message: string, details?: { path: string; message: string }[]) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (message = "Ressource introuvable") => new AppError(404, "NOT_FOUND", message);
export const forbidden = (message = "Action non autorisée") => new AppError(403, "FORBIDDEN", message);
export const conflict = (message: string) => new AppError(409, "CONFLICT", message);
export const validationFailed = (message: string, details?: { path: string; message: string }[]) =>
  new AppError(400, "VALIDATION_FAILED", message, details);
