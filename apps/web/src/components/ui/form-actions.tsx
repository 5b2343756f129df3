import type { ReactNode } from "react";

/** The message of a form's failure that concerns no field, announced; nothing when there is none. */
export function FormError({ message }: { message: ReactNode }) {
  if (!message) return null;
  return (
    <p className="error-text" role="alert">
      {message}
    </p>
  );
}

/** A dialog form's buttons: the secondary one closes it, the submit says what it is doing while pending. */
export function FormActions({
  closeLabel = "Annuler",
  onClose,
  submitLabel,
  pendingLabel,
  pending,
}: {
  closeLabel?: string;
  onClose: () => void;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
}) {
  return (
    <div className="button-row">
      <button type="button" className="button button--secondary" onClick={onClose}>
        {closeLabel}
      </button>
      <button type="submit" className="button" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </div>
  );
}
