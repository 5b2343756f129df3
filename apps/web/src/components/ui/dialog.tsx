import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal dialog on the native <dialog> element: focus moves inside and is trapped there, Escape closes it,
 * the page behind is inert. Rendered only while open.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** "Are you sure?" before a destructive action: the action's own words on the button, Annuler focused first. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
  destructive = true,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  /** false for an action that loses nothing (e.g. Relancer): the confirm button is not styled as a danger */
  destructive?: boolean;
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog__body">{message}</div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes the focus in a confirmation */}
        <button type="button" className="button button--secondary" onClick={onClose} autoFocus>
          Annuler
        </button>
        <button
          type="button"
          className={destructive ? "button button--danger" : "button"}
          onClick={onConfirm}
          disabled={pending}
        >
          {pending ? "Patientez…" : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
