import { type ReactNode, useId } from "react";

/** The ids tying a field's input to its hint and its error (aria-describedby), as TextField and SelectField do. */
export function useFieldIds(hint: string | undefined, error: string | undefined) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return { id, hintId, errorId, describedBy };
}

/** A field's frame: its label, its hint under the label, the control, then its error (announced). */
export function FieldFrame({
  ids,
  label,
  hint,
  error,
  children,
}: {
  ids: ReturnType<typeof useFieldIds>;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={ids.id} className="field__label">
        {label}
      </label>
      {hint && (
        <p id={ids.hintId} className="field__hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={ids.errorId} className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
