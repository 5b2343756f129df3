import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client.ts";
import { applyServerErrors } from "./form-errors.ts";

describe("applyServerErrors", () => {
  it("puts the API's field errors next to the fields and answers no form message", () => {
    const setError = (field: string, error: { message: string }) => errors.push([field, error.message]);
    const errors: [string, string][] = [];
    const error = new ApiError({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "Données invalides",
      requestId: "r",
      details: [{ path: "body.email", message: "Adresse mail déjà utilisée" }],
    });
    expect(applyServerErrors(error, setError as never)).toBeNull();
    expect(errors).toEqual([["email", "Adresse mail déjà utilisée"]]);
  });

  it("answers the message to show above the form for an error about no field", () => {
    const error = new ApiError({ statusCode: 409, code: "CONFLICT", message: "Le compte a changé", requestId: "r" });
    expect(applyServerErrors(error, (() => {}) as never)).toBe("Le compte a changé");
    expect(applyServerErrors(new Error("Réseau coupé"), (() => {}) as never)).toBe("Réseau coupé");
  });
});
