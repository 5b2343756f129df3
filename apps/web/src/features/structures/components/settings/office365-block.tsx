import { zodResolver } from "@hookform/resolvers/zod";
import { StructureOffice365Input, type StructureSettings } from "@medimail/contracts/structure-settings";
import { useForm } from "react-hook-form";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useSaveOffice365 } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";

/** "Office 365" (legacy): only for structures that already have it; the operator sets the quota. */
export function Office365Block({ settings }: { settings: StructureSettings }) {
  const save = useSaveOffice365(settings.id);
  const form = useForm({
    resolver: zodResolver(StructureOffice365Input),
    defaultValues: { office365Quota: settings.office365Quota ?? -1 },
  });
  if (settings.office365Quota === null) return null;
  const editable = settings.permissions.platformSettings;
  const { errors, isDirty } = form.formState;

  const submit = form.handleSubmit(({ office365Quota }) =>
    save.mutate(office365Quota, { onSuccess: () => form.reset({ office365Quota }) }),
  );

  return (
    <section aria-labelledby="o365-titre" className="card">
      <h2 id="o365-titre" className="card__title">
        Office 365
      </h2>
      <form onSubmit={submit} noValidate className="form">
        <fieldset disabled={!editable} className="fieldset">
          <TextField
            label="Nombre maximal de comptes Office 365"
            hint="-1 : illimité"
            type="number"
            min={-1}
            {...form.register("office365Quota", { valueAsNumber: true })}
            error={errors.office365Quota?.message}
          />
        </fieldset>
        {editable && (
          <SaveFeedback
            saving={save.isPending}
            saved={save.isSuccess && !isDirty}
            error={save.error?.message ?? null}
          />
        )}
      </form>
    </section>
  );
}
