import type { AccountDetail } from "@medimail/contracts/accounts";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { EmptyState } from "../../../components/ui/page-states.tsx";
import { useUpdateLinkedMailbox } from "../api/accounts.ts";

/**
 * For an individual account: the ORG/APP mailboxes it connects to, which one opens first ("compte par défaut")
 * and whether it is told of each message received there ("notif de réception").
 */
export function LinkedMailboxesBlock({ account, editable }: { account: AccountDetail; editable: boolean }) {
  const update = useUpdateLinkedMailbox(account.id);
  return (
    <section aria-labelledby="boites-titre" className="card">
      <h2 id="boites-titre" className="card__title">
        Boîtes organisationnelles liées
      </h2>
      {account.linkedMailboxes.length === 0 ? (
        <EmptyState title="Ce compte n'est compte de connexion d'aucune boîte ORG ou APP" />
      ) : (
        <table className="table">
          <caption className="sr-only">Boîtes liées</caption>
          <thead>
            <tr>
              <th scope="col">Boîte</th>
              <th scope="col">Compte par défaut</th>
              <th scope="col">Notif de réception vers le compte de connexion</th>
            </tr>
          </thead>
          <tbody>
            {account.linkedMailboxes.map((mailbox) => (
              <tr key={mailbox.accountId}>
                <td>
                  {mailbox.email} <span className="muted">({mailbox.type})</span>
                </td>
                <td>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={mailbox.isDefault}
                      disabled={!editable || update.isPending}
                      onChange={(event) =>
                        update.mutate({ mailboxId: mailbox.accountId, isDefault: event.target.checked })
                      }
                    />
                    Définir comme compte par défaut
                  </label>
                </td>
                <td>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={mailbox.receptionNotification}
                      disabled={!editable || update.isPending}
                      onChange={(event) =>
                        update.mutate({ mailboxId: mailbox.accountId, receptionNotification: event.target.checked })
                      }
                    />
                    <span className="sr-only">Notification de réception pour {mailbox.email}</span>
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormError message={update.error?.message} />
    </section>
  );
}
