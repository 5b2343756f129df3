import type { AccountListItem, AccountSort } from "@medimail/contracts/accounts";
import { accountStateLabels } from "@medimail/contracts/enums";
import { PROFESSIONS } from "@medimail/domain/referentials";
import { useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { StateBadge } from "../../shared/components/state-badge.tsx";
import { type AccountSearchParams, useAccountList } from "../api/accounts.ts";
import { AccountRowActions } from "./account-row-actions.tsx";

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });

/** One page of accounts for the current criteria, sortable, with each row's actions. */
export function AccountTable({
  structureId,
  editable,
  search,
  onSort,
  onPage,
}: {
  structureId: string;
  /** false for read-only (support) callers: no actions */
  editable: boolean;
  search: AccountSearchParams;
  onSort: (sort: AccountSort) => void;
  onPage: (after: string | null) => void;
}) {
  const list = useAccountList(structureId, search);
  // the cursors of the pages before this one, to go back ("Page précédente")
  const [previous, setPrevious] = useState<(string | null)[]>([]);

  if (list.isPending) return <Loading label="Recherche des comptes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;

  if (items.length === 0 && !search.after) {
    return (
      <EmptyState title={search.q || search.type ? "Aucun compte ne correspond à ces critères" : "Aucun compte"}>
        <p>
          {search.q || search.type
            ? "Vérifiez l'orthographe, retirez un filtre ou incluez les structures filles."
            : search.state
              ? `Aucun compte « ${accountStateLabels[search.state].toLowerCase()} » dans cette structure.`
              : "Créez le premier utilisateur de la structure."}
        </p>
      </EmptyState>
    );
  }

  const sortHeader = (sort: AccountSort, label: string) => {
    const active = search.sort === sort;
    return (
      <th scope="col" aria-sort={active ? (search.order === "asc" ? "ascending" : "descending") : undefined}>
        <button type="button" className="sort-button" onClick={() => onSort(sort)}>
          {label}
          <span aria-hidden="true">{active ? (search.order === "asc" ? " ▲" : " ▼") : ""}</span>
        </button>
      </th>
    );
  };

  return (
    <>
      <p className="table-caption" aria-live="polite">
        {list.isFetching ? "Mise à jour…" : `${items.length} compte${items.length > 1 ? "s" : ""} sur cette page`}
      </p>
      <div className="table-wrapper">
        <table className="table">
          <caption className="sr-only">Comptes Medimail</caption>
          <thead>
            <tr>
              {sortHeader("email", "Mail")}
              <th scope="col">État</th>
              <th scope="col">Type</th>
              {sortHeader("name", "Nom")}
              <th scope="col">Prénom</th>
              <th scope="col">Profession</th>
              <th scope="col">RPPS / ADELI</th>
              {search.daughters && <th scope="col">Structure</th>}
              {sortHeader("createdAt", "Créé le")}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((account) => (
              <Row key={account.id} account={account} showStructure={search.daughters} editable={editable} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Pages de comptes"
        onPrevious={
          search.after
            ? () => {
                const before = previous.at(-1) ?? null;
                setPrevious(previous.slice(0, -1));
                onPage(before);
              }
            : null
        }
        onNext={
          nextCursor
            ? () => {
                setPrevious([...previous, search.after]);
                onPage(nextCursor);
              }
            : null
        }
      />
    </>
  );
}

function Row({
  account,
  showStructure,
  editable,
}: {
  account: AccountListItem;
  showStructure: boolean;
  editable: boolean;
}) {
  return (
    <tr>
      <td>
        <Link to={account.id}>{account.email}</Link>
      </td>
      <td>
        <StateBadge state={account.state} />
        {account.hasPendingEmailChange && <span className="badge badge--info">changement de mail en attente</span>}
      </td>
      <td>{account.type}</td>
      <td>{account.lastName}</td>
      <td>{account.firstName}</td>
      <td>{account.profession ? (PROFESSIONS[account.profession] ?? account.profession) : "—"}</td>
      <td>{account.rpps ?? account.adeli ?? "—"}</td>
      {showStructure && <td>{account.structureName}</td>}
      <td>{dateFormat.format(new Date(account.createdAt))}</td>
      <td>
        {editable ? (
          <AccountRowActions account={account} />
        ) : (
          <Link to={account.id} aria-label={`Consulter ${account.email}`}>
            Consulter
          </Link>
        )}
      </td>
    </tr>
  );
}
