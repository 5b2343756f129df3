import { zodResolver } from "@hookform/resolvers/zod";
import { EmailChangeInput, type EmailChangeRequestSummary } from "@medimail/contracts/accounts";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Dialog } from "../../../components/ui/dialog.tsx";
import { FormActions, FormError } from "../../../components/ui/form-actions.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { useEditEmailChange, useRequestEmailChange } from "../api/accounts.ts";

/** "Changer l'adresse mail": a new request, or the pending one edited. Applied at night by the nightly job. */
export function EmailChangeDialog({
  accountId,
  pending,
  currentEmail,
  onClose,
}: {
  accountId: string;
  pending: EmailChangeRequestSummary | null;
  currentEmail?: string;
  onClose: () => void;
}) {
  const request = useRequestEmailChange(accountId);
  const edit = useEditEmailChange();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    resolver: zodResolver(EmailChangeInput),
    defaultValues: { newEmail: pending?.newEmail ?? "" },
  });
  const saving = request.isPending || edit.isPending;
  const submit = form.handleSubmit(({ newEmail }) => {
    setFormError(null);
    const handlers = {
      onSuccess: onClose,
      onError: (error: Error) => setFormError(applyServerErrors(error, form.setError)),
    };
    if (pending) edit.mutate({ requestId: pending.id, newEmail }, handlers);
    else request.mutate({ newEmail }, handlers);
  });
  return (
    <Dialog title={pending ? "Modifier la demande de changement de mail" : "Changer l'adresse mail"} onClose={onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>
          Adresse actuelle : <strong>{pending?.oldEmail ?? currentEmail}</strong>
        </p>
        <p className="muted">
          Le changement et la mise à jour de l'annuaire sont faits cette nuit : l'utilisateur se connectera avec la
          nouvelle adresse dès demain.
        </p>
        <TextField
          label="Nouvelle adresse mail"
          type="email"
          autoComplete="off"
          autoFocus
          {...form.register("newEmail")}
          error={form.formState.errors.newEmail?.message}
        />
        <FormError message={formError} />
        <FormActions
          onClose={onClose}
          submitLabel="Enregistrer la demande"
          pendingLabel="Enregistrement…"
          pending={saving}
        />
      </form>
    </Dialog>
  );
}
