import { useState } from "react";
import { Dialog } from "../../../components/ui/dialog.tsx";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { useActivation, useActivationPreview, useStartActivation } from "../api/mssante.ts";

/**
 * "Activer tous les utilisateurs compatibles": the proposed addresses and the refusals first, then the job with
 * its progress, then its report (created, and those it could not create and why).
 */
export function ActivationPanel({ structureId, daughters }: { structureId: string; daughters: boolean }) {
  const preview = useActivationPreview(structureId);
  const start = useStartActivation(structureId);
  const [open, setOpen] = useState(false);
  const [activationId, setActivationId] = useState<string | null>(null);
  const activation = useActivation(structureId, activationId);
  const done = activation.data?.status === "DONE";

  return (
    <div className="activation">
      <button
        type="button"
        className="button"
        onClick={() => {
          setOpen(true);
          preview.mutate(daughters);
        }}
      >
        Activer tous les utilisateurs compatibles
      </button>
      {activation.data && (
        <div className="alert alert--info" role="status" aria-live="polite">
          {done ? (
            <>
              <p className="alert__title">
                Activation terminée : {activation.data.created} correspondance{activation.data.created > 1 ? "s" : ""}{" "}
                créée{activation.data.created > 1 ? "s" : ""}, {activation.data.failed} non créée
                {activation.data.failed > 1 ? "s" : ""}.
              </p>
              {activation.data.failures.length > 0 && (
                <ul>
                  {activation.data.failures.map((failure) => (
                    <li key={failure.accountId}>
                      {failure.email} : {failure.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <p>
              Activation en cours… {activation.data.created} correspondance{activation.data.created > 1 ? "s" : ""}{" "}
              créée
              {activation.data.created > 1 ? "s" : ""}.
            </p>
          )}
        </div>
      )}
      {open && (
        <Dialog title="Activer tous les utilisateurs compatibles" onClose={() => setOpen(false)}>
          {preview.isPending && <p role="status">Calcul des adresses proposées…</p>}
          {preview.isError && (
            <p className="error-text" role="alert">
              {preview.error.message}
            </p>
          )}
          {preview.data && (
            <>
              <p>
                {preview.data.proposals.length} correspondance{preview.data.proposals.length > 1 ? "s" : ""} à créer
                {preview.data.truncated ? " (les 500 premières sont listées)" : ""}, selon les règles de chaque type
                (PER et INT : nom.prenom ; ORG : générique ; APP : noreply…).
              </p>
              {preview.data.proposals.length > 0 && (
                <div className="table-wrapper dialog__scroll">
                  <table className="table table--compact">
                    <caption className="sr-only">Adresses proposées</caption>
                    <thead>
                      <tr>
                        <th scope="col">Compte</th>
                        <th scope="col">Type</th>
                        <th scope="col">Adresse proposée</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.data.proposals.map((proposal) => (
                        <tr key={proposal.accountId}>
                          <td>
                            {proposal.name} <span className="muted">({proposal.email})</span>
                          </td>
                          <td>{proposal.type}</td>
                          <td>{proposal.address}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {preview.data.refusals.length > 0 && (
                <>
                  <p>
                    {preview.data.refusals.length === 1
                      ? "1 compte sera refusé (sans correspondance possible) :"
                      : `${preview.data.refusals.length} comptes seront refusés (sans correspondance possible) :`}
                  </p>
                  <ul>
                    {preview.data.refusals.map((refusal) => (
                      <li key={refusal.accountId}>
                        {refusal.name} ({refusal.email}) : {refusal.reason}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <FormError message={start.error?.message} />
              <div className="button-row">
                <button type="button" className="button button--secondary" onClick={() => setOpen(false)}>
                  Annuler
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={start.isPending || preview.data.proposals.length === 0}
                  onClick={() =>
                    start.mutate(daughters, {
                      onSuccess: (result) => {
                        setActivationId(result.id);
                        setOpen(false);
                      },
                    })
                  }
                >
                  Créer les correspondances
                </button>
              </div>
            </>
          )}
        </Dialog>
      )}
    </div>
  );
}
