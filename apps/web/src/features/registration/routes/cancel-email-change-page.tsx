import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useSession } from "../../shared/api/session.ts";
import { useCancelEmailChangeByLink } from "../api/registration.ts";
import { FormAlert } from "../components/form-alert.tsx";
import { Outcome } from "../components/outcome.tsx";

/**
 * /changement-adresse/annuler?jeton= (signed out): the link mailed to the address an email change would replace.
 * Opening the link changes nothing (mail scanners open links); the holder confirms with the button.
 */
export function CancelEmailChangePage() {
  const [params] = useSearchParams();
  const token = params.get("jeton") ?? "";
  const session = useSession();
  const cancel = useCancelEmailChangeByLink();
  const [oldEmail, setOldEmail] = useState<string | null>(null);
  usePageTitle(oldEmail ? "Changement d'adresse annulé" : "Annuler le changement de votre identifiant");

  if (session.isPending) return <Loading label="Chargement…" />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (oldEmail) {
    return (
      <Outcome title="Changement d'adresse annulé">
        <p>
          Votre identifiant Medimail reste <strong>{oldEmail}</strong>. Prévenez l'administrateur de votre structure que
          vous n'aviez pas demandé ce changement.
        </p>
        <Link to="/connexion" className="button">
          Se connecter
        </Link>
      </Outcome>
    );
  }
  return (
    <div className="login">
      <h1>Annuler le changement de votre identifiant</h1>
      <p>
        Un changement de l'adresse de connexion de votre compte Medimail a été demandé. S'il ne vient pas de vous,
        annulez-le : votre identifiant restera celui auquel vous avez reçu ce lien.
      </p>
      <FormAlert
        message={cancel.error?.message ?? (token ? null : "Ce lien est incomplet : rouvrez-le depuis le mail.")}
      />
      <button
        type="button"
        className="button button--block"
        disabled={!token || cancel.isPending}
        onClick={() => cancel.mutate({ token }, { onSuccess: (result) => setOldEmail(result.oldEmail) })}
      >
        {cancel.isPending ? "Annulation…" : "Annuler le changement d'adresse"}
      </button>
      <p>
        <Link to="/connexion">Aller à la page de connexion</Link>
      </p>
    </div>
  );
}
