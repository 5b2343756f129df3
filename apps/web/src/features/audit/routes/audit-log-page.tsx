import { type AuditEventView, auditActionLabels } from "@medimail/contracts/audit";
import type { FormEvent } from "react";
import { useSearchParams } from "react-router";
import { DataTable } from "../../../components/ui/data-table.tsx";
import { EmptyState } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { QueryView } from "../../../components/ui/query-view.tsx";
import { SelectField } from "../../../components/ui/select-field.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useCursorPager } from "../../../lib/use-cursor-pager.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useStructures } from "../../shared/api/structures.ts";
import { type AuditFilters, useAuditPage } from "../api/list-audit.ts";

const FILTER_KEYS = ["structureId", "actor", "action", "from", "to"] as const;
const actionLabel = (action: string) => (auditActionLabels as Record<string, string>)[action] ?? action;
const actionOptions = Object.entries(auditActionLabels).map(([value, label]) => ({ value, label }));

/** "Journal d'audit": every recorded change of the caller's scope, filtered and paged on the server. */
export function AuditLogPage() {
  usePageTitle("Journal d'audit");
  const [params, setParams] = useSearchParams();
  // the API's own parameter name, kept in the URL as it always was (`cursor`, and `avant` for the pages before)
  const pager = useCursorPager({ param: "cursor" });
  const filters: AuditFilters = Object.fromEntries(FILTER_KEYS.map((key) => [key, params.get(key) ?? undefined]));
  const page = useAuditPage({ ...filters, cursor: pager.cursor ?? undefined });
  const structures = useStructures();

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

  return (
    <>
      <h1>Journal d'audit</h1>
      <p className="muted">
        Connexions, changements et actions des tâches planifiées sur les structures de votre périmètre, du plus récent
        au plus ancien.
      </p>
      <form className="filters" onSubmit={applyFilters} aria-label="Filtres du journal" key={params.toString()}>
        <SelectField
          label="Structure (et ses filles)"
          name="structureId"
          defaultValue={filters.structureId ?? ""}
          placeholder="Toutes"
          options={structures.data?.items.map((structure) => ({ value: structure.id, label: structure.name })) ?? []}
        />
        <TextField label="Acteur" name="actor" defaultValue={filters.actor ?? ""} placeholder="adresse e-mail" />
        <SelectField
          label="Action"
          name="action"
          defaultValue={filters.action ?? ""}
          placeholder="Toutes"
          options={actionOptions}
        />
        <TextField label="Du" type="date" name="from" defaultValue={filters.from ?? ""} />
        <TextField label="Au" type="date" name="to" defaultValue={filters.to ?? ""} />
        <div className="button-row">
          <button type="submit" className="button">
            Filtrer
          </button>
          <button type="button" className="button button--secondary" onClick={() => setParams(new URLSearchParams())}>
            Réinitialiser
          </button>
        </div>
      </form>

      <QueryView
        query={page}
        loadingLabel="Chargement du journal…"
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="Aucun événement ne correspond à ces filtres" />}
      >
        {(data) => (
          <>
            <DataTable<AuditEventView>
              caption="Événements du journal d'audit"
              captionClassName="table-caption"
              compact
              busy={page.isFetching}
              rows={data.items}
              rowKey={(event) => event.id}
              columns={[
                { key: "at", header: "Date", cell: (event) => formatDateTime(event.at) },
                { key: "actor", header: "Acteur", cell: (event) => event.actorLabel },
                { key: "action", header: "Action", cell: (event) => actionLabel(event.action) },
                { key: "structure", header: "Structure", cell: (event) => event.structureName ?? "—" },
                { key: "details", header: "Détails", cell: (event) => <AuditDetails event={event} /> },
              ]}
            />
            <Pager label="Pages du journal" {...pager.controls(data.nextCursor)} />
          </>
        )}
      </QueryView>
    </>
  );
}

function AuditDetails({ event }: { event: AuditEventView }) {
  const hasDetails = event.before !== null || event.after !== null;
  if (!hasDetails) return <span className="muted">{event.ip ? `IP ${event.ip}` : "—"}</span>;
  return (
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
  );
}
