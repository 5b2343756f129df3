import { type AuditEventView, auditActionLabels } from "@medimail/contracts/audit";
import { type FormEvent, useId } from "react";
import { useSearchParams } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useStructures } from "../../shared/api/structures.ts";
import { type AuditFilters, useAuditPage } from "../api/list-audit.ts";

const FILTER_KEYS = ["structureId", "actor", "action", "from", "to"] as const;
const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});
const actionLabel = (action: string) => (auditActionLabels as Record<string, string>)[action] ?? action;

/** "Journal d'audit": every recorded change of the caller's scope, filtered and paged on the server. */
export function AuditLogPage() {
  usePageTitle("Journal d'audit");
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = Object.fromEntries(
    [...FILTER_KEYS, "cursor"].map((key) => [key, params.get(key) ?? undefined]),
  );
  // the cursors of the pages before this one, to go back ("Page précédente")
  const previous = params.getAll("avant");
  const page = useAuditPage(filters);
  const structures = useStructures();
  const formId = useId();

  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };
  const goTo = (cursor: string | null, before: string[]) => {
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) next.set(key, filters[key] as string);
    if (cursor) next.set("cursor", cursor);
    for (const value of before) next.append("avant", value);
    setParams(next);
  };

  return (
    <>
      <h1>Journal d'audit</h1>
      <p className="muted">
        Connexions, changements et actions des tâches planifiées sur les structures de votre périmètre, du plus récent
        au plus ancien.
      </p>
      <form className="filters" onSubmit={applyFilters} aria-label="Filtres du journal" key={params.toString()}>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-structure`}>
            Structure (et ses filles)
          </label>
          <select
            id={`${formId}-structure`}
            name="structureId"
            defaultValue={filters.structureId ?? ""}
            className="field__input"
          >
            <option value="">Toutes</option>
            {structures.data?.items.map((structure) => (
              <option key={structure.id} value={structure.id}>
                {structure.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-actor`}>
            Acteur
          </label>
          <input
            id={`${formId}-actor`}
            name="actor"
            defaultValue={filters.actor ?? ""}
            className="field__input"
            placeholder="adresse e-mail"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-action`}>
            Action
          </label>
          <select id={`${formId}-action`} name="action" defaultValue={filters.action ?? ""} className="field__input">
            <option value="">Toutes</option>
            {Object.entries(auditActionLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-from`}>
            Du
          </label>
          <input
            id={`${formId}-from`}
            type="date"
            name="from"
            defaultValue={filters.from ?? ""}
            className="field__input"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${formId}-to`}>
            Au
          </label>
          <input id={`${formId}-to`} type="date" name="to" defaultValue={filters.to ?? ""} className="field__input" />
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            Filtrer
          </button>
          <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
            Réinitialiser
          </button>
        </div>
      </form>

      {page.isPending ? (
        <Loading label="Chargement du journal…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : page.data.items.length === 0 ? (
        <EmptyState title="Aucun événement ne correspond à ces filtres" />
      ) : (
        <>
          <div className="table-wrapper" aria-busy={page.isFetching}>
            <table className="table table--compact">
              <caption className="table-caption">Événements du journal d'audit</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Acteur</th>
                  <th scope="col">Action</th>
                  <th scope="col">Structure</th>
                  <th scope="col">Détails</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((event) => (
                  <AuditRow key={event.id} event={event} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Pages du journal"
            onPrevious={filters.cursor ? () => goTo(previous.at(-1) || null, previous.slice(0, -1)) : null}
            onNext={page.data.nextCursor ? () => goTo(page.data.nextCursor, [...previous, filters.cursor ?? ""]) : null}
          />
        </>
      )}
    </>
  );
}

function AuditRow({ event }: { event: AuditEventView }) {
  const hasDetails = event.before !== null || event.after !== null;
  return (
    <tr>
      <td>{dateTime.format(new Date(event.at))}</td>
      <td>{event.actorLabel}</td>
      <td>{actionLabel(event.action)}</td>
      <td>{event.structureName ?? "—"}</td>
      <td>
        {hasDetails ? (
          <details>
            <summary>Avant / après</summary>
            {event.before !== null && (
              <>
                <p className="muted">Avant</p>
                <pre className="json">{JSON.stringify(event.before, null, 2)}</pre>
              </>
            )}
            {event.after !== null && (
              <>
                <p className="muted">Après</p>
                <pre className="json">{JSON.stringify(event.after, null, 2)}</pre>
              </>
            )}
            {event.ip && <p className="muted">Adresse IP : {event.ip}</p>}
          </details>
        ) : (
          <span className="muted">{event.ip ? `IP ${event.ip}` : "—"}</span>
        )}
      </td>
    </tr>
  );
}
