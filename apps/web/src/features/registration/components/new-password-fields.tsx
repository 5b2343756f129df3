import type { UseFormRegisterReturn } from "react-hook-form";
import { TextField } from "../../../components/ui/text-field.tsx";

/** A new password typed twice (the sign-up form and the links' form). */
export function NewPasswordFields({
  password,
  confirmation,
  errors,
  label = "Mot de passe",
}: {
  password: UseFormRegisterReturn;
  confirmation: UseFormRegisterReturn;
  errors: { password?: string | undefined; confirmation?: string | undefined };
  label?: string;
}) {
  return (
    <>
      <TextField
        label={label}
        hint="12 caractères au moins, ni mot de passe courant (« azertyuiop12 »…), ni votre nom ; une phrase de plusieurs mots est facile à retenir"
        type="password"
        autoComplete="new-password"
        required
        {...password}
        error={errors.password}
      />
      <TextField
        label="Confirmation du mot de passe"
        type="password"
        autoComplete="new-password"
        required
        {...confirmation}
        error={errors.confirmation}
      />
    </>
  );
}
