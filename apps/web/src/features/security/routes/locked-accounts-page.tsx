import type { LockedAccount } from "@medimail/contracts/auth";
import { useState } from "react";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useLockedAccounts, useUnlockAccount } from "../api/locked-accounts.ts";

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });

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
      {accounts.isPending ? (
        <Loading />
      ) : accounts.isError ? (
        <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : accounts.data.items.length === 0 ? (
        <EmptyState title="Aucun compte n'est verrouillé" />
      ) : (
        <div className="table-wrapper">
          <table className="table">
            <caption className="table-caption">Comptes verrouillés ({accounts.data.items.length})</caption>
            <thead>
              <tr>
                <th scope="col">Titulaire</th>
                <th scope="col">Adresse e-mail</th>
                <th scope="col">Structure</th>
                <th scope="col">Verrouillé jusqu'au</th>
                <th scope="col">Verrouillages à la suite</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {accounts.data.items.map((account: LockedAccount) => (
                <tr key={account.id}>
                  <td>
                    {account.lastName} {account.firstName}
                  </td>
                  <td>{account.email}</td>
                  <td>{account.structureName}</td>
                  <td>
                    {account.lockedUntil
                      ? dateTime.format(new Date(account.lockedUntil))
                      : "Déverrouillage par un opérateur"}
                  </td>
                  <td>{account.lockCount}</td>
                  <td>
                    {confirming === account.id ? (
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
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
