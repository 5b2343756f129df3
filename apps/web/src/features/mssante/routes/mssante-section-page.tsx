import { type MssListItem, MssTab, publicationStatusText } from "@medimail/contracts/mssante";
import type { StructureDetail } from "@medimail/contracts/structures";
import { type FormEvent, useEffect, useId, useState } from "react";
import { Link, useOutletContext, useSearchParams } from "react-router";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { MssAddressDialog } from "../../shared/components/mss-address-dialog.tsx";
import { StateBadge } from "../../shared/components/state-badge.tsx";
import { useDeleteMssAddress, useMssList, useMssOverview } from "../api/mssante.ts";
import { ActivationPanel } from "../components/activation-panel.tsx";

const TABS: { key: MssTab; label: string }[] = [
  { key: "PER", label: "Personnel et personnel Interne" },
  { key: "ORG", label: "Organisationnel" },
  { key: "APP", label: "Applicatif" },
  { key: "NONE", label: "Non MSSanté" },
];

const quotaText = (quota: number) => (quota === -1 ? "Illimité" : quota.toLocaleString("fr-FR"));

/**
 * "Gestion des utilisateurs MSSanté": the counters per quota, the feed report, the accounts by address type with
 * their correspondence and its publication, and the accounts without one ("Non MSSanté").
 */
export function MssanteSectionPage() {
  const structure = useOutletContext<StructureDetail>();
  const overview = useMssOverview(structure.id);
  const [params, setParams] = useSearchParams();
  const parsedTab = MssTab.safeParse(params.get("onglet"));
  const tab: MssTab = parsedTab.success ? parsedTab.data : "PER";
  const daughters = params.get("filles") === "1";
  const q = params.get("q") ?? "";
  const after = params.get("apres");
  const update = (changes: Record<string, string | null>) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(key);
        else next.set(key, value);
      }
      if (!("apres" in changes)) next.delete("apres");
      return next;
    });

  if (overview.isPending) return <Loading label="Chargement des informations MSSanté…" />;
  if (overview.isError) return <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />;
  const data = overview.data;
  const editable = data.permissions.administer;

  return (
    <div className="mssante">
      <section aria-labelledby="mss-info-titre" className="card">
        <h2 id="mss-info-titre" className="card__title">
          Informations MSSanté
        </h2>
        <p>
          Domaine MSSanté : <strong>{data.domain ?? "non renseigné (l'opérateur doit le définir)"}</strong>
        </p>
        <table className="table table--compact">
          <caption className="sr-only">Adresses MSSanté utilisées et disponibles par type</caption>
          <thead>
            <tr>
              <th scope="col">Type de compte</th>
              <th scope="col">Utilisés</th>
              <th scope="col">Total disponible</th>
            </tr>
          </thead>
          <tbody>
            {data.quotas.map((quota) => (
              <tr key={quota.bucket}>
                <th scope="row">{quota.label}</th>
                <td>{quota.used.toLocaleString("fr-FR")}</td>
                <td>{quotaText(quota.quota)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link to="rapport" className="button button--secondary">
            Rapport d'alimentation
          </Link>{" "}
          <span className="muted">
            Les erreurs bloquantes empêchent la publication de l'adresse dans l'annuaire national.
          </span>
        </p>
      </section>

      <div className="accounts__toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={daughters}
            onChange={(e) => update({ filles: e.target.checked ? "1" : null })}
          />
          Inclure les structures filles
        </label>
      </div>

      <div role="tablist" aria-label="Comptes par type d'adresse" className="tabs">
        {TABS.map((item) => {
          const selected = item.key === tab;
          return (
            <button
              key={item.key}
              type="button"
              role="tab"
              id={`mss-onglet-${item.key}`}
              aria-selected={selected}
              aria-controls="mss-onglet-contenu"
              tabIndex={selected ? 0 : -1}
              className="tabs__tab"
              onClick={() => update({ onglet: item.key })}
              onKeyDown={(event) => {
                const index = TABS.findIndex((candidate) => candidate.key === item.key);
                const move = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                const target = TABS[(index + move + TABS.length) % TABS.length];
                if (move === 0 || !target) return;
                update({ onglet: target.key });
                document.getElementById(`mss-onglet-${target.key}`)?.focus();
              }}
            >
              {item.label}
              {!daughters && <span className="tabs__count">{data.counts[item.key].toLocaleString("fr-FR")}</span>}
            </button>
          );
        })}
      </div>

      <div id="mss-onglet-contenu" role="tabpanel" aria-labelledby={`mss-onglet-${tab}`} className="tabs__panel">
        {tab === "NONE" && editable && <ActivationPanel structureId={structure.id} daughters={daughters} />}
        <SearchForm key={q} initial={q} onSearch={(text) => update({ q: text })} />
        <MssTable
          structureId={structure.id}
          params={{ tab, q, daughters, after }}
          editable={editable}
          onPage={(cursor) => update({ apres: cursor })}
        />
      </div>
    </div>
  );
}

function SearchForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [q, setQ] = useState(initial);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(q.trim());
  };
  return (
    <search aria-label="Rechercher un compte MSSanté">
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor={id} className="field__label">
            Recherche
          </label>
          <input
            id={id}
            className="field__input"
            type="search"
            placeholder="Adresse mail, nom, prénom, adresse MSSanté"
            value={q}
            maxLength={200}
            onChange={(event) => setQ(event.target.value)}
          />
        </div>
        <button type="submit" className="button">
          Rechercher
        </button>
      </form>
    </search>
  );
}

function MssTable({
  structureId,
  params,
  editable,
  onPage,
}: {
  structureId: string;
  params: { tab: MssTab; q: string; daughters: boolean; after: string | null };
  editable: boolean;
  onPage: (after: string | null) => void;
}) {
  const list = useMssList(structureId, params);
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<MssListItem | null>(null);
  const remove = useDeleteMssAddress();
  // a dialog belongs to the tab it was opened from
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the tab changes, on purpose
  useEffect(() => setEditing(null), [params.tab]);

  if (list.isPending) return <Loading label="Chargement des comptes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;
  if (items.length === 0 && !params.after) {
    return (
      <EmptyState
        title={
          params.q
            ? "Aucun compte ne correspond à cette recherche"
            : params.tab === "NONE"
              ? "Tous les comptes ont une correspondance MSSanté"
              : "Aucune correspondance MSSanté de ce type"
        }
      />
    );
  }
  return (
    <>
      <div className="table-wrapper">
        <table className="table">
          <caption className="sr-only">Comptes et correspondances MSSanté</caption>
          <thead>
            <tr>
              <th scope="col">Mail</th>
              <th scope="col">Nom</th>
              <th scope="col">Prénom</th>
              <th scope="col">Type</th>
              <th scope="col">Statut</th>
              {params.daughters && <th scope="col">Structure</th>}
              {params.tab !== "NONE" && <th scope="col">Adresse MSSanté</th>}
              {params.tab !== "NONE" && <th scope="col">Annuaire</th>}
              {editable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.accountId}>
                <td>
                  <Link to={`/structures/${item.structureId}/utilisateurs/${item.accountId}`}>{item.email}</Link>
                </td>
                <td>{item.lastName}</td>
                <td>{item.firstName}</td>
                <td>{item.type}</td>
                <td>
                  <StateBadge state={item.state} />
                </td>
                {params.daughters && <td>{item.structureName}</td>}
                {params.tab !== "NONE" && <td>{item.address}</td>}
                {params.tab !== "NONE" && (
                  <td>
                    {item.listed ? "Visible" : "Liste rouge"}
                    {item.publicationStatus && (
                      <span className="muted"> · {publicationStatusText(item.publicationStatus, item.listed)}</span>
                    )}
                  </td>
                )}
                {editable && (
                  <td>
                    <div className="row-actions">
                      {item.type === "MED" ? (
                        <span className="muted">MED : pas de correspondance</span>
                      ) : (
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          aria-label={`${item.address ? "Modifier" : "Créer"} la correspondance de ${item.email}`}
                          onClick={() => setEditing(item.accountId)}
                        >
                          {item.address ? "Modifier" : "Créer"}
                        </button>
                      )}
                      {item.address && (
                        <button
                          type="button"
                          className="button button--small button--danger-outline"
                          aria-label={`Supprimer la correspondance de ${item.email}`}
                          onClick={() => setDeleting(item)}
                        >
                          Supprimer
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Pages de comptes MSSanté"
        onPrevious={
          params.after
            ? () => {
                setPrevious(previous.slice(0, -1));
                onPage(previous.at(-1) ?? null);
              }
            : null
        }
        onNext={
          nextCursor
            ? () => {
                setPrevious([...previous, params.after]);
                onPage(nextCursor);
              }
            : null
        }
      />
      {editing && <MssAddressDialog accountId={editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Supprimer cette correspondance MSSanté ?"
          message={
            <p>
              L'adresse <strong>{deleting.address}</strong> sera retirée de l'annuaire national à la prochaine
              publication (cette nuit). Le compte Medimail reste actif.
            </p>
          }
          confirmLabel="Supprimer la correspondance"
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(deleting.accountId, { onSuccess: () => setDeleting(null) })}
          onClose={() => {
            setDeleting(null);
            remove.reset();
          }}
        />
      )}
    </>
  );
}
