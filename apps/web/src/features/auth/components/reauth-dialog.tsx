import { type FormEvent, useState } from "react";
import { Dialog } from "../../../components/ui/dialog.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { isReauthRequired, useReauthenticate } from "../api/me.ts";

/**
 * Sensitive changes (enrolling an app, renewing recovery codes, linking PSC) need the password, or the app's
 * code, entered within the last minutes: when the API answers REAUTH_REQUIRED, this asks for it, then retries.
 */
export function useReauthGate() {
  const [retry, setRetry] = useState<(() => void) | null>(null);
  return {
    /** onError of a mutation: opens the dialog when re-authentication is needed, `again` runs after it */
    onError: (again: () => void) => (error: unknown) => {
      if (isReauthRequired(error)) setRetry(() => again);
    },
    /** the error to show next to the action (not the one the dialog handles) */
    visibleError: (error: Error | null) => (error && !isReauthRequired(error) ? error : null),
    dialog: retry ? (
      <ReauthDialog
        onClose={() => setRetry(null)}
        onDone={() => {
          setRetry(null);
          retry();
        }}
      />
    ) : null,
  };
}

function ReauthDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const reauth = useReauthenticate();
  const [withCode, setWithCode] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("secret") ?? "").trim();
    if (!value) return setError(withCode ? "Saisissez le code" : "Saisissez votre mot de passe");
    if (withCode && !/^\d{6}$/.test(value)) return setError("Le code comporte 6 chiffres");
    setError(undefined);
    reauth.mutate(withCode ? { code: value } : { password: value }, { onSuccess: onDone });
  };
  return (
    <Dialog title="Confirmez votre identité" onClose={onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p className="dialog__body">
          Pour cette modification,{" "}
          {withCode ? "saisissez le code affiché par votre application" : "saisissez votre mot de passe"}.
        </p>
        <TextField
          key={withCode ? "code" : "password"}
          label={withCode ? "Code de l'application" : "Mot de passe"}
          name="secret"
          type={withCode ? "text" : "password"}
          inputMode={withCode ? "numeric" : undefined}
          autoComplete={withCode ? "one-time-code" : "current-password"}
          maxLength={withCode ? 6 : 200}
          autoFocus
          error={error ?? reauth.error?.message}
        />
        <p>
          <button
            type="button"
            className="button button--link"
            onClick={() => {
              setWithCode(!withCode);
              setError(undefined);
              reauth.reset();
            }}
          >
            {withCode ? "Utiliser plutôt mon mot de passe" : "Utiliser plutôt le code de mon application"}
          </button>
        </p>
        <div className="button-row">
          <button type="submit" className="button" disabled={reauth.isPending}>
            Confirmer
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            Annuler
          </button>
        </div>
      </form>
    </Dialog>
  );
}
