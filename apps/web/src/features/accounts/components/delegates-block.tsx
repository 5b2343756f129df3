import { zodResolver } from "@hookform/resolvers/zod";
import { type AccountDetail, DelegateInput, type DelegateSummary } from "@medimail/contracts/accounts";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { useAddDelegate, useRemoveDelegate } from "../api/accounts.ts";

/** "Gestion des comptes délégués": accounts that receive a copy of every message this one receives. */
export function DelegatesBlock({ account, editable }: { account: AccountDetail; editable: boolean }) {
  const add = useAddDelegate(account.id);
  const remove = useRemoveDelegate(account.id);
  const [removing, setRemoving] = useState<DelegateSummary | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(DelegateInput), defaultValues: { email: "" } });
  const submit = form.handleSubmit((values) => {
    setFormError(null);
    add.mutate(values, {
      onSuccess: (delegate) => {
        form.reset();
        setWarning(delegate.warning);
      },
      onError: (error) => setFormError(applyServerErrors(error, form.setError)),
    });
  });
  const count = account.delegates.length;
  return (
    <section aria-labelledby="delegues-titre" className="card">
      <h2 id="delegues-titre" className="card__title">
        Comptes délégués
      </h2>
      <p className="muted">
        Un compte délégué reçoit une copie de chaque message reçu par {account.firstName} {account.lastName} &lt;
        {account.email}&gt;. Il y a {count} délégué{count > 1 ? "s" : ""} associé{count > 1 ? "s" : ""} à ce compte.
        {editable && " Le délégué doit être un compte d'une structure que vous administrez."}
      </p>
      {count > 0 && (
        <ul className="delegate-list">
          {account.delegates.map((delegate) => (
            <li key={delegate.id}>
              <span>
                {delegate.email} <span className="muted">({delegate.type})</span>
              </span>
              {delegate.warning && <span className="badge badge--warning">{delegate.warning}</span>}
              {editable && (
                <button
                  type="button"
                  className="button button--small button--danger-outline"
                  aria-label={`Supprimer la délégation vers ${delegate.email}`}
                  onClick={() => setRemoving(delegate)}
                >
                  Supprimer
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {warning && (
        <p className="alert alert--warning" role="status">
          {warning}
        </p>
      )}
      {editable && (
        <form onSubmit={submit} noValidate className="inline-form" aria-label="Ajouter un compte délégué">
          <TextField
            label="Ajouter un compte délégué"
            type="email"
            placeholder="Saisir une adresse email"
            {...form.register("email")}
            error={form.formState.errors.email?.message ?? formError ?? undefined}
          />
          <button type="submit" className="button" disabled={add.isPending}>
            Créer
          </button>
        </form>
      )}
      {removing && (
        <ConfirmDialog
          title="Supprimer cette délégation ?"
          message={
            <p>
              <strong>{removing.email}</strong> ne recevra plus de copie des messages reçus par {account.email}.
            </p>
          }
          confirmLabel="Supprimer la délégation"
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
          onClose={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
