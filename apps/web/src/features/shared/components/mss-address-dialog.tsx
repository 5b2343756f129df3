import { zodResolver } from "@hookform/resolvers/zod";
import { MssAddressInput } from "@medimail/contracts/mssante";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Dialog } from "../../../components/ui/dialog.tsx";
import { FormActions, FormError } from "../../../components/ui/form-actions.tsx";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { useMssAddress, useSaveMssAddress } from "../api/mss-address.ts";

/**
 * "Ajout d'une adresse MSSanté associée" / modification: the prefix (the domain is the structure's, shown after
 * the field), the type's rule above it, the directory visibility (checked by default).
 */
export function MssAddressDialog({ accountId, onClose }: { accountId: string; onClose: () => void }) {
  const detail = useMssAddress(accountId);
  return (
    <Dialog
      title={detail.data?.address ? "Modifier la correspondance MSSanté" : "Ajout d'une adresse MSSanté associée"}
      onClose={onClose}
    >
      {/* the form starts from what the server says now, never from an older cached answer */}
      {detail.isPending || !detail.isFetchedAfterMount ? (
        <Loading />
      ) : detail.isError ? (
        <ErrorState error={detail.error} />
      ) : (
        <AddressForm
          accountId={accountId}
          domain={detail.data.domain}
          rule={detail.data.rule}
          initialPrefix={(detail.data.address ?? detail.data.proposal ?? "").split("@")[0] ?? ""}
          initialListed={detail.data.listed}
          onClose={onClose}
        />
      )}
    </Dialog>
  );
}

function AddressForm({
  accountId,
  domain,
  rule,
  initialPrefix,
  initialListed,
  onClose,
}: {
  accountId: string;
  domain: string | null;
  rule: string;
  initialPrefix: string;
  initialListed: boolean;
  onClose: () => void;
}) {
  const save = useSaveMssAddress(accountId);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    resolver: zodResolver(MssAddressInput),
    defaultValues: { prefix: initialPrefix, listed: initialListed },
  });
  const error = form.formState.errors.prefix?.message;
  const submit = form.handleSubmit((values) => {
    setFormError(null);
    save.mutate(values, {
      onSuccess: onClose,
      onError: (failure) => setFormError(applyServerErrors(failure, form.setError)),
    });
  });
  if (!domain) {
    return (
      <>
        <p className="alert alert--warning">
          La structure n'a pas encore de domaine MSSanté : l'opérateur de la plateforme doit le renseigner dans le
          paramétrage.
        </p>
        <div className="button-row">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Fermer
          </button>
        </div>
      </>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="form">
      <p className="muted">
        {rule} Format : xxxxx@{domain}
      </p>
      <div className={`field${error ? " field--error" : ""}`}>
        <label htmlFor="mss-prefix" className="field__label">
          Adresse email correspondance MSSanté
        </label>
        <div className="address-input">
          <input
            id="mss-prefix"
            className="field__input"
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "mss-prefix-error" : "mss-domain"}
            {...form.register("prefix")}
          />
          <span id="mss-domain" className="address-input__domain">
            @{domain}
          </span>
        </div>
        {error && (
          <p id="mss-prefix-error" className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
      <label className="checkbox">
        <input type="checkbox" {...form.register("listed")} />
        Rendre visible l'utilisateur dans l'annuaire MSSanté
      </label>
      <p className="muted">Les correspondances sont publiées dans l'annuaire national chaque nuit.</p>
      <FormError message={formError} />
      <FormActions
        closeLabel="Fermer"
        onClose={onClose}
        submitLabel="Enregistrer"
        pendingLabel="Enregistrement…"
        pending={save.isPending}
      />
    </form>
  );
}
