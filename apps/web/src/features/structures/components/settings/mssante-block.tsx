import { zodResolver } from "@hookform/resolvers/zod";
import { StructureMssanteInput, type StructureSettings } from "@medimail/contracts/structure-settings";
import { useId } from "react";
import { useForm } from "react-hook-form";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useSaveMssante } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";
import { useSaveBlock } from "./use-save-block.ts";

const QUOTAS = [
  { field: "quotaPer", type: "PER", label: "Quota PER (professionnels de santé)" },
  { field: "quotaOrg", type: "ORG", label: "Quota ORG (boîtes organisationnelles)" },
  { field: "quotaApp", type: "APP", label: "Quota APP (boîtes applicatives)" },
] as const;

function quotaText(quota: number) {
  return quota === -1 ? "illimité" : quota === 0 ? "aucune adresse" : `${quota.toLocaleString("fr-FR")} adresses`;
}

/** "MSSanté": domain and quotas per type, set by the platform operator; read-only for administrators. */
export function MssanteBlock({ settings }: { settings: StructureSettings }) {
  const save = useSaveMssante(settings.id);
  const checkboxId = useId();
  const editable = settings.permissions.platformSettings;
  const { usage } = settings.mssante;
  const form = useForm<StructureMssanteInput, unknown, unknown>({
    resolver: zodResolver(StructureMssanteInput),
    defaultValues: {
      mssDomain: settings.mssante.mssDomain ?? "",
      quotaPer: settings.mssante.quotaPer,
      quotaOrg: settings.mssante.quotaOrg,
      quotaApp: settings.mssante.quotaApp,
      mssAdminOnly: settings.mssante.mssAdminOnly,
    },
  });
  const { errors } = form.formState;

  const block = useSaveBlock(form, save);

  return (
    <section aria-labelledby="mssante-titre" className="card">
      <h2 id="mssante-titre" className="card__title">
        MSSanté
      </h2>
      {!editable && <p className="muted">Le domaine et les quotas sont fixés par l'opérateur de la plateforme.</p>}
      <form onSubmit={block.submit} noValidate className="form form--wide">
        <fieldset disabled={!editable} className="fieldset">
          <TextField
            label="Domaine de la structure"
            hint="Ex. : chu-toulouse.mssante.fr"
            {...form.register("mssDomain")}
            error={errors.mssDomain?.message}
          />
          <div className="field-row">
            {QUOTAS.map(({ field, type, label }) => (
              <div key={field}>
                <TextField
                  label={label}
                  hint="-1 : illimité, 0 : aucune"
                  type="number"
                  min={-1}
                  {...form.register(field, { valueAsNumber: true })}
                  error={errors[field]?.message}
                />
                <QuotaGauge used={usage[type]} quota={settings.mssante[field]} label={type} />
              </div>
            ))}
          </div>
          <div className="checkbox">
            <input id={checkboxId} type="checkbox" {...form.register("mssAdminOnly")} />
            <label htmlFor={checkboxId}>Seuls les administrateurs créent les adresses MSSanté</label>
          </div>
        </fieldset>
        {editable && <SaveFeedback saving={save.isPending} saved={block.saved} error={block.error} />}
      </form>
    </section>
  );
}

function QuotaGauge({ used, quota, label }: { used: number; quota: number; label: string }) {
  const max = quota > 0 ? quota : Math.max(used, 1);
  return (
    <div className="gauge">
      <meter
        min={0}
        max={max}
        value={Math.min(used, max)}
        high={quota > 0 ? quota * 0.9 : undefined}
        aria-label={`Adresses ${label} utilisées`}
      />
      <span className="muted">
        {used.toLocaleString("fr-FR")} utilisée{used > 1 ? "s" : ""} — quota {quotaText(quota)}
      </span>
    </div>
  );
}
