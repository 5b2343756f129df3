import type { FieldValues, UseFormSetError } from "react-hook-form";
import { ApiError } from "../../../lib/api-client.ts";
import { applyServerErrors } from "../../../lib/form-errors.ts";

/** Like applyServerErrors, with the message of the sign-in pages when too many attempts came from this computer. */
export function publicFormError<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>): string | null {
  if (error instanceof ApiError && error.status === 429) {
    return "Trop de tentatives depuis votre poste. Patientez une minute avant de réessayer.";
  }
  return applyServerErrors(error, setError);
}
