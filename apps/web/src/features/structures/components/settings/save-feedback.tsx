/** The "Enregistrer" button of a settings block, with the outcome announced next to it. */
export function SaveFeedback({ saving, saved, error }: { saving: boolean; saved: boolean; error: string | null }) {
  return (
    <div className="button-row">
      <button type="submit" className="button" disabled={saving}>
        {saving ? "Enregistrement…" : "Enregistrer"}
      </button>
      <span role="status" aria-live="polite">
        {saved && !error && <span className="badge badge--success">Modifications enregistrées</span>}
      </span>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
