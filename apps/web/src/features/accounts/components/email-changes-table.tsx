import type { EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import { useState } from "react";
import { Link } from "react-router";
import { DataTable } from "../../../components/ui/data-table.tsx";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { useCursorPager } from "../../../lib/use-cursor-pager.ts";
import { useCancelEmailChange, useEmailChanges } from "../api/accounts.ts";
import { EmailChangeDialog } from "./email-change-dialog.tsx";

export const emailChangeStatusLabels: Record<EmailChangeRequestSummary["status"], string> = {
  PENDING: "En attente (appliquée cette nuit)",
  DONE: "Réalisée",
  CANCELLED: "Supprimée",
  FAILED: "Échec",
};

/** "Demandes de changement de mail": old and new email, dates, status; pending ones can be edited or deleted. */
export function EmailChangesTable({
  structureId,
  editable,
  daughters,
}: {
  structureId: string;
  editable: boolean;
  daughters: boolean;
}) {
  const pager = useCursorPager();
  const list = useEmailChanges(structureId, daughters, pager.cursor);
  const [editing, setEditing] = useState<EmailChangeRequestSummary | null>(null);
  const [deleting, setDeleting] = useState<EmailChangeRequestSummary | null>(null);
  const cancel = useCancelEmailChange();

  if (list.isPending) return <Loading label="Chargement des demandes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;
  if (items.length === 0 && !pager.cursor) {
    return (
      <EmptyState title="Aucune demande de changement de mail">
        <p>Pour changer l'adresse d'un compte, ouvrez sa fiche puis « Changer l'adresse mail ».</p>
      </EmptyState>
    );
  }

  return (
    <>
      <DataTable<EmailChangeRequestSummary>
        caption="Demandes de changement de mail"
        rows={items}
        rowKey={(request) => request.id}
        columns={[
          {
            key: "account",
            header: "Compte",
            cell: (request) => <Link to={`../utilisateurs/${request.accountId}`}>{request.accountName}</Link>,
          },
          { key: "oldEmail", header: "Ancien mail", cell: (request) => request.oldEmail },
          { key: "newEmail", header: "Nouveau mail", cell: (request) => request.newEmail },
          { key: "requestedAt", header: "Date de demande", cell: (request) => formatDateTime(request.requestedAt) },
          {
            key: "doneAt",
            header: "Date de réalisation",
            // doneAt is also when a request was deleted or failed: only a made change has a "réalisation"
            cell: (request) => (request.status === "DONE" ? formatDateTime(request.doneAt) : "—"),
          },
          {
            key: "status",
            header: "Statut",
            cell: (request) => (
              <>
                {emailChangeStatusLabels[request.status]}
                {request.status === "CANCELLED" && request.doneAt && ` le ${formatDateTime(request.doneAt)}`}
                {request.failureReason && <span className="muted"> : {request.failureReason}</span>}
              </>
            ),
          },
          {
            key: "actions",
            header: "Actions",
            cell: (request) =>
              editable &&
              request.status === "PENDING" && (
                <div className="row-actions">
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    aria-label={`Modifier la demande pour ${request.oldEmail}`}
                    onClick={() => setEditing(request)}
                  >
                    Modifier
                  </button>
                  <button
                    type="button"
                    className="button button--small button--danger-outline"
                    aria-label={`Supprimer la demande pour ${request.oldEmail}`}
                    onClick={() => setDeleting(request)}
                  >
                    Supprimer
                  </button>
                </div>
              ),
          },
        ]}
      />
      <Pager label="Pages de demandes" {...pager.controls(nextCursor)} />
      {editing && (
        <EmailChangeDialog accountId={editing.accountId} pending={editing} onClose={() => setEditing(null)} />
      )}
      {deleting && (
        <ConfirmDialog
          title="Supprimer cette demande ?"
          message={
            <p>
              Le compte gardera l'adresse <strong>{deleting.oldEmail}</strong> ; la demande vers {deleting.newEmail} ne
              sera pas appliquée.
            </p>
          }
          confirmLabel="Supprimer la demande"
          pending={cancel.isPending}
          error={cancel.error?.message}
          onConfirm={() => cancel.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
          onClose={() => {
            setDeleting(null);
            cancel.reset();
          }}
        />
      )}
    </>
  );
}
