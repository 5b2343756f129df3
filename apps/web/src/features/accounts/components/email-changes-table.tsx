import type { EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import { useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { Pager } from "../../../components/ui/pager.tsx";
import { useCancelEmailChange, useEmailChanges } from "../api/accounts.ts";
import { EmailChangeDialog } from "./email-change-dialog.tsx";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});

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
  after,
  onPage,
}: {
  structureId: string;
  editable: boolean;
  daughters: boolean;
  after: string | null;
  onPage: (after: string | null) => void;
}) {
  const list = useEmailChanges(structureId, daughters, after);
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  const [editing, setEditing] = useState<EmailChangeRequestSummary | null>(null);
  const [deleting, setDeleting] = useState<EmailChangeRequestSummary | null>(null);
  const cancel = useCancelEmailChange();

  if (list.isPending) return <Loading label="Chargement des demandes…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { items, nextCursor } = list.data;
  if (items.length === 0 && !after) {
    return (
      <EmptyState title="Aucune demande de changement de mail">
        <p>Pour changer l'adresse d'un compte, ouvrez sa fiche puis « Changer l'adresse mail ».</p>
      </EmptyState>
    );
  }

  return (
    <>
      <div className="table-wrapper">
        <table className="table">
          <caption className="sr-only">Demandes de changement de mail</caption>
          <thead>
            <tr>
              <th scope="col">Compte</th>
              <th scope="col">Ancien mail</th>
              <th scope="col">Nouveau mail</th>
              <th scope="col">Date de demande</th>
              <th scope="col">Date de réalisation</th>
              <th scope="col">Statut</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((request) => (
              <tr key={request.id}>
                <td>
                  <Link to={`../utilisateurs/${request.accountId}`}>{request.accountName}</Link>
                </td>
                <td>{request.oldEmail}</td>
                <td>{request.newEmail}</td>
                <td>{dateTime.format(new Date(request.requestedAt))}</td>
                {/* doneAt is also when a request was deleted or failed: only a made change has a "réalisation" */}
                <td>{request.status === "DONE" && request.doneAt ? dateTime.format(new Date(request.doneAt)) : "—"}</td>
                <td>
                  {emailChangeStatusLabels[request.status]}
                  {request.status === "CANCELLED" &&
                    request.doneAt &&
                    ` le ${dateTime.format(new Date(request.doneAt))}`}
                  {request.failureReason && <span className="muted"> : {request.failureReason}</span>}
                </td>
                <td>
                  {editable && request.status === "PENDING" && (
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
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        label="Pages de demandes"
        onPrevious={
          after
            ? () => {
                setPrevious(previous.slice(0, -1));
                onPage(previous.at(-1) ?? null);
              }
            : null
        }
        onNext={
          nextCursor
            ? () => {
                setPrevious([...previous, after]);
                onPage(nextCursor);
              }
            : null
        }
      />
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
