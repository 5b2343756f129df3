import { zodResolver } from "@hookform/resolvers/zod";
import { PROFESSIONS, REGIONS } from "@medimail/domain/referentials";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { SelectField } from "../../../components/ui/select-field.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useSession } from "../../shared/api/session.ts";
import { useRegister } from "../api/registration.ts";
import { FormAlert } from "../components/form-alert.tsx";
import { REGISTRATION_FIELDS, RegistrationForm, type RegistrationFormValues } from "../components/forms.ts";
import { NewPasswordFields } from "../components/new-password-fields.tsx";
import { Outcome } from "../components/outcome.tsx";
import { publicFormError } from "../components/public-error.ts";

const professionOptions = Object.entries(PROFESSIONS).map(([value, label]) => ({ value, label }));
const regionOptions = Object.entries(REGIONS)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label, "fr"));

const EMPTY: RegistrationFormValues = {
  email: "",
  lastName: "",
  firstName: "",
  profession: "",
  regionCode: "",
  nationalId: "",
  postcode: "",
  city: "",
  liberal: false,
  password: "",
  passwordConfirmation: "",
};

/** "S'inscrire à Medimail" (signed out): the account waits for an administrator of the structure it lands in. */
export function RegistrationPage() {
  const session = useSession();
  const [structureName, setStructureName] = useState<string | null>(null);
  usePageTitle(structureName ? "Inscription enregistrée" : "S'inscrire");

  // the session call hands out the anonymous CSRF token the sign-up request must carry
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (structureName) {
    return (
      <Outcome title="Inscription enregistrée">
        <div className="alert alert--info">
          <p>
            Votre inscription est enregistrée auprès de {structureName}. Un administrateur doit la valider ; vous
            recevrez un e-mail.
          </p>
        </div>
        <p>
          <Link to="/connexion">Retour à la page de connexion</Link>
        </p>
      </Outcome>
    );
  }
  return (
    <div className="login">
      <h1>S'inscrire à Medimail</h1>
      <p className="muted">
        Pour les professionnels de santé et leurs équipes. Votre inscription est rattachée à une structure d'après votre
        adresse et votre lieu d'exercice, puis validée par un de ses administrateurs.
      </p>
      <RegistrationFormView onRegistered={setStructureName} />
      <p>
        Déjà un compte ? <Link to="/connexion">Se connecter</Link>
      </p>
    </div>
  );
}

function RegistrationFormView({ onRegistered }: { onRegistered: (structureName: string) => void }) {
  const register = useRegister();
  const [formError, setFormError] = useState<string | null>(null);
  const liberalId = useId();
  const form = useForm({ resolver: zodResolver(RegistrationForm), defaultValues: EMPTY });
  const { errors } = form.formState;

  const submit = form.handleSubmit(({ passwordConfirmation: _confirmation, ...body }) => {
    setFormError(null);
    register.mutate(body, {
      onSuccess: (result) => onRegistered(result.structureName),
      onError: (error) => {
        const message = publicFormError(error, form.setError);
        setFormError(message);
        const first = REGISTRATION_FIELDS.find((field) => form.getFieldState(field).error);
        if (!message && first) form.setFocus(first);
      },
    });
  });

  return (
    <form onSubmit={submit} noValidate className="form" aria-label="Inscription">
      <FormAlert message={formError} />
      <p className="muted">Tous les champs sont obligatoires, sauf ceux marqués « facultatif ».</p>
      <TextField
        label="Adresse e-mail"
        hint="Votre adresse professionnelle : elle sert à vous connecter et à choisir la structure de rattachement"
        type="email"
        autoComplete="email"
        required
        {...form.register("email")}
        error={errors.email?.message}
      />
      <TextField
        label="Nom"
        autoComplete="family-name"
        required
        {...form.register("lastName")}
        error={errors.lastName?.message}
      />
      <TextField
        label="Prénom"
        autoComplete="given-name"
        required
        {...form.register("firstName")}
        error={errors.firstName?.message}
      />
      <SelectField
        label="Profession"
        placeholder="Choisir…"
        options={professionOptions}
        required
        {...form.register("profession")}
        error={errors.profession?.message}
      />
      <SelectField
        label="Région d'exercice"
        placeholder="Choisir…"
        options={regionOptions}
        required
        {...form.register("regionCode")}
        error={errors.regionCode?.message}
      />
      <TextField
        label="Identifiant RPPS/ADELI (facultatif)"
        hint="11 chiffres (RPPS) ou 9 (ADELI) ; laissez vide si vous n'en avez pas"
        inputMode="numeric"
        autoComplete="off"
        {...form.register("nationalId")}
        error={errors.nationalId?.message}
      />
      <TextField
        label="Code postal (facultatif)"
        inputMode="numeric"
        autoComplete="postal-code"
        {...form.register("postcode")}
        error={errors.postcode?.message}
      />
      <TextField
        label="Commune (facultatif)"
        autoComplete="address-level2"
        {...form.register("city")}
        error={errors.city?.message}
      />
      <div className="checkbox">
        <input id={liberalId} type="checkbox" {...form.register("liberal")} />
        <label htmlFor={liberalId}>J'exerce en libéral</label>
      </div>
      <NewPasswordFields
        password={form.register("password")}
        confirmation={form.register("passwordConfirmation")}
        errors={{ password: errors.password?.message, confirmation: errors.passwordConfirmation?.message }}
      />
      <button type="submit" className="button button--block" disabled={register.isPending}>
        {register.isPending ? "Envoi…" : "S'inscrire"}
      </button>
    </form>
  );
}
