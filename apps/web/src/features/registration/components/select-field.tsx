import { type ComponentPropsWithRef, useId } from "react";

interface SelectFieldProps extends Omit<ComponentPropsWithRef<"select">, "id" | "children"> {
  label: string;
  hint?: string;
  error?: string | undefined;
  /** [code, label] pairs, shown in this order */
  options: readonly (readonly [string, string])[];
  /** the empty first choice */
  placeholder: string;
}

/** A labelled select, laid out and announced like TextField (hint and error tied by aria-describedby). */
export function SelectField({ label, hint, error, options, placeholder, ...select }: SelectFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      <select
        id={id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...select}
      >
        <option value="">{placeholder}</option>
        {options.map(([code, text]) => (
          <option key={code} value={code}>
            {text}
          </option>
        ))}
      </select>
      {error && (
        <p id={errorId} className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
