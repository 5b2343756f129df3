import { describe, expect, it } from "vitest";
import { weakPasswordReason } from "./password-strength.ts";

describe("common and guessable passwords", () => {
  it("refuses the passwords of the security review, though they have 12 characters", () => {
    for (const password of ["123456789012", "azertyuiop12", "motdepasse12"]) {
      expect(weakPasswordReason(password), password).toMatch(/^Mot de passe trop courant ou trop facile à deviner/);
    }
  });

  it("refuses other usual French choices", () => {
    for (const password of ["Azerty123456", "soleil123456", "marseille2024", "jetaime123456", "password1234"]) {
      expect(weakPasswordReason(password), password).not.toBeNull();
    }
  });

  it("refuses a password made of the holder's own name", () => {
    expect(weakPasswordReason("Dupre-Elodie-81")).toBeNull();
    expect(weakPasswordReason("Dupre-Elodie-81", ["elodie.dupre@chu.fr", "Élodie", "Dupré"])).toBe(
      "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse e-mail.",
    );
  });

  it("accepts passwords that are not in the lists", () => {
    for (const password of [
      "Correct-horse-2026",
      "Gr4nd-Ch3val-Bleu",
      "Hôpital-Castres-81",
      "tuile verte sous la pluie",
    ]) {
      expect(weakPasswordReason(password), password).toBeNull();
    }
  });
});
