import type { StructureSettings } from "@medimail/contracts/structure-settings";
import { type FormEvent, useState } from "react";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useSaveOffice365 } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";

/** "Office 365" (legacy): only for structures that already have it; the operator sets the quota. */
export function Office365Block({ settings }: { settings: StructureSettings }) {
  const save = useSaveOffice365(settings.id);
  const [error, setError] = useState<string | undefined>();
  if (settings.office365Quota === null) return null;
  const editable = settings.permissions.platformSettings;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("office365Quota") ?? "");
    const quota = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(quota) || quota < -1) {
      setError("-1 (illimité), 0 (aucun) ou un nombre positif");
      return;
    }
    setError(undefined);
    save.mutate(quota);
  };

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
            name="office365Quota"
            type="number"
            min={-1}
            defaultValue={settings.office365Quota}
            error={error}
          />
        </fieldset>
        {editable && (
          <SaveFeedback saving={save.isPending} saved={save.isSuccess} error={save.error?.message ?? null} />
        )}
      </form>
    </section>
  );
}
