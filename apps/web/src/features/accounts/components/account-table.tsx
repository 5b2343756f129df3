import type { AccountListItem, AccountSort } from "@medimail/contracts/accounts";
import { accountStateLabels } from "@medimail/contracts/enums";
import { PROFESSIONS } from "@medimail/domain/referentials";
import { Link } from "react-router";
import { DataTable } from "../../../components/ui/data-table.tsx";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { formatDate } from "../../../lib/format.ts";
import { useCursorPager } from "../../../lib/use-cursor-pager.ts";
import { StateBadge } from "../../shared/components/state-badge.tsx";
import { type AccountSearchParams, useAccountList } from "../api/accounts.ts";
import { AccountRowActions } from "./account-row-actions.tsx";

/** One page of accounts for the current criteria, sortable, with each row's actions; its pages are in the URL. */
export function AccountTable({
  structureId,
  editable,
  search,
  onSort,
}: {
  structureId: string;
  /** false for read-only (support) callers: no actions */
  editable: boolean;
  /** the criteria; the page (`after`) is the URL's, see useCursorPager */
  search: Omit<AccountSearchParams, "after">;
  onSort: (sort: AccountSort) => void;
}) {
  const pager = useCursorPager();
  const list = useAccountList(structureId, { ...search, after: pager.cursor });

  if (list.isPending) return <Loading label="Recherche des comptes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;

  if (items.length === 0 && !pager.cursor) {
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

  return (
    <>
      <p className="table-caption" aria-live="polite">
        {list.isFetching ? "Mise à jour…" : `${items.length} compte${items.length > 1 ? "s" : ""} sur cette page`}
      </p>
      <DataTable<AccountListItem, AccountSort>
        caption="Comptes Medimail"
        rows={items}
        rowKey={(account) => account.id}
        sort={{ key: search.sort, order: search.order }}
        onSort={onSort}
        columns={[
          {
            key: "email",
            header: "Mail",
            sort: "email",
            cell: (account) => <Link to={account.id}>{account.email}</Link>,
          },
          {
            key: "state",
            header: "État",
            cell: (account) => (
              <>
                <StateBadge state={account.state} />
                {account.hasPendingEmailChange && (
                  <span className="badge badge--info">changement de mail en attente</span>
                )}
              </>
            ),
          },
          { key: "type", header: "Type", cell: (account) => account.type },
          { key: "name", header: "Nom", sort: "name", cell: (account) => account.lastName },
          { key: "firstName", header: "Prénom", cell: (account) => account.firstName },
          {
            key: "profession",
            header: "Profession",
            cell: (account) => (account.profession ? (PROFESSIONS[account.profession] ?? account.profession) : "—"),
          },
          { key: "rpps", header: "RPPS / ADELI", cell: (account) => account.rpps ?? account.adeli ?? "—" },
          search.daughters && { key: "structure", header: "Structure", cell: (account) => account.structureName },
          { key: "createdAt", header: "Créé le", sort: "createdAt", cell: (account) => formatDate(account.createdAt) },
          {
            key: "actions",
            header: "Actions",
            cell: (account) =>
              editable ? (
                <AccountRowActions account={account} />
              ) : (
                <Link to={account.id} aria-label={`Consulter ${account.email}`}>
                  Consulter
                </Link>
              ),
          },
        ]}
      />
      <Pager label="Pages de comptes" {...pager.controls(nextCursor)} />
    </>
  );
}
