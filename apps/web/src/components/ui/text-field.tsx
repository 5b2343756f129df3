import type { ComponentPropsWithRef } from "react";
import { FieldFrame, useFieldIds } from "./field.tsx";

interface TextFieldProps extends Omit<ComponentPropsWithRef<"input">, "id"> {
  label: string;
  /** shown under the label, read with the field */
  hint?: string;
  /** a French message shown next to the field, read by screen readers with it */
  error?: string | undefined;
}

/** A labelled input with its hint and its error next to it (aria-invalid, aria-describedby). */
export function TextField({ label, hint, error, ...input }: TextFieldProps) {
  const ids = useFieldIds(hint, error);
  return (
    <FieldFrame ids={ids} label={label} hint={hint} error={error}>
      <input
        id={ids.id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </FieldFrame>
  );
}

/** Field errors of a zod result, by field name (first message of each). */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "");
    errors[field] ??= issue.message;
  }
  return errors;
}
