// French structure identifiers and their check digits. Pure; used by the contracts (zod) on both sides.

/** Luhn: from the right, every second digit doubled (minus 9 above 9); valid when the sum is a multiple of 10. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit to append to `body`. */
export function luhnCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) if (passesLuhn(`${body}${digit}`)) return String(digit);
  throw new Error(`not digits: ${body}`);
}

/** SIREN: 9 digits, Luhn. */
export function isValidSiren(value: string): boolean {
  return /^\d{9}$/.test(value) && passesLuhn(value);
}

/** La Poste's establishments share SIREN 356000000; their SIRETs do not follow Luhn but a sum of digits divisible by 5. */
export const LA_POSTE_SIREN = "356000000";

/** SIRET: 14 digits (SIREN + NIC), Luhn, except La Poste's. */
export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN) && value !== "35600000000048") {
    const sum = [...value].reduce((total, digit) => total + Number(digit), 0);
    return sum % 5 === 0;
  }
  return passesLuhn(value);
}

/**
 * FINESS: 9 characters, the department first (2 digits, or 2A / 2B for Corsica), the last a Luhn key over the
 * whole number. For Corsica the letter counts as 0 in the key (2A… and 2B… are keyed as 20…).
 */
export function isValidFiness(value: string): boolean {
  const upper = value.toUpperCase();
  if (!/^(\d{2}|2A|2B)\d{7}$/.test(upper)) return false;
  return passesLuhn(upper.replace(/^2[AB]/, "20"));
}

/** RPPS: 11 digits, the last a Luhn key over the whole number. */
export function isValidRpps(value: string): boolean {
  return /^\d{11}$/.test(value) && passesLuhn(value);
}

/** The RPPS made of a 10-digit `body` and its Luhn key (demo data and tests). */
export function withRppsKey(body: string): string {
  return `${body}${luhnCheckDigit(body)}`;
}

/** A French message for an 11-digit RPPS whose key is wrong, or null (other lengths are not judged here). */
export function rppsKeyError(value: string): string | null {
  return /^\d{11}$/.test(value) && !passesLuhn(value)
    ? "Numéro RPPS invalide : la clé de contrôle (dernier chiffre) ne correspond pas"
    : null;
}

export type StructureIdentifierKind = "FINESS" | "SIREN" | "SIRET";

/** A French message for a wrong identifier, or null when it is valid. */
export function identifierError(kind: StructureIdentifierKind, value: string): string | null {
  const compact = value.replace(/\s/g, "");
  switch (kind) {
    case "FINESS":
      if (!/^(\d{2}|2[AaBb])\d{7}$/.test(compact))
        return "Un numéro FINESS comporte 9 caractères (2A ou 2B pour la Corse)";
      return isValidFiness(compact) ? null : "Numéro FINESS invalide : la clé de contrôle ne correspond pas";
    case "SIREN":
      if (!/^\d{9}$/.test(compact)) return "Un numéro SIREN comporte 9 chiffres";
      return isValidSiren(compact) ? null : "Numéro SIREN invalide : la clé de contrôle ne correspond pas";
    case "SIRET":
      if (!/^\d{14}$/.test(compact)) return "Un numéro SIRET comporte 14 chiffres";
      return isValidSiret(compact) ? null : "Numéro SIRET invalide : la clé de contrôle ne correspond pas";
  }
}

/**
 * A French phone number in the forms people type (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0033…),
 * normalised to 10 digits ("0123456789"); null when it is not one.
 */
export function normalizeFrenchPhone(value: string): string | null {
  const compact = value.replace(/[\s.\-()]/g, "");
  const national = compact.replace(/^(\+33|0033)(?=[1-9]\d{8}$)/, "0");
  return /^0[1-9]\d{8}$/.test(national) ? national : null;
}
