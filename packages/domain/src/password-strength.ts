import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as fr from "@zxcvbn-ts/language-fr";

// A new password is checked against zxcvbn-ts's maintained lists: about 49,000 passwords seen most in breaches,
// and French words, first names, last names and Wikipedia titles, with the keyboard rows (AZERTY, QWERTY, keypad),
// sequences, repeats, dates and l33t variants around them. "123456789012", "azertyuiop12" or "motdepasse12" pass
// the length rule but are guessed in seconds. Kept on the server: the lists weigh a few megabytes.

/** zxcvbn's score (0–4) a new password must reach: 3 = about 10^8 guesses, beyond an online attack. */
export const MIN_PASSWORD_SCORE = 3;

let checker: ZxcvbnFactory | undefined;
// Built on first use (~0.2 s): the dictionaries are loaded once per process.
function zxcvbn(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({
    dictionary: {
      "passwords-common": common.dictionary["passwords-common"],
      "commonWords-fr": fr.dictionary["commonWords-fr"],
      "firstnames-fr": fr.dictionary["firstnames-fr"],
      "lastnames-fr": fr.dictionary["lastnames-fr"],
      "wikipedia-fr": fr.dictionary["wikipedia-fr"],
    },
    graphs: common.adjacencyGraphs,
    translations: fr.translations,
  });
  return checker;
}

const fold = (value: string) => value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/**
 * Why a new password is refused (French, for the field), or null when it is acceptable. `personal` are the
 * holder's own data (email, names): a password containing one of them (4 letters or more) is refused too.
 */
export function weakPasswordReason(password: string, personal: string[] = []): string | null {
  const folded = fold(password);
  const own = personal.flatMap((value) => fold(value).split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 4);
  if (own.some((word) => folded.includes(word))) {
    return "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse e-mail.";
  }
  const result = zxcvbn().check(password);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, "").toLowerCase()})` : "";
  return `Mot de passe trop courant ou trop facile à deviner${why} : choisissez-en un autre, par exemple plusieurs mots sans rapport entre eux.`;
}
