import type { StructureAdmin, StructureSettings } from "@medimail/contracts/structure-settings";
import { type FormEvent, useId, useState } from "react";
import { FormError } from "../../../../components/ui/form-actions.tsx";
import { EmptyState, ErrorState, Loading } from "../../../../components/ui/page-states.tsx";
import { Pager } from "../../../../components/ui/pager.tsx";
import { useCurrentUser } from "../../../shared/api/session.ts";
import { useAddAdmin, useAdminCandidates, useRemoveAdmin, useStructureAdmins } from "../../api/structure-settings.ts";

/** Shows `text` with the parts matching `query` (accents and case aside) in <mark>. */
function Highlighted({ text, query }: { text: string; query: string }) {
  const fold = (value: string) =>
    value
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLowerCase();
  const needle = fold(query.trim());
  // fold character by character so that indexes in the folded text match the original
  const folded = [...text].map((char) => fold(char) || char).join("");
  const at = needle ? folded.indexOf(needle) : -1;
  if (at < 0 || folded.length !== text.length) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + needle.length)}</mark>
      {text.slice(at + needle.length)}
    </>
  );
}

/** "Administrateurs": who administers the structure, add one (search), remove one (confirmation; not oneself). */
export function AdministratorsBlock({ settings }: { settings: StructureSettings }) {
  const admins = useStructureAdmins(settings.id);
  const user = useCurrentUser();
  const remove = useRemoveAdmin(settings.id);
  const [confirming, setConfirming] = useState<string | null>(null);
  const editable = settings.permissions.administer;

  return (
    <section aria-labelledby="admins-titre" className="card">
      <h2 id="admins-titre" className="card__title">
        Administrateurs
      </h2>
      {admins.isPending ? (
        <Loading label="Chargement des administrateurs…" />
      ) : admins.isError ? (
        <ErrorState error={admins.error} onRetry={() => void admins.refetch()} />
      ) : (
        <>
          {admins.data.warnings.map((warning) => (
            <div key={warning} className="alert alert--warning" role="status">
              <p>{warning}</p>
            </div>
          ))}
          <FormError message={remove.error?.message} />
          {admins.data.items.length === 0 ? (
            <EmptyState title="Aucun administrateur" />
          ) : (
            <table className="table table--compact">
              <caption className="sr-only">Administrateurs de la structure</caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Adresse e-mail</th>
                  <th scope="col">Structure du compte</th>
                  {editable && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {admins.data.items.map((admin: StructureAdmin) => (
                  <tr key={admin.accountId}>
                    <td>
                      {admin.lastName} {admin.firstName}
                    </td>
                    <td>{admin.email}</td>
                    <td>{admin.structureName}</td>
                    {editable && (
                      <td>
                        {admin.accountId === user.id ? (
                          <span className="muted">Vous (un autre administrateur peut vous retirer)</span>
                        ) : confirming === admin.accountId ? (
                          <span className="button-row">
                            <button
                              type="button"
                              className="button"
                              disabled={remove.isPending}
                              onClick={() => remove.mutate(admin.accountId, { onSettled: () => setConfirming(null) })}
                            >
                              Confirmer le retrait
                            </button>
                            <button
                              type="button"
                              className="button button--secondary"
                              onClick={() => setConfirming(null)}
                            >
                              Annuler
                            </button>
                          </span>
                        ) : (
                          <button
                            type="button"
                            className="button button--secondary"
                            aria-label={`Retirer ${admin.email}`}
                            onClick={() => setConfirming(admin.accountId)}
                          >
                            Retirer
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {editable && <AddAdministrator structureId={settings.id} />}
        </>
      )}
    </section>
  );
}

function AddAdministrator({ structureId }: { structureId: string }) {
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(1);
  const candidates = useAdminCandidates(structureId, query, page);
  const add = useAddAdmin(structureId);
  const inputId = useId();
  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQuery(String(new FormData(event.currentTarget).get("q") ?? ""));
    setPage(1);
  };

  return (
    <div className="add-admin">
      <h3>Ajouter un administrateur</h3>
      <form onSubmit={search} className="search-bar" aria-label="Rechercher un compte">
        <label htmlFor={inputId}>Nom, prénom ou adresse e-mail (comptes de la structure et de ses filles)</label>
        <input id={inputId} name="q" minLength={2} />
        <button type="submit" className="button button--secondary">
          Rechercher
        </button>
      </form>
      <FormError message={add.error?.message} />
      {query.trim().length >= 2 &&
        (candidates.isPending ? (
          <Loading label="Recherche…" />
        ) : candidates.isError ? (
          <ErrorState error={candidates.error} />
        ) : candidates.data.items.length === 0 ? (
          <EmptyState title={`Aucun compte validé ne correspond à « ${query} »`} />
        ) : (
          <>
            <ul className="candidate-list" aria-label="Comptes trouvés">
              {candidates.data.items.map((candidate) => (
                <li key={candidate.accountId}>
                  <span>
                    <Highlighted text={`${candidate.lastName} ${candidate.firstName}`} query={query} /> —{" "}
                    <Highlighted text={candidate.email} query={query} />{" "}
                    <span className="muted">({candidate.structureName})</span>
                  </span>
                  {candidate.isAdmin ? (
                    <span className="badge badge--info">Déjà administrateur</span>
                  ) : (
                    <button
                      type="button"
                      className="button button--secondary"
                      disabled={add.isPending}
                      aria-label={`Nommer administrateur ${candidate.email}`}
                      onClick={() => add.mutate(candidate.accountId)}
                    >
                      Nommer administrateur
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <Pager
              label="Pages des comptes trouvés"
              onPrevious={page > 1 ? () => setPage(page - 1) : null}
              onNext={candidates.data.hasMore ? () => setPage(page + 1) : null}
            />
          </>
        ))}
    </div>
  );
}
