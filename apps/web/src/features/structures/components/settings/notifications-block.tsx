import { StructureNotificationsInput, type StructureSettings } from "@medimail/contracts/structure-settings";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { applyServerErrors } from "../../../../lib/form-errors.ts";
import { useSaveNotifications } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";

const CHOICES = [
  { field: "notifyOnReception", label: "À chaque réception d'un message" },
  { field: "notifyDailyDigest", label: "Un récapitulatif quotidien des messages reçus" },
  {
    field: "notifyConnectionAccount",
    label: "Sur le compte de connexion quand une boîte ORG ou APP reçoit un message",
  },
  { field: "notifyOnOpening", label: "À chaque ouverture d'un message envoyé (entre adresses Medimail)" },
] as const;

interface FormValues {
  notifyOnReception: boolean;
  notifyDailyDigest: boolean;
  notifyConnectionAccount: boolean;
  notifyOnOpening: boolean;
  contacts: string;
}

/** "Notifications": defaults for new accounts, and the addresses told of accounts to validate. */
export function NotificationsBlock({ settings }: { settings: StructureSettings }) {
  const save = useSaveNotifications(settings.id);
  const [formError, setFormError] = useState<string | null>(null);
  const baseId = useId();
  const readOnly = !settings.permissions.administer;
  const { adminNotificationEmails, ...choices } = settings.notifications;
  const form = useForm<FormValues>({ defaultValues: { ...choices, contacts: adminNotificationEmails.join(", ") } });
  const { errors, isDirty } = form.formState;
  const receptionOff = !form.watch("notifyOnReception");

  // the shared schema is applied on submit, once the contacts are split into addresses
  const submit = form.handleSubmit(({ contacts, ...values }) => {
    setFormError(null);
    const parsed = StructureNotificationsInput.safeParse({
      ...values,
      adminNotificationEmails: contacts.split(/[\s,;]+/).filter(Boolean),
    });
    if (!parsed.success) {
      form.setError("contacts", { message: parsed.error.issues[0]?.message ?? "Adresse invalide" });
      return;
    }
    save.mutate(parsed.data, {
      onSuccess: () => form.reset(form.getValues()),
      onError: (error) => setFormError(applyServerErrors(error, form.setError) ?? "Corrigez les champs signalés."),
    });
  });

  return (
    <section aria-labelledby="notifications-titre" className="card">
      <h2 id="notifications-titre" className="card__title">
        Notifications
      </h2>
      <form onSubmit={submit} noValidate className="form form--wide">
        <fieldset disabled={readOnly} className="fieldset">
          <legend className="field__label">Notifications par défaut des nouveaux utilisateurs</legend>
          {CHOICES.map(({ field, label }) => (
            <div key={field} className="checkbox">
              <input id={`${baseId}-${field}`} type="checkbox" {...form.register(field)} />
              <label htmlFor={`${baseId}-${field}`}>{label}</label>
            </div>
          ))}
          {receptionOff && (
            <div className="alert alert--warning" role="status">
              <p>
                Sans notification à chaque réception, les logiciels de messagerie des utilisateurs ne sont plus prévenus
                des nouveaux messages.
              </p>
            </div>
          )}
          <TextField
            label="Contacts des administrateurs à prévenir"
            hint="Adresses séparées par des virgules : elles reçoivent les demandes de comptes à valider"
            {...form.register("contacts")}
            error={errors.contacts?.message}
          />
        </fieldset>
        {!readOnly && <SaveFeedback saving={save.isPending} saved={save.isSuccess && !isDirty} error={formError} />}
      </form>
    </section>
  );
}
