import { zodResolver } from "@hookform/resolvers/zod";
import { CreateStructureRequest } from "@medimail/contracts/structure-settings";
import type { StructureSummary } from "@medimail/contracts/structures";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { useNavigate } from "react-router";
import { FormError } from "../../../components/ui/form-actions.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { useCreateStructure } from "../api/structure-settings.ts";

/** Operators: "Créer une structure" under a mother chosen in the list, then open its Paramétrage. */
export function CreateStructureForm({
  structures,
  onCancel,
}: {
  structures: StructureSummary[];
  onCancel: () => void;
}) {
  const create = useCreateStructure();
  const navigate = useNavigate();
  const parentId = useId();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(CreateStructureRequest), defaultValues: { name: "", parentId: null } });
  const { errors } = form.formState;
  const sorted = [...structures].sort((a, b) => a.name.localeCompare(b.name, "fr"));

  const submit = form.handleSubmit((values) => {
    setFormError(null);
    create.mutate(values, {
      onSuccess: ({ id }) => navigate(`/structures/${id}/parametrage`),
      onError: (error) => setFormError(applyServerErrors(error, form.setError)),
    });
  });

  return (
    <form onSubmit={submit} noValidate className="card form form--wide" aria-label="Créer une structure">
      <h2 className="card__title">Créer une structure</h2>
      <TextField label="Nom de la structure" autoFocus {...form.register("name")} error={errors.name?.message} />
      <div className="field">
        <label htmlFor={parentId} className="field__label">
          Structure mère
        </label>
        <select
          id={parentId}
          className="field__input"
          {...form.register("parentId", { setValueAs: (value) => (value === "" ? null : value) })}
        >
          <option value="">Aucune (structure racine)</option>
          {sorted.map((structure) => (
            <option key={structure.id} value={structure.id}>
              {structure.name}
            </option>
          ))}
        </select>
        <FormError message={errors.parentId?.message} />
      </div>
      <FormError message={formError} />
      <div className="button-row">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Création…" : "Créer"}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </form>
  );
}
