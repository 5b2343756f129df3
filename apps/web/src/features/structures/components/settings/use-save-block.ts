import type { UseMutationResult } from "@tanstack/react-query";
import { useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { applyServerErrors } from "../../../../lib/form-errors.ts";

/**
 * The save of a settings block: the form's values go to the block's mutation; on success the form starts again
 * from what was saved, on error the API's field errors go next to the fields (nothing typed is lost).
 */
export function useSaveBlock<Values extends FieldValues, Body>(
  form: UseFormReturn<Values, unknown, unknown>,
  save: UseMutationResult<unknown, Error, Body>,
) {
  const [formError, setFormError] = useState<string | null>(null);
  const submit = form.handleSubmit((values) => {
    setFormError(null);
    save.mutate(values as Body, {
      onSuccess: () => form.reset(form.getValues()),
      onError: (error) => setFormError(applyServerErrors(error, form.setError)),
    });
  });
  const fieldErrors = Object.keys(form.formState.errors).length > 0;
  return {
    submit,
    error: formError ?? (fieldErrors ? "Corrigez les champs signalés." : null),
    saved: save.isSuccess && !form.formState.isDirty,
  };
}
