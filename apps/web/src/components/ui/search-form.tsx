import type { FormEvent, ReactNode } from "react";

/** A search landmark around a row of filters, submitted by its "Rechercher" button (or Enter). */
export function SearchForm({
  label,
  onSearch,
  children,
  actions,
}: {
  /** the landmark's accessible name ("Rechercher un compte") */
  label: string;
  onSearch: () => void;
  /** the fields (TextField, SelectField…) */
  children: ReactNode;
  /** more buttons after "Rechercher" (e.g. clearing the criteria) */
  actions?: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch();
  };
  return (
    <search aria-label={label}>
      <form className="filters" onSubmit={submit}>
        {children}
        <button type="submit" className="button">
          Rechercher
        </button>
        {actions}
      </form>
    </search>
  );
}
