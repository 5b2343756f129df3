import type { LockedAccount } from "@medimail/contracts/auth";
import { useState } from "react";
import { DataTable } from "../../../components/ui/data-table.tsx";
import { EmptyState } from "../../../components/ui/page-states.tsx";
import { QueryView } from "../../../components/ui/query-view.tsx";
import { formatDateTimeToMinute } from "../../../lib/format.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useLockedAccounts, useUnlockAccount } from "../api/locked-accounts.ts";

/** Operators: accounts locked after too many wrong passwords, and "Déverrouiller" (after confirmation). */
export function LockedAccountsPage() {
  usePageTitle("Comptes verrouillés");
  const accounts = useLockedAccounts();
  const unlock = useUnlockAccount();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [unlocked, setUnlocked] = useState<string | null>(null);

  return (
    <>
      <h1>Comptes verrouillés</h1>
      <p className="muted">
        Après une série de mots de passe erronés, la connexion par mot de passe d'un compte est suspendue quelques
        minutes (plus longtemps à chaque série), puis reprend d'elle-même ; un lien de réinitialisation la rétablit
        aussitôt. Vérifiez auprès du titulaire qu'il est bien à l'origine des tentatives avant de le déverrouiller.
      </p>
      {unlocked && (
        <div className="alert alert--info" role="status">
          <p>Le compte {unlocked} est déverrouillé.</p>
        </div>
      )}
      {unlock.error && (
        <div className="alert alert--error" role="alert">
          <p>{unlock.error.message}</p>
        </div>
      )}
      <QueryView
        query={accounts}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="Aucun compte n'est verrouillé" />}
      >
        {(data) => (
          <DataTable<LockedAccount>
            caption={`Comptes verrouillés (${data.items.length})`}
            captionClassName="table-caption"
            rows={data.items}
            rowKey={(account) => account.id}
            columns={[
              {
                key: "holder",
                header: "Titulaire",
                cell: (account) => (
                  <>
                    {account.lastName} {account.firstName}
                  </>
                ),
              },
              { key: "email", header: "Adresse e-mail", cell: (account) => account.email },
              { key: "structure", header: "Structure", cell: (account) => account.structureName },
              {
                key: "lockedUntil",
                header: "Verrouillé jusqu'au",
                cell: (account) =>
                  account.lockedUntil ? formatDateTimeToMinute(account.lockedUntil) : "Déverrouillage par un opérateur",
              },
              { key: "lockCount", header: "Verrouillages à la suite", cell: (account) => account.lockCount },
              {
                key: "action",
                header: "Action",
                cell: (account) =>
                  confirming === account.id ? (
                    <span className="button-row">
                      <button
                        type="button"
                        className="button"
                        disabled={unlock.isPending}
                        onClick={() =>
                          unlock.mutate(account.id, {
                            onSuccess: () => {
                              setConfirming(null);
                              setUnlocked(account.email);
                            },
                          })
                        }
                      >
                        Confirmer
                      </button>
                      <button type="button" className="button button--secondary" onClick={() => setConfirming(null)}>
                        Annuler
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button button--secondary"
                      aria-label={`Déverrouiller ${account.email}`}
                      onClick={() => setConfirming(account.id)}
                    >
                      Déverrouiller
                    </button>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
