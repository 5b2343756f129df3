/** "Page précédente" / "Page suivante" under a list paged on the server. */
export function Pager({
  label,
  onPrevious,
  onNext,
}: {
  label: string;
  /** null when on the first page */
  onPrevious: (() => void) | null;
  /** null when on the last page */
  onNext: (() => void) | null;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button button--secondary" disabled={!onPrevious} onClick={() => onPrevious?.()}>
        Page précédente
      </button>
      <button type="button" className="button button--secondary" disabled={!onNext} onClick={() => onNext?.()}>
        Page suivante
      </button>
    </nav>
  );
}
