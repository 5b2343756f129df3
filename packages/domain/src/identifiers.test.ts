import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  identifierError,
  isValidFiness,
  isValidRpps,
  isValidSiren,
  isValidSiret,
  luhnCheckDigit,
  normalizeFrenchPhone,
  passesLuhn,
  rppsKeyError,
  withRppsKey,
} from "./identifiers.ts";

const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(""));

describe("Luhn", () => {
  it("accepts known valid numbers and refuses a changed digit", () => {
    expect(passesLuhn("79927398713")).toBe(true);
    expect(passesLuhn("79927398710")).toBe(false);
  });

  it("detects every single-digit error (property)", () => {
    fc.assert(
      fc.property(
        digits(8),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 9 }),
        (body, position, delta) => {
          const valid = `${body}${luhnCheckDigit(body)}`;
          expect(passesLuhn(valid)).toBe(true);
          const changed = (Number(valid[position]) + delta) % 10;
          const wrong = `${valid.slice(0, position)}${changed}${valid.slice(position + 1)}`;
          expect(passesLuhn(wrong)).toBe(false);
        },
      ),
    );
  });
});

describe("SIREN, SIRET, FINESS", () => {
  it("checks real numbers", () => {
    expect(isValidSiren("732829320")).toBe(true); // a real company
    expect(isValidSiren("732829321")).toBe(false);
    expect(isValidSiret("73282932000074")).toBe(true);
    expect(isValidSiret("73282932000075")).toBe(false);
    expect(isValidFiness("310781406")).toBe(true); // CHU de Toulouse
    expect(isValidFiness("310781407")).toBe(false);
  });

  it("applies La Poste's rule (sum of digits divisible by 5) to its SIRETs", () => {
    expect(isValidSiret("35600000000048")).toBe(true); // the head office follows Luhn
    expect(isValidSiret("35600000049837")).toBe(true); // sum 45
    expect(isValidSiret("35600000049838")).toBe(false);
  });

  it("handles Corsican FINESS numbers (2A, 2B), in either case", () => {
    const body = "2A0000123";
    const keyed = `${body.slice(0, 8)}${luhnCheckDigit(`20${body.slice(2, 8)}`)}`;
    expect(isValidFiness(keyed)).toBe(true);
    expect(isValidFiness(keyed.toLowerCase())).toBe(true);
    expect(isValidFiness(`2B${keyed.slice(2)}`)).toBe(true);
    expect(isValidFiness(`2C${keyed.slice(2)}`)).toBe(false);
  });

  it("any SIREN + NIC keyed with Luhn is a valid SIRET, and a valid SIREN (property)", () => {
    fc.assert(
      fc.property(digits(8), digits(4), (sirenBody, nicBody) => {
        const siren = `${sirenBody}${luhnCheckDigit(sirenBody)}`;
        fc.pre(!siren.startsWith("356000000"));
        expect(isValidSiren(siren)).toBe(true);
        const siret = `${siren}${nicBody}${luhnCheckDigit(`${siren}${nicBody}`)}`;
        expect(isValidSiret(siret)).toBe(true);
      }),
    );
  });

  it("explains what is wrong, in French", () => {
    expect(identifierError("SIRET", "123")).toBe("Un numéro SIRET comporte 14 chiffres");
    expect(identifierError("SIRET", "73282932000075")).toBe(
      "Numéro SIRET invalide : la clé de contrôle ne correspond pas",
    );
    expect(identifierError("SIRET", "732 829 320 00074")).toBeNull();
    expect(identifierError("FINESS", "31078140")).toBe(
      "Un numéro FINESS comporte 9 caractères (2A ou 2B pour la Corse)",
    );
    expect(identifierError("SIREN", "732829320")).toBeNull();
  });
});

describe("French phone numbers", () => {
  it("normalises the usual forms to 10 digits", () => {
    for (const input of ["05 61 77 22 33", "05.61.77.22.33", "+33 5 61 77 22 33", "0033561772233", "05-61-77-22-33"]) {
      expect(normalizeFrenchPhone(input)).toBe("0561772233");
    }
  });

  it("refuses what is not a French number", () => {
    for (const input of ["", "12345", "00 61 77 22 33", "+44 20 7946 0958", "05 61 77 22 3"]) {
      expect(normalizeFrenchPhone(input)).toBeNull();
    }
  });
});

describe("RPPS", () => {
  it("checks the Luhn key over the 11 digits", () => {
    expect(isValidRpps("10003456786")).toBe(true);
    expect(isValidRpps("12345678901")).toBe(false);
    expect(isValidRpps("1000345678")).toBe(false);
    expect(withRppsKey("1000345678")).toBe("10003456786");
    expect(rppsKeyError("12345678901")).toBe(
      "Numéro RPPS invalide : la clé de contrôle (dernier chiffre) ne correspond pas",
    );
    expect(rppsKeyError("810012345")).toBeNull(); // an ADELI is not judged here
  });

  it("keys any 10-digit body", () => {
    fc.assert(fc.property(digits(10), (body) => isValidRpps(withRppsKey(body))));
  });
});
