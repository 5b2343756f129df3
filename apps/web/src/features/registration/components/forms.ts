import { NewPassword, SelfRegistrationRequest } from "@medimail/contracts/accounts";
import { z } from "zod";

// The public forms' schemas: the API's contracts plus the confirmation of the password, checked here only.

const Confirmation = z.string().min(1, "Saisissez à nouveau le mot de passe");
const MISMATCH = "Les deux mots de passe ne sont pas identiques";

export const RegistrationForm = z
  .object({ ...SelfRegistrationRequest.shape, passwordConfirmation: Confirmation })
  .refine((values) => values.passwordConfirmation === "" || values.password === values.passwordConfirmation, {
    path: ["passwordConfirmation"],
    message: MISMATCH,
  });
export type RegistrationFormValues = z.input<typeof RegistrationForm>;

/** The fields of the sign-up form, in the order they are shown (the first one in error takes the focus). */
export const REGISTRATION_FIELDS = [
  "email",
  "lastName",
  "firstName",
  "profession",
  "regionCode",
  "nationalId",
  "postcode",
  "city",
  "liberal",
  "password",
  "passwordConfirmation",
] as const satisfies readonly (keyof RegistrationFormValues)[];

export const NewPasswordForm = z
  .object({ password: NewPassword, passwordConfirmation: Confirmation })
  .refine((values) => values.passwordConfirmation === "" || values.password === values.passwordConfirmation, {
    path: ["passwordConfirmation"],
    message: MISMATCH,
  });
