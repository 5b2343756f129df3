import { zodResolver } from "@hookform/resolvers/zod";
import {
  type EnrolmentRule,
  EnrolmentRuleInput,
  practiceStatusLabels,
  type StructureSettings,
} from "@medimail/contracts/structure-settings";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "../../../../components/ui/form-actions.tsx";
import { EmptyState, ErrorState, Loading } from "../../../../components/ui/page-states.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { applyServerErrors } from "../../../../lib/form-errors.ts";
import { useAddEnrolmentRule, useEnrolmentRules, useRemoveEnrolmentRule } from "../../api/structure-settings.ts";

const CRITERIA = [
  { field: "emailDomain", label: "Domaine de l'adresse e-mail", hint: "ex. ch-lavaur.fr" },
  { field: "regionCode", label: "Région (code INSEE)", hint: "ex. 76" },
  { field: "departmentCode", label: "Département", hint: "ex. 81" },
  { field: "postcode", label: "Code postal", hint: "" },
  { field: "city", label: "Commune", hint: "" },
  { field: "profession", label: "Profession (code)", hint: "ex. 10 : médecin" },
] as const;

function describe(rule: EnrolmentRule): string {
  const parts = [
    rule.emailDomain && `adresse en @${rule.emailDomain}`,
    rule.regionCode && `région ${rule.regionCode}`,
    rule.departmentCode && `département ${rule.departmentCode}`,
    rule.postcode && `code postal ${rule.postcode}`,
    rule.city && `commune ${rule.city}`,
    rule.profession && `profession ${rule.profession}`,
    rule.practiceStatus !== "ANY" && `exercice ${practiceStatusLabels[rule.practiceStatus].toLowerCase()}`,
  ].filter(Boolean);
  return parts.join(", ");
}

/** "Enrôlement automatique" (operators): self-registrations matching every criterion of a rule land here. */
export function EnrolmentBlock({ settings }: { settings: StructureSettings }) {
  const rules = useEnrolmentRules(settings.id);
  const add = useAddEnrolmentRule(settings.id);
  const remove = useRemoveEnrolmentRule(settings.id);
  const [formError, setFormError] = useState<string | null>(null);
  const statusId = useId();
  const editable = settings.permissions.platformSettings;
  const form = useForm({
    resolver: zodResolver(EnrolmentRuleInput),
    defaultValues: { practiceStatus: "ANY" as const },
  });
  const { errors } = form.formState;

  const submit = form.handleSubmit((values) => {
    setFormError(null);
    add.mutate(values, {
      onSuccess: () => form.reset(),
      onError: (error) => setFormError(applyServerErrors(error, form.setError)),
    });
  });

  return (
    <section aria-labelledby="enrolement-titre" className="card">
      <h2 id="enrolement-titre" className="card__title">
        Enrôlement automatique
      </h2>
      <p className="muted">
        Une inscription qui remplit tous les critères d'une règle arrive dans les « Utilisateurs à valider » de cette
        structure.
      </p>
      {rules.isPending ? (
        <Loading />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.data.items.length === 0 ? (
        <EmptyState title="Aucune règle d'enrôlement automatique" />
      ) : (
        <ul className="candidate-list" aria-label="Règles d'enrôlement">
          {rules.data.items.map((rule) => (
            <li key={rule.id}>
              <span>{describe(rule)}</span>
              {editable && (
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Supprimer la règle « ${describe(rule)} » ?`)) remove.mutate(rule.id);
                  }}
                >
                  Supprimer
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form onSubmit={submit} noValidate className="form form--wide" aria-label="Nouvelle règle d'enrôlement">
          <h3>Nouvelle règle</h3>
          <div className="field-row">
            {CRITERIA.map(({ field, label, hint }) => (
              <TextField
                key={field}
                label={label}
                {...(hint ? { hint } : {})}
                {...form.register(field)}
                error={errors[field]?.message}
              />
            ))}
            <div className="field">
              <label htmlFor={statusId} className="field__label">
                Mode d'exercice
              </label>
              <select id={statusId} className="field__input" {...form.register("practiceStatus")}>
                {Object.entries(practiceStatusLabels).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <FormError message={formError} />
          <div className="button-row">
            <button type="submit" className="button" disabled={add.isPending}>
              Ajouter la règle
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
