import type { AccountDetail } from "@medimail/contracts/accounts";
import type { AccountType } from "@medimail/contracts/enums";
import { TYPE_RULES } from "@medimail/domain/account-types";
import { PROFESSIONS, REGIONS } from "@medimail/domain/referentials";
import { useId, useState } from "react";
import type { FieldErrors, UseFormReturn } from "react-hook-form";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { SelectField } from "../../../components/ui/select-field.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";

/** Every field of every type: the form holds them all, the type's zod schema keeps only its own. */
export interface AccountFormValues {
  type: AccountType;
  email: string;
  version: number;
  lastName: string;
  firstName: string;
  profession: string;
  regionCode: string;
  phone: string;
  addressLine: string;
  postcode: string;
  city: string;
  unlisted: boolean;
  dematerialisation: boolean;
  notifyOnReception: boolean;
  notifyDailyDigest: boolean;
  notifyOnOpening: boolean;
  nationalId: string;
  finessSite: string;
  connectionAccounts: string[];
  responsible: { lastName: string; firstName: string; profession: string; rpps: string };
  description: string;
  returnAddress: string;
}

export const PROFESSION_OPTIONS = Object.entries(PROFESSIONS).map(([value, label]) => ({ value, label }));
export const REGION_OPTIONS = Object.entries(REGIONS).map(([value, label]) => ({ value, label }));

/** What each type is for, in the guide's words (the type choice and the type change show them). */
export const TYPE_DESCRIPTIONS: Record<AccountType, { title: string; text: string }> = {
  MED: {
    title: "MEDimail",
    text: "Professionnel sans RPPS/ADELI : pas de correspondance MSSanté possible.",
  },
  PER: {
    title: "PERsonnel",
    text: "Professionnel de santé disposant d'un identifiant RPPS ou ADELI ; adresse MSSanté nominative.",
  },
  INT: {
    title: "INTerne",
    text: "Professionnel sans RPPS ni ADELI (étranger, en formation…) ; adresse MSSanté nominative.",
  },
  ORG: {
    title: "ORGanisationnel",
    text: "Secrétariat ou service, sous la responsabilité d'un professionnel habilité ; adresse MSSanté générique.",
  },
  APP: {
    title: "APPlicatif",
    text: "Envoi depuis un logiciel, comme une BAL ORG, avec une adresse retour MSSanté (PER, ORG ou INT).",
  },
};

/** Blank values, then the account's own: used by both the creation and the account page. */
export function formValuesOf(account: AccountDetail | null, defaults: Partial<AccountFormValues>): AccountFormValues {
  const blank: AccountFormValues = {
    type: "MED",
    email: "",
    version: 1,
    lastName: "",
    firstName: "",
    profession: "",
    regionCode: "",
    phone: "",
    addressLine: "",
    postcode: "",
    city: "",
    unlisted: false,
    dematerialisation: false,
    notifyOnReception: true,
    notifyDailyDigest: false,
    notifyOnOpening: false,
    nationalId: "",
    finessSite: "",
    connectionAccounts: [],
    responsible: { lastName: "", firstName: "", profession: "", rpps: "" },
    description: "",
    returnAddress: "",
    ...defaults,
  };
  if (!account) return blank;
  return {
    ...blank,
    type: account.type,
    email: account.email,
    version: account.version,
    lastName: account.lastName,
    firstName: account.firstName,
    profession: account.profession ?? "",
    regionCode: account.regionCode ?? "",
    phone: account.phone ?? "",
    addressLine: account.addressLine ?? "",
    postcode: account.postcode ?? "",
    city: account.city ?? "",
    unlisted: account.unlisted,
    dematerialisation: account.dematerialisation,
    notifyOnReception: account.notifyOnReception,
    notifyDailyDigest: account.notifyDailyDigest,
    notifyOnOpening: account.notifyOnOpening,
    nationalId: account.rpps ?? account.adeli ?? "",
    finessSite: account.finessSite ?? "",
    connectionAccounts: account.connectionAccounts.map((connection) => connection.email),
    responsible: {
      lastName: account.responsible?.lastName ?? "",
      firstName: account.responsible?.firstName ?? "",
      profession: account.responsible?.profession ?? "",
      rpps: account.responsible?.rpps ?? "",
    },
    description: account.description ?? "",
    returnAddress: account.returnAddress ?? "",
  };
}

/** The fields of one type: exactly those, in the guide's order. Fields marked * are required. */
export function AccountFields({
  form,
  type,
  emailEditable,
}: {
  form: UseFormReturn<AccountFormValues>;
  type: AccountType;
  emailEditable: boolean;
}) {
  const rules = TYPE_RULES[type];
  const errors = form.formState.errors as FieldErrors<AccountFormValues>;
  const { register } = form;
  return (
    <>
      <fieldset className="fieldset">
        <legend>Identité du compte</legend>
        {emailEditable && (
          <TextField
            label="Adresse mail *"
            type="email"
            autoComplete="off"
            hint={
              rules.personal
                ? "Une adresse existante : ce sera l'identifiant de connexion de l'utilisateur"
                : "Elle peut être fictive pour une boîte ORG ou APP"
            }
            {...register("email")}
            error={errors.email?.message}
          />
        )}
        <div className="field-row">
          <TextField label="Nom *" autoComplete="off" {...register("lastName")} error={errors.lastName?.message} />
          <TextField label="Prénom *" autoComplete="off" {...register("firstName")} error={errors.firstName?.message} />
        </div>
        <div className="field-row">
          <SelectField
            label="Profession *"
            placeholder="Choisissez…"
            options={PROFESSION_OPTIONS}
            {...register("profession")}
            error={errors.profession?.message}
          />
          <SelectField
            label="Région *"
            placeholder="Choisissez…"
            options={REGION_OPTIONS}
            {...register("regionCode")}
            error={errors.regionCode?.message}
          />
        </div>
        {rules.nationalId && (
          <TextField
            label="Identifiant RPPS ou ADELI *"
            hint="RPPS : 11 chiffres ; ADELI : 9 chiffres"
            inputMode="numeric"
            autoComplete="off"
            {...register("nationalId")}
            error={errors.nationalId?.message}
          />
        )}
        {rules.finessSite && (
          <TextField
            label="FINESS géographique *"
            hint="9 caractères, clé de contrôle vérifiée (2A/2B pour la Corse)"
            autoComplete="off"
            {...register("finessSite")}
            error={errors.finessSite?.message}
          />
        )}
        <TextField label="Téléphone" type="tel" {...register("phone")} error={errors.phone?.message} />
      </fieldset>

      {rules.sharedMailbox && (
        <fieldset className="fieldset">
          <legend>Boîte partagée</legend>
          <ConnectionAccountsField form={form} />
          <TextField
            label="Description du compte *"
            hint="Le service ou l'usage de la boîte (500 caractères au plus)"
            {...register("description")}
            error={errors.description?.message}
          />
          {rules.returnAddress && (
            <TextField
              label="Adresse retour MSSanté *"
              hint="L'adresse MSSanté d'une boîte PER, ORG ou INT, où arrivent les réponses"
              type="email"
              {...register("returnAddress")}
              error={errors.returnAddress?.message}
            />
          )}
          <fieldset className="fieldset">
            <legend>Responsable du compte (professionnel habilité ou responsable légal)</legend>
            <div className="field-row">
              <TextField
                label="Nom du responsable *"
                {...register("responsible.lastName")}
                error={errors.responsible?.lastName?.message}
              />
              <TextField
                label="Prénom du responsable *"
                {...register("responsible.firstName")}
                error={errors.responsible?.firstName?.message}
              />
            </div>
            <div className="field-row">
              <SelectField
                label="Profession du responsable *"
                placeholder="Choisissez…"
                options={PROFESSION_OPTIONS}
                {...register("responsible.profession")}
                error={errors.responsible?.profession?.message}
              />
              <TextField
                label="RPPS ou ADELI du responsable *"
                hint="RPPS : 11 chiffres ; ADELI : 9 chiffres"
                inputMode="numeric"
                {...register("responsible.rpps")}
                error={errors.responsible?.rpps?.message}
              />
            </div>
          </fieldset>
        </fieldset>
      )}

      <fieldset className="fieldset">
        <legend>Adresse postale</legend>
        <TextField label="Adresse" {...register("addressLine")} error={errors.addressLine?.message} />
        <div className="field-row">
          <TextField
            label="Code postal"
            inputMode="numeric"
            {...register("postcode")}
            error={errors.postcode?.message}
          />
          <TextField label="Commune" {...register("city")} error={errors.city?.message} />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Options</legend>
        <label className="checkbox">
          <input type="checkbox" {...register("unlisted")} />
          Liste rouge : masquer ce compte dans l'annuaire Medimail
        </label>
        {!rules.sharedMailbox && (
          <label className="checkbox">
            <input type="checkbox" {...register("dematerialisation")} />
            Dématérialisation
          </label>
        )}
        <label className="checkbox">
          <input type="checkbox" {...register("notifyOnReception")} />
          Notification à la réception d'un message
        </label>
        <label className="checkbox">
          <input type="checkbox" {...register("notifyDailyDigest")} />
          Récapitulatif quotidien des messages reçus
        </label>
        <label className="checkbox">
          <input type="checkbox" {...register("notifyOnOpening")} />
          Notification à l'ouverture d'un message envoyé
        </label>
      </fieldset>
    </>
  );
}

/** "Comptes de connexion": existing MED/PER/INT accounts allowed into the ORG/APP mailbox, added by email. */
function ConnectionAccountsField({ form }: { form: UseFormReturn<AccountFormValues> }) {
  const emails = form.watch("connectionAccounts");
  const [draft, setDraft] = useState("");
  const inputId = useId();
  const errors = form.formState.errors.connectionAccounts;
  const listError = errors?.message ?? errors?.root?.message;
  const add = () => {
    const email = draft.trim().toLowerCase();
    if (!email) return;
    if (!emails.includes(email)) {
      form.setValue("connectionAccounts", [...emails, email], {
        shouldDirty: true,
        shouldValidate: form.formState.isSubmitted,
      });
    }
    setDraft("");
  };
  return (
    <div className={`field${listError ? " field--error" : ""}`}>
      <label htmlFor={inputId} className="field__label">
        Comptes de connexion *
      </label>
      <p className="field__hint">
        Adresses de comptes Medimail existants (MED, PER ou INT) des structures que vous administrez, qui pourront
        ouvrir cette boîte.
      </p>
      {emails.length > 0 && (
        <ul className="chip-list">
          {emails.map((email, index) => (
            <li key={email}>
              <span>{email}</span>
              <button
                type="button"
                className="button button--link"
                aria-label={`Retirer ${email}`}
                onClick={() =>
                  form.setValue(
                    "connectionAccounts",
                    emails.filter((other) => other !== email),
                    { shouldDirty: true },
                  )
                }
              >
                Retirer
              </button>
              {errors?.[index]?.message && (
                <p className="error-text" role="alert">
                  {errors[index]?.message}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="inline-form">
        <input
          id={inputId}
          className="field__input"
          type="email"
          value={draft}
          placeholder="prenom.nom@exemple.fr"
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button button--secondary" onClick={add}>
          Ajouter
        </button>
      </div>
      <FormError message={listError} />
    </div>
  );
}
