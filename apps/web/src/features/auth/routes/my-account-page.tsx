import {
  consoleRoleLabels,
  loginMethodLabels,
  TotpConfirmRequest,
  type TotpSetupResponse,
} from "@medimail/contracts/auth";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { fieldErrors, TextField } from "../../../components/ui/text-field.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useCurrentUser, useSession } from "../../shared/api/session.ts";
import {
  useConfirmTotp,
  useDisableTotp,
  useRenewRecoveryCodes,
  useStartPscLink,
  useStartTotp,
  useUnlinkPsc,
} from "../api/me.ts";
import { OwnSessionsSection } from "../components/own-sessions-section.tsx";
import { useReauthGate } from "../components/reauth-dialog.tsx";

const PSC_OUTCOMES: Record<string, { kind: "success" | "error"; text: string }> = {
  lie: {
    kind: "success",
    text: "Votre identité Pro Santé Connect est liée : vous pouvez l'utiliser pour vous connecter.",
  },
  "psc-deja-lie": { kind: "error", text: "Cette identité Pro Santé Connect est déjà liée à un autre compte." },
  "psc-annule": { kind: "error", text: "La liaison Pro Santé Connect a été annulée." },
  "psc-echec": { kind: "error", text: "La liaison Pro Santé Connect a échoué. Réessayez." },
  "psc-indisponible": { kind: "error", text: "Pro Santé Connect est momentanément indisponible." },
  "psc-expire": { kind: "error", text: "La demande de liaison a expiré. Recommencez." },
};

/** "Mon compte": who I am, my authenticator app and recovery codes, my Pro Santé Connect link, my sessions. */
export function MyAccountPage() {
  usePageTitle("Mon compte");
  const user = useCurrentUser();
  return (
    <>
      <h1>Mon compte</h1>
      <section aria-labelledby="identite" className="card">
        <h2 id="identite" className="card__title">
          Identité
        </h2>
        <dl className="summary-list">
          <div className="summary-list__row">
            <dt>Nom</dt>
            <dd>
              {user.firstName} {user.lastName}
            </dd>
          </div>
          <div className="summary-list__row">
            <dt>Adresse e-mail</dt>
            <dd>{user.email}</dd>
          </div>
          <div className="summary-list__row">
            <dt>Rôle</dt>
            <dd>{consoleRoleLabels[user.role]}</dd>
          </div>
          <div className="summary-list__row">
            <dt>Connecté avec</dt>
            <dd>{loginMethodLabels[user.method]}</dd>
          </div>
        </dl>
      </section>
      <AuthenticatorSection enabled={user.totpEnabled} />
      <PscSection linked={user.pscLinked} />
      <OwnSessionsSection />
    </>
  );
}

function useCodeForm(onValid: (code: string) => void) {
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = TotpConfirmRequest.safeParse({ code: new FormData(event.currentTarget).get("code") });
    if (!parsed.success) return setError(fieldErrors(parsed.error.issues).code);
    setError(undefined);
    onValid(parsed.data.code);
  };
  return { error, submit };
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="alert alert--info" role="status">
      <p className="alert__title">Vos codes de secours</p>
      <p>
        Chacun permet une connexion sans votre téléphone, une seule fois. Notez-les ou imprimez-les et gardez-les en
        lieu sûr : ils ne seront plus affichés.
      </p>
      <ul className="recovery-codes" aria-label="Codes de secours">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AuthenticatorSection({ enabled }: { enabled: boolean }) {
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const renew = useRenewRecoveryCodes();
  const disable = useDisableTotp();
  const [setup, setSetup] = useState<TotpSetupResponse | null>(null);
  const [action, setAction] = useState<"renew" | "disable" | null>(null);
  const gate = useReauthGate();
  const confirmForm = useCodeForm((code) => {
    const run = () => confirm.mutate(code, { onSuccess: () => setSetup(null), onError: gate.onError(run) });
    run();
  });
  const actionForm = useCodeForm((code) => {
    const run = () => renew.mutate(code, { onSuccess: () => setAction(null), onError: gate.onError(run) });
    if (action === "renew") run();
    else disable.mutate(code, { onSuccess: () => setAction(null) });
  });
  const startApp = () => start.mutate("", { onSuccess: (result) => setSetup(result), onError: gate.onError(startApp) });
  const recoveryCodes = confirm.data?.recoveryCodes ?? renew.data?.recoveryCodes;

  return (
    <section aria-labelledby="application" className="card">
      <h2 id="application" className="card__title">
        Application d'authentification
      </h2>
      <p>
        Plus sûre que le code envoyé par e-mail : après votre mot de passe, la console demande le code affiché par une
        application (FreeOTP, Google Authenticator, Microsoft Authenticator…).
      </p>
      {gate.dialog}
      {recoveryCodes && <RecoveryCodes codes={recoveryCodes} />}
      {enabled ? (
        <>
          <p>
            <span className="badge badge--success">Activée</span>
          </p>
          {action === null ? (
            <div className="button-row">
              <button type="button" className="button button--secondary" onClick={() => setAction("renew")}>
                Renouveler les codes de secours
              </button>
              <button type="button" className="button button--secondary" onClick={() => setAction("disable")}>
                Désactiver l'application
              </button>
            </div>
          ) : (
            <form onSubmit={actionForm.submit} noValidate className="form">
              <p>
                {action === "renew"
                  ? "Les codes de secours actuels ne fonctionneront plus. Confirmez avec le code affiché par votre application."
                  : "Vous recevrez de nouveau vos codes par e-mail. Confirmez avec le code affiché par votre application."}
              </p>
              <TextField
                label="Code de l'application"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                autoFocus
                error={actionForm.error ?? gate.visibleError(renew.error ?? disable.error)?.message}
              />
              <div className="button-row">
                <button type="submit" className="button" disabled={renew.isPending || disable.isPending}>
                  {action === "renew" ? "Renouveler les codes" : "Désactiver"}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    setAction(null);
                    renew.reset();
                    disable.reset();
                  }}
                >
                  Annuler
                </button>
              </div>
            </form>
          )}
        </>
      ) : setup ? (
        <form onSubmit={confirmForm.submit} noValidate className="form">
          <ol>
            <li>Scannez ce QR code avec votre application.</li>
            <li>Saisissez le code à 6 chiffres qu'elle affiche.</li>
          </ol>
          <img
            className="qr-code"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
            alt="QR code à scanner avec l'application d'authentification"
            width={192}
            height={192}
          />
          <p className="muted">
            Impossible de scanner ? Saisissez cette clé dans l'application : <code>{setup.secret}</code>
          </p>
          <TextField
            label="Code affiché par l'application"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            autoFocus
            error={confirmForm.error ?? gate.visibleError(confirm.error)?.message}
          />
          <div className="button-row">
            <button type="submit" className="button" disabled={confirm.isPending}>
              Activer
            </button>
            <button type="button" className="button button--secondary" onClick={() => setSetup(null)}>
              Annuler
            </button>
          </div>
        </form>
      ) : (
        <>
          {gate.visibleError(start.error) && (
            <p className="error-text" role="alert">
              {start.error?.message}
            </p>
          )}
          <button type="button" className="button" disabled={start.isPending} onClick={startApp}>
            Activer une application d'authentification
          </button>
        </>
      )}
    </section>
  );
}

function PscSection({ linked }: { linked: boolean }) {
  const session = useSession();
  const [params] = useSearchParams();
  const link = useStartPscLink();
  const unlink = useUnlinkPsc();
  const [confirmUnlink, setConfirmUnlink] = useState(false);
  const gate = useReauthGate();
  const startLink = () =>
    link.mutate(undefined, {
      onSuccess: (result) => window.location.assign(result.url),
      onError: gate.onError(startLink),
    });
  const linkError = gate.visibleError(link.error) ?? unlink.error;
  const outcome = PSC_OUTCOMES[params.get("psc") ?? ""];
  if (!session.data?.pscEnabled) return null;

  return (
    <section aria-labelledby="psc" className="card">
      <h2 id="psc" className="card__title">
        Pro Santé Connect
      </h2>
      {outcome && (
        <div className={`alert ${outcome.kind === "success" ? "alert--info" : "alert--error"}`} role="status">
          <p>{outcome.text}</p>
        </div>
      )}
      <p>Se connecter avec l'application e-CPS ou la carte CPS, sans mot de passe ni code.</p>
      {linked ? (
        <>
          <p>
            <span className="badge badge--success">Identité liée</span>
          </p>
          {confirmUnlink ? (
            <div className="button-row">
              <span>Vous ne pourrez plus vous connecter avec Pro Santé Connect. Confirmer ?</span>
              <button
                type="button"
                className="button"
                disabled={unlink.isPending}
                onClick={() => unlink.mutate("", { onSuccess: () => setConfirmUnlink(false) })}
              >
                Délier
              </button>
              <button type="button" className="button button--secondary" onClick={() => setConfirmUnlink(false)}>
                Annuler
              </button>
            </div>
          ) : (
            <button type="button" className="button button--secondary" onClick={() => setConfirmUnlink(true)}>
              Délier mon identité Pro Santé Connect
            </button>
          )}
        </>
      ) : (
        <button type="button" className="button" disabled={link.isPending} onClick={startLink}>
          Lier mon identité Pro Santé Connect
        </button>
      )}
      <FormError message={linkError?.message} />
      {gate.dialog}
    </section>
  );
}
