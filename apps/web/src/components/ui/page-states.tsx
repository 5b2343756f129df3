import type { ReactNode } from "react";
import { ApiError } from "../../lib/api-client.ts";

/** Announced to screen readers; shown while a request runs. */
export function Loading({ label = "Chargement…" }: { label?: string }) {
  return (
    <p className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : "Une erreur inattendue est survenue.";
  const requestId = error instanceof ApiError ? error.envelope.requestId : "";
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert__title">Impossible d'afficher cette page</p>
      <p>{message}</p>
      {requestId && <p className="muted">Référence à communiquer au support : {requestId}</p>}
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Réessayer
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{title}</p>
      {children}
    </div>
  );
}
