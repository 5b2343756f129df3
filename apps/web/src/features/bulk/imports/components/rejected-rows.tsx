import { useId, useState } from "react";
import { ErrorState } from "../../../../components/ui/page-states.tsx";
import { Pager } from "../../../../components/ui/pager.tsx";
import { ERRORS_PER_PAGE, errorFileUrl, useImportErrors } from "../api/imports.ts";

const numberFr = new Intl.NumberFormat("fr-FR");

/**
 * The rejected rows of an import (Ligne, Colonne, Valeur, Motif), paged on the server, and the error file with all
 * of them.
 */
export function RejectedRows({
  structureId,
  importId,
  atApply,
  rejectedRows,
}: {
  structureId: string;
  importId: string;
  atApply: boolean;
  /** rows rejected (a row may have several reasons) */
  rejectedRows: number;
}) {
  const [page, setPage] = useState(1);
  const errors = useImportErrors(structureId, importId, atApply, page, rejectedRows > 0);
  const captionId = useId();
  if (rejectedRows === 0) return null;
  const total = errors.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / ERRORS_PER_PAGE));
  return (
    <section aria-labelledby={captionId} className="import-rejected">
      <h3 id={captionId}>
        Lignes rejetées ({numberFr.format(rejectedRows)} ligne{rejectedRows > 1 ? "s" : ""}
        {total > rejectedRows ? `, ${numberFr.format(total)} motifs` : ""})
      </h3>
      <p>
        Ces lignes ne seront pas importées. Corrigez-les dans votre fichier puis déposez-le à nouveau : les lignes déjà
        importées seront reconnues par leur adresse mail et laissées telles quelles.{" "}
        <a href={errorFileUrl(structureId, importId, atApply)} download>
          Télécharger le fichier des erreurs
        </a>{" "}
        (CSV, toutes les lignes rejetées).
      </p>
      {errors.isError ? (
        <ErrorState error={errors.error} onRetry={() => void errors.refetch()} />
      ) : (
        <>
          <div className="table-wrapper">
            <table className="table table--compact" aria-busy={errors.isFetching}>
              <caption className="sr-only">
                Lignes rejetées, page {page} sur {pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="numeric">
                    Ligne
                  </th>
                  <th scope="col">Colonne</th>
                  <th scope="col">Valeur</th>
                  <th scope="col">Motif</th>
                </tr>
              </thead>
              <tbody>
                {(errors.data?.items ?? []).map((error) => (
                  <tr key={`${error.line}|${error.column}|${error.reason}`}>
                    <td className="numeric">{error.line}</td>
                    <td>{error.column ?? "—"}</td>
                    <td className="import-rejected__value">{error.value ?? <span className="muted">(vide)</span>}</td>
                    <td>{error.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <>
              <p className="muted">
                Page {page} sur {pages}
              </p>
              <Pager
                label="Pages des lignes rejetées"
                onPrevious={page > 1 ? () => setPage(page - 1) : null}
                onNext={page < pages ? () => setPage(page + 1) : null}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
