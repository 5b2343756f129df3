import type { ComponentPropsWithRef } from "react";
import { FieldFrame, useFieldIds } from "./field.tsx";

interface SelectFieldProps extends Omit<ComponentPropsWithRef<"select">, "id"> {
  label: string;
  hint?: string;
  error?: string | undefined;
  options: readonly { value: string; label: string }[];
  /** the first, empty choice ("Choisissez…"); omitted when every value is valid */
  placeholder?: string;
}

/** A labelled select with its hint and its error next to it, like TextField. */
export function SelectField({ label, hint, error, options, placeholder, ...select }: SelectFieldProps) {
  const ids = useFieldIds(hint, error);
  return (
    <FieldFrame ids={ids} label={label} hint={hint} error={error}>
      <select
        id={ids.id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...select}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
