import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AccountType } from "./account-states.ts";
import {
  addressError,
  addressPart,
  nominativePrefixes,
  proposeAddress,
  quotaAllowsOneMore,
  splitAddress,
} from "./mss-address.ts";

const domain = "chu-toulouse.mssante.fr";
const jean = { lastName: "Dupont", firstName: "Jean" };

describe("address parts", () => {
  it.each([
    ["Élodie", "elodie"],
    ["Jean-Éric", "jean-eric"],
    ["D'Aubigné", "d-aubigne"],
    ["Le  Goff", "le-goff"],
    ["Œdipe", "oedipe"],
    ["O’Neil", "o-neil"],
    ["  Marie Anne ", "marie-anne"],
    ["Müller-Lüdenscheidt", "muller-ludenscheidt"],
    ["123 Zoé!", "123-zoe"],
  ])("%s → %s", (name, part) => {
    expect(addressPart(name)).toBe(part);
  });

  it("always gives a part an address can hold", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const part = addressPart(name);
        expect(part).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*)?$/);
      }),
    );
  });

  it("proposes nom.prenom first, then prenom.nom", () => {
    expect(nominativePrefixes({ lastName: "D'Aubigné", firstName: "Élodie" })).toEqual([
      "d-aubigne.elodie",
      "elodie.d-aubigne",
    ]);
  });

  it("splits one address and only one", () => {
    expect(splitAddress("a.b@x.mssante.fr")).toEqual({ prefix: "a.b", domain: "x.mssante.fr" });
    expect(splitAddress("a@b@x.mssante.fr")).toBeNull();
    expect(splitAddress("@x.mssante.fr")).toBeNull();
    expect(splitAddress("sans-arobase")).toBeNull();
  });
});

describe("the rule of each type", () => {
  const check = (type: AccountType, address: string, extra: object = {}) =>
    addressError(type, address, { domain, holder: jean, ...extra });

  it("never gives a MED account an address", () => {
    expect(check("MED", `dupont.jean@${domain}`)).toBe("Un compte MED ne peut pas avoir de correspondance MSSanté.");
  });

  it("needs the structure's domain", () => {
    expect(addressError("PER", "dupont.jean@autre.mssante.fr", { domain, holder: jean })).toBe(
      `L'adresse doit être en @${domain}, le domaine de la structure.`,
    );
    expect(addressError("PER", "dupont.jean@x.mssante.fr", { domain: null, holder: jean })).toMatch(
      /pas de domaine MSSanté/,
    );
    expect(check("PER", "dupont.jean")).toBe(`Adresse attendue de la forme xxxxx@${domain}`);
  });

  it("accepts nom.prenom, prenom.nom and a numbered homonym for PER and INT, nothing else", () => {
    for (const type of ["PER", "INT"] as const) {
      expect(check(type, `dupont.jean@${domain}`)).toBeNull();
      expect(check(type, `jean.dupont@${domain}`)).toBeNull();
      expect(check(type, `dupont.jean2@${domain}`)).toBeNull();
      expect(check(type, `DUPONT.Jean@${domain}`)).toBeNull(); // case aside
      expect(check(type, `jdupont@${domain}`)).toBe(
        `Les comptes ${type} ont une adresse nominative : dupont.jean@${domain} ou jean.dupont@${domain} (suivie d'un numéro pour un homonyme).`,
      );
      expect(check(type, `secretariat@${domain}`)).not.toBeNull();
      expect(check(type, `durand.jean@${domain}`)).not.toBeNull();
      expect(check(type, `dupont.jeanne@${domain}`)).not.toBeNull(); // another first name, not a number
    }
  });

  it("accepts the nominative prefix of a name that itself ends with digits, numbered or not", () => {
    const holder = { lastName: "Dupont3", firstName: "Jean" };
    expect(addressError("PER", `jean.dupont3@${domain}`, { domain, holder })).toBeNull();
    expect(addressError("PER", `dupont3.jean@${domain}`, { domain, holder })).toBeNull();
    expect(addressError("PER", `jean.dupont32@${domain}`, { domain, holder })).toBeNull(); // homonym 2
    expect(addressError("PER", `jean.dupont@${domain}`, { domain, holder })).not.toBeNull();
  });

  it("refuses an ORG address that is the name of one of its people", () => {
    const people = [{ lastName: "Durand", firstName: "Anne" }];
    expect(check("ORG", `secretariat.cardiologie@${domain}`, { people })).toBeNull();
    expect(check("ORG", `anne.durand@${domain}`, { people })).toBe(
      "Les comptes ORG ont une adresse générique (ex. secretariat.cardiologie) : « anne.durand » est le nom de Anne Durand.",
    );
    expect(check("ORG", `durand.anne3@${domain}`, { people })).not.toBeNull();
  });

  it("wants APP addresses to start with noreply or nepasrepondre", () => {
    expect(check("APP", `noreply.dpi@${domain}`)).toBeNull();
    expect(check("APP", `nepasrepondre-labo@${domain}`)).toBeNull();
    expect(check("APP", `dpi@${domain}`)).toBe(
      "Les comptes APP ont une adresse qui commence par noreply ou nepasrepondre.",
    );
  });

  it("refuses prefixes an address cannot hold", () => {
    for (const prefix of ["a..b", ".ab", "ab.", "é.a", "a b", "x".repeat(65)]) {
      expect(check("ORG", `${prefix}@${domain}`), prefix).toMatch(/Le préfixe ne peut contenir/);
    }
  });

  it("accepts every address it proposes (property)", () => {
    const name = fc.stringMatching(/^[A-Za-zÀ-ÿ' -]{1,20}$/);
    fc.assert(
      fc.property(fc.constantFrom<AccountType>("PER", "INT", "ORG", "APP"), name, name, (type, lastName, firstName) => {
        const holder = { lastName, firstName };
        const proposed = proposeAddress(type, holder, domain, () => false);
        if (proposed === null) {
          // only when the name has nothing an address can hold
          expect(addressPart(lastName) === "" || addressPart(firstName) === "").toBe(true);
          return;
        }
        expect(addressError(type, proposed, { domain, holder })).toBeNull();
      }),
    );
  });
});

describe("proposals", () => {
  it("takes the next free candidate for homonyms", () => {
    const taken = new Set([`dupont.jean@${domain}`, `jean.dupont@${domain}`]);
    expect(proposeAddress("PER", jean, domain, (a) => taken.has(a))).toBe(`dupont.jean2@${domain}`);
    taken.add(`dupont.jean2@${domain}`);
    expect(proposeAddress("PER", jean, domain, (a) => taken.has(a))).toBe(`dupont.jean3@${domain}`);
  });

  it("names ORG and APP mailboxes after their service", () => {
    const cardio = { lastName: "Bloc opératoire", firstName: "Secrétariat" };
    expect(proposeAddress("ORG", cardio, domain, () => false)).toBe(`bloc.operatoire@${domain}`);
    expect(proposeAddress("APP", { lastName: "DPI", firstName: "Logiciel" }, domain, () => false)).toBe(
      `noreply.dpi@${domain}`,
    );
  });

  it("proposes nothing rather than a cut name", () => {
    expect(proposeAddress("PER", { lastName: "X".repeat(60), firstName: "Jean" }, domain, () => false)).toBeNull();
  });

  it("proposes nothing for MED or without a domain", () => {
    expect(proposeAddress("MED", jean, domain, () => false)).toBeNull();
    expect(proposeAddress("PER", jean, null, () => false)).toBeNull();
  });
});

describe("quotas", () => {
  it("reads -1 as unlimited and 0 as none", () => {
    expect(quotaAllowsOneMore(-1, 1_000_000)).toBe(true);
    expect(quotaAllowsOneMore(0, 0)).toBe(false);
    expect(quotaAllowsOneMore(3, 2)).toBe(true);
    expect(quotaAllowsOneMore(3, 3)).toBe(false);
  });
});
