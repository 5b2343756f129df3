import {
  EmailCodeLoginRequest,
  type LoginNextStep,
  PasswordLoginRequest,
  VerifyCodeRequest,
} from "@medimail/contracts/auth";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { Loading } from "../../../components/ui/page-states.tsx";
import { fieldErrors, TextField } from "../../../components/ui/text-field.tsx";
import { ApiError } from "../../../lib/api-client.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useDevMailsAvailable } from "../../shared/api/dev-mails.ts";
import { useSession } from "../../shared/api/session.ts";
import { useStartEmailCodeLogin, useStartPasswordLogin, useVerifyCode } from "../api/login.ts";

/** Messages for the outcomes Pro Santé Connect sends back in ?erreur=. */
const PSC_ERRORS: Record<string, string> = {
  "psc-annule": "La connexion Pro Santé Connect a été annulée.",
  "psc-indisponible": "Pro Santé Connect est momentanément indisponible. Réessayez ou utilisez votre mot de passe.",
  "psc-echec": "La connexion Pro Santé Connect a échoué. Réessayez.",
  "psc-expire": "La demande de connexion Pro Santé Connect a expiré. Recommencez.",
  "psc-non-lie":
    "Cette identité Pro Santé Connect n'est liée à aucun compte administrateur. Connectez-vous avec votre mot de passe, puis liez-la depuis « Mon compte ».",
};

type Step =
  | { kind: "password" }
  | { kind: "email-only" }
  | { kind: "code"; next: LoginNextStep["next"]; email: string; expiresInSeconds: number };

/** A path of the console to go back to after sign-in (never another site). */
function safeReturn(value: string | null): string | null {
  return value && /^\/(?![/\\])/.test(value) && !value.startsWith("/connexion") ? value : null;
}

/** "Se connecter": email + password then the code; or a code alone; or Pro Santé Connect. */
export function LoginPage() {
  usePageTitle("Se connecter");
  const session = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const returnTo = safeReturn(params.get("retour"));
  const [step, setStep] = useState<Step>({ kind: "password" });

  if (session.isPending) return <Loading />;
  if (session.data?.user) return <Navigate to={returnTo ?? "/"} replace />;

  const pscError = params.get("erreur");
  // a rate-limited sign-in (429) lands here with the seconds to wait
  const waitSeconds = Number(params.get("dans")) || 60;
  const errorMessages: Record<string, string> = {
    ...PSC_ERRORS,
    "trop-de-tentatives": `Trop de tentatives de connexion depuis votre poste : réessayez dans ${waitSeconds} seconde${waitSeconds > 1 ? "s" : ""}.`,
  };
  const expired = params.get("expiree") === "1";
  const done = (serverReturn: string | null) => navigate(returnTo ?? serverReturn ?? "/", { replace: true });

  return (
    <div className="login">
      <h1>Se connecter</h1>
      <p className="muted">Console d'administration Medimail, réservée aux administrateurs, opérateurs et support.</p>
      {expired && step.kind !== "code" && (
        <div className="alert alert--info" role="status">
          <p>
            Votre session a expiré après une période d'inactivité. Reconnectez-vous pour reprendre où vous en étiez.
          </p>
        </div>
      )}
      {pscError && errorMessages[pscError] && step.kind !== "code" && (
        <div className="alert alert--error" role="alert">
          <p>{errorMessages[pscError]}</p>
        </div>
      )}
      {step.kind === "password" && (
        <PasswordStep
          returnTo={returnTo}
          onNext={(next, email, expiresInSeconds) => setStep({ kind: "code", next, email, expiresInSeconds })}
          onEmailOnly={() => setStep({ kind: "email-only" })}
        />
      )}
      {step.kind === "email-only" && (
        <EmailOnlyStep
          returnTo={returnTo}
          onNext={(email, expiresInSeconds) =>
            setStep({ kind: "code", next: "EMAIL_CODE_AND_TOTP", email, expiresInSeconds })
          }
          onBack={() => setStep({ kind: "password" })}
        />
      )}
      {step.kind === "code" && (
        <CodeStep step={step} onSignedIn={done} onRestart={() => setStep({ kind: "password" })} />
      )}
      {step.kind !== "code" && session.data?.pscEnabled && (
        <div className="login__psc">
          <p className="login__separator">
            <span>ou</span>
          </p>
          <a
            className="button button--secondary button--block"
            href={`/api/auth/psc/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`}
          >
            Se connecter avec Pro Santé Connect
          </a>
          <p className="muted">
            Avec l'application e-CPS ou votre carte CPS, si votre identité a été liée à votre compte.
          </p>
        </div>
      )}
      {step.kind !== "code" && (
        <p>
          Pas encore de compte ? <Link to="/inscription">S'inscrire</Link>
        </p>
      )}
    </div>
  );
}

function ServerError({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    // a temporarily locked address has its own message (how long, and what to do)
    error instanceof ApiError && error.status === 429 && error.envelope.code !== "ACCOUNT_LOCKED"
      ? "Trop de tentatives depuis votre poste. Patientez une minute avant de réessayer."
      : error instanceof Error
        ? error.message
        : "Erreur inattendue";
  return (
    <div className="alert alert--error" role="alert">
      <p>{message}</p>
    </div>
  );
}

function PasswordStep({
  returnTo,
  onNext,
  onEmailOnly,
}: {
  returnTo: string | null;
  onNext: (next: LoginNextStep["next"], email: string, expiresInSeconds: number) => void;
  onEmailOnly: () => void;
}) {
  const start = useStartPasswordLogin();
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = PasswordLoginRequest.safeParse({
      email: form.get("email"),
      password: form.get("password"),
      ...(returnTo ? { returnTo } : {}),
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    start.mutate(parsed.data, {
      onSuccess: (result) => onNext(result.next, parsed.data.email, result.expiresInSeconds),
    });
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <TextField
        label="Adresse e-mail"
        name="email"
        type="email"
        autoComplete="username"
        autoFocus
        required
        error={errors.email}
      />
      <TextField
        label="Mot de passe"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={errors.password}
      />
      <ServerError error={start.error} />
      <button type="submit" className="button button--block" disabled={start.isPending}>
        {start.isPending ? "Vérification…" : "Se connecter"}
      </button>
      <button type="button" className="button button--link" onClick={onEmailOnly}>
        S'identifier avec un code à usage unique
      </button>
    </form>
  );
}

function EmailOnlyStep({
  returnTo,
  onNext,
  onBack,
}: {
  returnTo: string | null;
  onNext: (email: string, expiresInSeconds: number) => void;
  onBack: () => void;
}) {
  const start = useStartEmailCodeLogin();
  const [error, setError] = useState<string | undefined>();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = EmailCodeLoginRequest.safeParse({
      email: new FormData(event.currentTarget).get("email"),
      ...(returnTo ? { returnTo } : {}),
    });
    if (!parsed.success) return setError(fieldErrors(parsed.error.issues).email);
    setError(undefined);
    start.mutate(parsed.data, { onSuccess: (result) => onNext(parsed.data.email, result.expiresInSeconds) });
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <h2>S'identifier avec un code à usage unique</h2>
      <p>
        Sans mot de passe : saisissez votre adresse e-mail, vous recevrez un code à 6 chiffres à donner avec celui de
        votre application d'authentification. Sans application d'authentification, connectez-vous avec votre mot de
        passe.
      </p>
      <TextField label="Adresse e-mail" name="email" type="email" autoComplete="username" autoFocus error={error} />
      <ServerError error={start.error} />
      <button type="submit" className="button button--block" disabled={start.isPending}>
        {start.isPending ? "Envoi…" : "Recevoir un code"}
      </button>
      <button type="button" className="button button--link" onClick={onBack}>
        Se connecter avec un mot de passe
      </button>
    </form>
  );
}

function CodeStep({
  step,
  onSignedIn,
  onRestart,
}: {
  step: Extract<Step, { kind: "code" }>;
  onSignedIn: (serverReturn: string | null) => void;
  onRestart: () => void;
}) {
  const verify = useVerifyCode();
  const devMails = useDevMailsAvailable();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const input = useRef<HTMLInputElement>(null);
  const totp = step.next === "TOTP";
  const withApp = step.next === "EMAIL_CODE_AND_TOTP";
  const ended = verify.error instanceof ApiError && /recommencez/i.test(verify.error.message);

  useEffect(() => {
    if (verify.isError && !ended) input.current?.select();
  }, [verify.isError, ended]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = VerifyCodeRequest.safeParse({
      code: form.get("code"),
      // the form field is always sent in this mode, so an empty one is reported next to it
      ...(withApp ? { appCode: form.get("appCode") ?? "" } : {}),
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    verify.mutate(parsed.data, { onSuccess: (response) => onSignedIn(response.returnTo) });
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <h2>{totp ? "Code de votre application d'authentification" : "Code reçu par e-mail"}</h2>
      <p>
        {totp
          ? "Saisissez le code à 6 chiffres affiché par votre application. Sans votre téléphone, saisissez un de vos codes de secours."
          : withApp
            ? `Si ${step.email} est l'adresse d'un administrateur équipé d'une application d'authentification, un code à 6 chiffres vient d'y être envoyé (valable ${Math.round(step.expiresInSeconds / 60)} minutes). Saisissez-le avec le code affiché par votre application.`
            : `Si ${step.email} est l'adresse d'un administrateur, un code à 6 chiffres vient d'y être envoyé. Il est valable ${Math.round(step.expiresInSeconds / 60)} minutes.`}
      </p>
      {!totp && devMails.data && (
        <p className="muted">
          Développement : les e-mails sont interceptés,{" "}
          <a href="/dev/mails" target="_blank" rel="noopener">
            lisez le code dans « E-mails interceptés »
          </a>{" "}
          (nouvel onglet).
        </p>
      )}
      <TextField
        ref={input}
        label={
          totp ? "Code de l'application ou code de secours" : withApp ? "Code reçu par e-mail" : "Code à 6 chiffres"
        }
        name="code"
        inputMode={totp ? "text" : "numeric"}
        autoComplete="one-time-code"
        autoFocus
        maxLength={totp ? 9 : 6}
        disabled={ended}
        error={errors.code}
      />
      {withApp && (
        <TextField
          label="Code de l'application d'authentification (ou code de secours)"
          name="appCode"
          inputMode="text"
          autoComplete="off"
          maxLength={9}
          disabled={ended}
          error={errors.appCode}
        />
      )}
      <ServerError error={verify.error} />
      {ended ? (
        <button type="button" className="button button--block" onClick={onRestart}>
          Recommencer la connexion
        </button>
      ) : (
        <button type="submit" className="button button--block" disabled={verify.isPending}>
          {verify.isPending ? "Vérification…" : "Valider"}
        </button>
      )}
      {!ended && (
        <button type="button" className="button button--link" onClick={onRestart}>
          Recommencer avec une autre adresse
        </button>
      )}
    </form>
  );
}
