import { type MssListItem, MssTab, publicationStatusText } from "@medimail/contracts/mssante";
import type { StructureDetail } from "@medimail/contracts/structures";
import { useEffect, useState } from "react";
import { Link, useOutletContext, useSearchParams } from "react-router";
import { DataTable } from "../../../components/ui/data-table.tsx";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { SearchForm } from "../../../components/ui/search-form.tsx";
import { Tabs } from "../../../components/ui/tabs.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { useCursorPager, useUpdateSearchParams } from "../../../lib/use-cursor-pager.ts";
import { DaughtersToggle } from "../../shared/components/daughters-toggle.tsx";
import { MssAddressDialog } from "../../shared/components/mss-address-dialog.tsx";
import { StateBadge } from "../../shared/components/state-badge.tsx";
import { type MssListParams, useDeleteMssAddress, useMssList, useMssOverview } from "../api/mssante.ts";
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
  const [params] = useSearchParams();
  const parsedTab = MssTab.safeParse(params.get("onglet"));
  const tab: MssTab = parsedTab.success ? parsedTab.data : "PER";
  const daughters = params.get("filles") === "1";
  const q = params.get("q") ?? "";
  const update = useUpdateSearchParams();

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
        <DaughtersToggle checked={daughters} onChange={(checked) => update({ filles: checked ? "1" : null })} />
      </div>

      <Tabs
        label="Comptes par type d'adresse"
        idPrefix="mss-onglet"
        tabs={TABS.map((item) => ({ ...item, count: daughters ? null : data.counts[item.key] }))}
        selected={tab}
        onSelect={(key) => update({ onglet: key })}
      >
        {tab === "NONE" && editable && <ActivationPanel structureId={structure.id} daughters={daughters} />}
        <MssSearchForm key={q} initial={q} onSearch={(text) => update({ q: text })} />
        <MssTable structureId={structure.id} params={{ tab, q, daughters }} editable={editable} />
      </Tabs>
    </div>
  );
}

function MssSearchForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [q, setQ] = useState(initial);
  return (
    <SearchForm label="Rechercher un compte MSSanté" onSearch={() => onSearch(q.trim())}>
      <TextField
        label="Recherche"
        type="search"
        placeholder="Adresse mail, nom, prénom, adresse MSSanté"
        value={q}
        maxLength={200}
        onChange={(event) => setQ(event.target.value)}
      />
    </SearchForm>
  );
}

function MssTable({
  structureId,
  params,
  editable,
}: {
  structureId: string;
  params: Omit<MssListParams, "after">;
  editable: boolean;
}) {
  const pager = useCursorPager();
  const list = useMssList(structureId, { ...params, after: pager.cursor });
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<MssListItem | null>(null);
  const remove = useDeleteMssAddress();
  // a dialog belongs to the tab it was opened from
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the tab changes, on purpose
  useEffect(() => setEditing(null), [params.tab]);

  if (list.isPending) return <Loading label="Chargement des comptes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;
  if (items.length === 0 && !pager.cursor) {
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
      <DataTable<MssListItem>
        caption="Comptes et correspondances MSSanté"
        rows={items}
        rowKey={(item) => item.accountId}
        columns={[
          {
            key: "email",
            header: "Mail",
            cell: (item) => (
              <Link to={`/structures/${item.structureId}/utilisateurs/${item.accountId}`}>{item.email}</Link>
            ),
          },
          { key: "lastName", header: "Nom", cell: (item) => item.lastName },
          { key: "firstName", header: "Prénom", cell: (item) => item.firstName },
          { key: "type", header: "Type", cell: (item) => item.type },
          { key: "state", header: "Statut", cell: (item) => <StateBadge state={item.state} /> },
          params.daughters && { key: "structure", header: "Structure", cell: (item) => item.structureName },
          params.tab !== "NONE" && { key: "address", header: "Adresse MSSanté", cell: (item) => item.address },
          params.tab !== "NONE" && {
            key: "listed",
            header: "Annuaire",
            cell: (item) => (
              <>
                {item.listed ? "Visible" : "Liste rouge"}
                {item.publicationStatus && (
                  <span className="muted"> · {publicationStatusText(item.publicationStatus, item.listed)}</span>
                )}
              </>
            ),
          },
          editable && {
            key: "actions",
            header: "Actions",
            cell: (item) => (
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
            ),
          },
        ]}
      />
      <Pager label="Pages de comptes MSSanté" {...pager.controls(nextCursor)} />
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
