import type { AccountListItem } from "@medimail/contracts/accounts";
import { useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { formatDateTimeToMinute } from "../../../lib/format.ts";
import { type StateAction, useAccountAction, useRemind } from "../api/accounts.ts";

/**
 * The icons of the guide as labelled buttons: validate (à valider), reject (any list, after confirmation),
 * remind (préinscrits), rehabilitate (rejetés), open the account. Each names the account for screen readers.
 */
export function AccountRowActions({
  account,
  showOpen = true,
}: {
  account: Pick<AccountListItem, "id" | "version" | "state" | "email" | "lastReminderAt" | "previousState">;
  /** the link to the account's page (not on that page itself) */
  showOpen?: boolean;
}) {
  const act = useAccountAction();
  const remind = useRemind();
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const run = (action: StateAction, done: string) =>
    act.mutate(
      { accountId: account.id, action, version: account.version },
      {
        onSuccess: () => {
          setConfirming(false);
          setMessage(done);
        },
        onError: (error) => setMessage(error.message),
      },
    );

  return (
    <div className="row-actions">
      {showOpen && (
        <Link
          to={account.id}
          className="button button--small button--secondary"
          aria-label={`Modifier ${account.email}`}
        >
          Modifier
        </Link>
      )}
      {account.state === "PENDING_VALIDATION" && (
        <button
          type="button"
          className="button button--small"
          disabled={act.isPending}
          aria-label={`Valider ${account.email}`}
          onClick={() => run("validate", "Compte validé.")}
        >
          Valider
        </button>
      )}
      {account.state === "PREREGISTERED" && (
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={remind.isPending}
          aria-label={`Relancer ${account.email}`}
          title={
            account.lastReminderAt
              ? `Dernière relance le ${formatDateTimeToMinute(account.lastReminderAt)}`
              : "Jamais relancé"
          }
          onClick={() =>
            remind.mutate(account.id, {
              onSuccess: () => setMessage("Relance envoyée."),
              onError: (error) => setMessage(error.message),
            })
          }
        >
          Relancer
        </button>
      )}
      {account.state === "REJECTED" ? (
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={act.isPending}
          aria-label={`Réhabiliter ${account.email}`}
          onClick={() => run("rehabilitate", "Compte réhabilité.")}
        >
          Réhabiliter
        </button>
      ) : (
        <button
          type="button"
          className="button button--small button--danger-outline"
          aria-label={`Rejeter ${account.email}`}
          onClick={() => setConfirming(true)}
        >
          Rejeter
        </button>
      )}
      {message && (
        <span role="status" className="row-actions__message">
          {message}
        </span>
      )}
      {confirming && (
        <ConfirmDialog
          title="Rejeter ce compte ?"
          message={
            <p>
              Le compte <strong>{account.email}</strong> ne pourra plus se connecter. Il pourra être réhabilité dans
              l'onglet « Utilisateurs rejetés » ; sans réhabilitation, il sera supprimé définitivement dans un an.
            </p>
          }
          confirmLabel="Rejeter le compte"
          pending={act.isPending}
          error={act.error?.message}
          onConfirm={() => run("reject", "Compte rejeté.")}
          onClose={() => {
            setConfirming(false);
            act.reset();
          }}
        />
      )}
    </div>
  );
}
