import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useSearchParams } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useSession } from "../../shared/api/session.ts";
import { type LinkInfo, type LinkPurpose, useLinkInfo, useSetPasswordByLink } from "../api/registration.ts";
import { FormAlert } from "../components/form-alert.tsx";
import { NewPasswordForm } from "../components/forms.ts";
import { NewPasswordFields } from "../components/new-password-fields.tsx";
import { Outcome } from "../components/outcome.tsx";
import { publicFormError } from "../components/public-error.ts";

const TEXTS: Record<LinkPurpose, { title: string; intro: string; done: string; doneText: string }> = {
  REGISTRATION: {
    title: "Finaliser votre inscription",
    intro: "Choisissez le mot de passe de votre compte Medimail",
    done: "Votre inscription est finalisée",
    doneText: "Votre compte Medimail est prêt : connectez-vous avec votre adresse e-mail et ce mot de passe.",
  },
  PASSWORD_RESET: {
    title: "Choisir un nouveau mot de passe",
    intro: "Choisissez le nouveau mot de passe de votre compte Medimail",
    done: "Votre mot de passe est modifié",
    doneText: "Connectez-vous désormais avec votre adresse e-mail et ce nouveau mot de passe.",
  },
};

/**
 * The single-use links of mails (signed out): /inscription/finaliser?jeton= (pre-registration, reminders) and
 * /mot-de-passe/nouveau?jeton= (password reset). What the link is for comes from the server, whichever address
 * it was opened under.
 */
export function LinkPasswordPage({ purpose }: { purpose: LinkPurpose }) {
  const [params] = useSearchParams();
  const token = params.get("jeton") ?? "";
  const session = useSession();
  const link = useLinkInfo(token);
  const [done, setDone] = useState(false);
  const texts = TEXTS[link.data?.valid ? link.data.purpose : purpose];
  usePageTitle(done ? texts.done : link.data && !link.data.valid ? "Lien inutilisable" : texts.title);

  if (session.isPending || link.isPending) return <Loading label="Vérification du lien…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (link.isError) return <UnusableLink message={link.error.message} />;
  if (!link.data.valid) return <UnusableLink message={link.data.message} />;
  if (done) {
    return (
      <Outcome title={texts.done}>
        <p>{texts.doneText}</p>
        <Link to="/connexion" className="button">
          Se connecter
        </Link>
      </Outcome>
    );
  }
  return (
    <div className="login">
      <h1>{texts.title}</h1>
      <PasswordForm token={token} link={link.data} intro={texts.intro} onDone={() => setDone(true)} />
    </div>
  );
}

/** Unknown, expired or already used: the server's message says what to do. */
function UnusableLink({ message }: { message: string }) {
  return (
    <Outcome title="Lien inutilisable">
      <div className="alert alert--error">
        <p>{message}</p>
      </div>
      <p>
        <Link to="/connexion">Aller à la page de connexion</Link>
      </p>
    </Outcome>
  );
}

function PasswordForm({
  token,
  link,
  intro,
  onDone,
}: {
  token: string;
  link: Extract<LinkInfo, { valid: true }>;
  intro: string;
  onDone: () => void;
}) {
  const save = useSetPasswordByLink();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    resolver: zodResolver(NewPasswordForm),
    defaultValues: { password: "", passwordConfirmation: "" },
  });
  const { errors } = form.formState;

  const submit = form.handleSubmit(({ password }) => {
    setFormError(null);
    save.mutate(
      { token, password },
      {
        onSuccess: onDone,
        onError: (error) => {
          const message = publicFormError(error, form.setError);
          if (form.getFieldState("password").error) form.setFocus("password");
          // an error on the link itself (unknown, expired, already used) has no field of its own
          else setFormError(message ?? error.message);
        },
      },
    );
  });

  return (
    <>
      <p>Bonjour {link.name},</p>
      <p>
        {intro} ({link.email}).
      </p>
      <form onSubmit={submit} noValidate className="form">
        <FormAlert message={formError} />
        {/* lets password managers file the new password under the right address */}
        <input type="text" name="username" autoComplete="username" value={link.email} readOnly hidden />
        <NewPasswordFields
          label="Nouveau mot de passe"
          password={form.register("password")}
          confirmation={form.register("passwordConfirmation")}
          errors={{ password: errors.password?.message, confirmation: errors.passwordConfirmation?.message }}
        />
        <button type="submit" className="button button--block" disabled={save.isPending}>
          {save.isPending ? "Enregistrement…" : "Enregistrer le mot de passe"}
        </button>
      </form>
      {formError && (
        <p>
          <Link to="/connexion">Aller à la page de connexion</Link>
        </p>
      )}
    </>
  );
}
