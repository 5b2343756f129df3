import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError } from "./api-client.ts";

/**
 * Puts the API's field errors ("body.identifier") next to the form's fields; answers the message to show
 * above the form when the error concerns no field (or is not a validation error).
 */
export function applyServerErrors<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : "Erreur inattendue";
  const details = error.envelope.details ?? [];
  for (const detail of details) {
    const field = detail.path.replace(/^body\./, "");
    setError(field as Path<T>, { type: "server", message: detail.message });
  }
  return details.length > 0 ? null : error.message;
}
