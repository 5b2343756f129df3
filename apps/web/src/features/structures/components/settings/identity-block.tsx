import { zodResolver } from "@hookform/resolvers/zod";
import { StructureIdentityInput, type StructureSettings } from "@medimail/contracts/structure-settings";
import { useId } from "react";
import { useForm } from "react-hook-form";
import { FormError } from "../../../../components/ui/form-actions.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { useSaveIdentity } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";
import { useSaveBlock } from "./use-save-block.ts";

/** "Identité": name, type, FINESS/SIREN/SIRET (check digits verified as you save), phone. */
export function IdentityBlock({ settings }: { settings: StructureSettings }) {
  const save = useSaveIdentity(settings.id);
  const selectId = useId();
  const readOnly = !settings.permissions.administer;
  const form = useForm<StructureIdentityInput, unknown, unknown>({
    resolver: zodResolver(StructureIdentityInput),
    defaultValues: {
      name: settings.identity.name,
      kind: settings.identity.kind ?? "",
      identifierType: settings.identity.identifierType,
      identifier: settings.identity.identifier ?? "",
      phone: settings.identity.phone ?? "",
    },
  });
  const { errors } = form.formState;

  const block = useSaveBlock(form, save);

  return (
    <section aria-labelledby="identite-titre" className="card">
      <h2 id="identite-titre" className="card__title">
        Identité
      </h2>
      <form onSubmit={block.submit} noValidate className="form form--wide">
        <fieldset disabled={readOnly} className="fieldset">
          <TextField label="Nom de la structure" {...form.register("name")} error={errors.name?.message} />
          <TextField
            label="Type de structure"
            hint="Ex. : centre hospitalier, clinique, EHPAD"
            {...form.register("kind")}
            error={errors.kind?.message}
          />
          <div className="field-row">
            <div className="field">
              <label htmlFor={selectId} className="field__label">
                Type d'identifiant
              </label>
              <select
                id={selectId}
                className="field__input"
                aria-invalid={errors.identifierType ? true : undefined}
                {...form.register("identifierType", { setValueAs: (value) => (value === "" ? null : value) })}
              >
                <option value="">Aucun</option>
                <option value="FINESS">FINESS</option>
                <option value="SIREN">SIREN</option>
                <option value="SIRET">SIRET</option>
              </select>
              <FormError message={errors.identifierType?.message} />
            </div>
            <TextField
              label="Numéro identifiant"
              hint="La clé de contrôle est vérifiée"
              autoComplete="off"
              {...form.register("identifier")}
              error={errors.identifier?.message}
            />
          </div>
          <TextField
            label="Téléphone"
            type="tel"
            autoComplete="tel"
            {...form.register("phone")}
            error={errors.phone?.message}
          />
        </fieldset>
        {!readOnly && <SaveFeedback saving={save.isPending} saved={block.saved} error={block.error} />}
      </form>
    </section>
  );
}
