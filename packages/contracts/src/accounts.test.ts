import { luhnCheckDigit } from "@medimail/domain/identifiers";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_LIMITS,
  AccountActionRequest,
  AccountListQuery,
  ChangeStructureRequest,
  type CreateAccountInput,
  CreateAccountRequest,
  EmailChangeInput,
  SelfRegistrationRequest,
  UpdateAccountRequest,
} from "./accounts.ts";

// Every field's limits, at the limit and one past it, and the French message the form shows next to the field.

const finess = (body: string) => `${body}${luhnCheckDigit(body.replace(/^2[AB]/, "20"))}`;
const FINESS = finess("31078140"); // a valid FINESS géographique (Haute-Garonne)

const base = {
  email: "jeanne.martin@chu-toulouse.fr",
  lastName: "Martin",
  firstName: "Jeanne",
  profession: "10",
  regionCode: "76",
  phone: "",
  addressLine: "",
  postcode: "",
  city: "",
  unlisted: false,
  notifyOnReception: true,
  notifyDailyDigest: false,
  notifyOnOpening: false,
};
const shared = {
  ...base,
  email: "secretariat.cardio@chu-toulouse.fr",
  finessSite: FINESS,
  connectionAccounts: ["jeanne.martin@chu-toulouse.fr"],
  responsible: { lastName: "Durand", firstName: "Paul", profession: "10", rpps: "10101234564" },
  description: "Secrétariat de cardiologie",
};
const VALID: Record<CreateAccountInput["type"], CreateAccountInput> = {
  MED: { type: "MED", ...base, dematerialisation: false },
  PER: { type: "PER", ...base, nationalId: "10101234564", dematerialisation: true },
  INT: { type: "INT", ...base, finessSite: FINESS, dematerialisation: false },
  ORG: { type: "ORG", ...shared },
  APP: { type: "APP", ...shared, returnAddress: "secretariat@chu-toulouse.mssante.fr" },
};
const TYPES = Object.keys(VALID) as CreateAccountInput["type"][];

type Issue = { path: string; message: string };
function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue): Issue => ({ path: issue.path.join("."), message: issue.message }));
}
const create = (type: CreateAccountInput["type"], change: Record<string, unknown>) =>
  CreateAccountRequest.safeParse({ ...VALID[type], ...change });
const accepted = (type: CreateAccountInput["type"], change: Record<string, unknown>) => {
  const result = create(type, change);
  if (!result.success) expect(result.error.issues).toEqual([]);
  return result.data as Record<string, unknown>;
};
const refused = (type: CreateAccountInput["type"], change: Record<string, unknown>) => issues(create(type, change));
const x = (length: number) => "é".repeat(length);

describe("a valid account of each type", () => {
  for (const type of TYPES) {
    it(`accepts ${type} and normalises it`, () => {
      const data = accepted(type, {});
      expect(data.type).toBe(type);
      // empty optional fields are stored as null, never as ""
      expect(data).toMatchObject({ phone: null, addressLine: null, postcode: null, city: null });
    });
  }

  it("lower-cases and trims the email, strips the spaces of identifiers, upper-cases a Corsican FINESS", () => {
    expect(accepted("MED", { email: "  Jeanne.MARTIN@CHU-Toulouse.fr " }).email).toBe("jeanne.martin@chu-toulouse.fr");
    expect(accepted("PER", { nationalId: " 101 0123 4564 " }).nationalId).toBe("10101234564");
    const corsican = finess("2A000001");
    expect(accepted("INT", { finessSite: corsican.toLowerCase() }).finessSite).toBe(corsican);
    expect(accepted("INT", { finessSite: `${FINESS.slice(0, 3)} ${FINESS.slice(3)}` }).finessSite).toBe(FINESS);
  });
});

describe("names, description, address, city: max accepted, max + 1 refused", () => {
  const limits: [string, number, CreateAccountInput["type"]][] = [
    ["lastName", ACCOUNT_LIMITS.name, "MED"],
    ["firstName", ACCOUNT_LIMITS.name, "PER"],
    ["addressLine", ACCOUNT_LIMITS.addressLine, "INT"],
    ["city", ACCOUNT_LIMITS.city, "MED"],
    ["description", ACCOUNT_LIMITS.description, "ORG"],
  ];
  it("has the limits of the database columns", () => {
    expect(ACCOUNT_LIMITS).toMatchObject({ name: 100, description: 500, addressLine: 200, city: 100, email: 254 });
  });
  for (const [field, max, type] of limits) {
    it(`${field}: ${max} characters`, () => {
      expect(accepted(type, { [field]: x(max) })[field]).toBe(x(max));
      // surrounding spaces are trimmed before the length is checked
      expect(accepted(type, { [field]: `  ${x(max)}  ` })[field]).toBe(x(max));
      expect(refused(type, { [field]: x(max + 1) })).toEqual([{ path: field, message: `${max} caractères au plus` }]);
    });
  }

  it("responsible's names: 100 characters", () => {
    const responsible = { ...shared.responsible, lastName: x(100) };
    expect(accepted("ORG", { responsible }).responsible).toMatchObject({ lastName: x(100) });
    expect(refused("APP", { responsible: { ...responsible, firstName: x(101) } })).toEqual([
      { path: "responsible.firstName", message: "100 caractères au plus" },
    ]);
  });

  it("requires a name and a first name, blanks counting as missing", () => {
    expect(refused("MED", { lastName: "   " })).toEqual([{ path: "lastName", message: "Saisissez le nom" }]);
    expect(refused("MED", { firstName: undefined })).toEqual([{ path: "firstName", message: "Saisissez le prénom" }]);
    expect(refused("ORG", { description: "" })).toEqual([
      { path: "description", message: "Décrivez la boîte (service, usage)" },
    ]);
  });

  it("refuses control characters in every text field, newlines and tabs included", () => {
    for (const [field, type] of [
      ["lastName", "MED"],
      ["firstName", "PER"],
      ["addressLine", "INT"],
      ["city", "MED"],
      ["description", "ORG"],
    ] as const) {
      for (const control of ["\u0000", "\n", "\t", "\u001b", "\u007f", "\u0085"]) {
        expect(refused(type, { [field]: `Du${control}pont` })).toEqual([
          { path: field, message: "Caractères de contrôle non autorisés" },
        ]);
      }
    }
    expect(refused("APP", { responsible: { ...shared.responsible, lastName: "a\rb" } })).toEqual([
      { path: "responsible.lastName", message: "Caractères de contrôle non autorisés" },
    ]);
  });

  it("keeps letters of every language, apostrophes and hyphens", () => {
    expect(accepted("MED", { lastName: "D'Aubigné-Łódź Ōtsuka" }).lastName).toBe("D'Aubigné-Łódź Ōtsuka");
  });
});

describe("email", () => {
  // 64 + 1 + 189 = 254 characters, a valid address
  const longest = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.fr`;

  it("accepts 254 characters and refuses 255", () => {
    expect(longest).toHaveLength(ACCOUNT_LIMITS.email);
    expect(accepted("MED", { email: longest }).email).toBe(longest);
    expect(refused("MED", { email: `a${longest}` })).toEqual([{ path: "email", message: "254 caractères au plus" }]);
  });

  it("refuses what is not an address, and a missing one, in French", () => {
    for (const wrong of ["jeanne", "jeanne@", "@chu.fr", "jeanne martin@chu.fr", "jeanne@chu", "a\n@chu.fr"]) {
      expect(refused("MED", { email: wrong })).toEqual([
        { path: "email", message: "Adresse e-mail invalide (ex. prenom.nom@chu-toulouse.fr)" },
      ]);
    }
    expect(refused("MED", { email: "" })).toEqual([{ path: "email", message: "Saisissez l'adresse e-mail" }]);
    expect(refused("MED", { email: undefined })).toEqual([{ path: "email", message: "Saisissez l'adresse e-mail" }]);
  });

  it("applies the same rules to a new address (email change)", () => {
    expect(EmailChangeInput.parse({ newEmail: " J.Doe@CHU.fr" })).toEqual({ newEmail: "j.doe@chu.fr" });
    expect(issues(EmailChangeInput.safeParse({ newEmail: `a${longest}` }))).toEqual([
      { path: "newEmail", message: "254 caractères au plus" },
    ]);
  });
});

describe("RPPS / ADELI (PER)", () => {
  it("takes 11 digits as RPPS, 9 as ADELI, and nothing else", () => {
    expect(accepted("PER", { nationalId: "10101234564" }).nationalId).toBe("10101234564");
    expect(accepted("PER", { nationalId: "810012345" }).nationalId).toBe("810012345");
    for (const wrong of ["1010123456", "101012345678", "81001234", "8100123456", "1010123456A", "81001234-5"]) {
      expect(refused("PER", { nationalId: wrong })).toEqual([
        { path: "nationalId", message: "Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres)" },
      ]);
    }
  });

  it("checks the RPPS key (Luhn): a mistyped digit is refused next to the field, in every form that takes one", () => {
    const message = "Numéro RPPS invalide : la clé de contrôle (dernier chiffre) ne correspond pas";
    for (const wrong of ["12345678901", "10101234567", "101 0123 4565"]) {
      expect(refused("PER", { nationalId: wrong })).toEqual([{ path: "nationalId", message }]);
      expect(refused("ORG", { responsible: { ...shared.responsible, rpps: wrong } })).toEqual([
        { path: "responsible.rpps", message },
      ]);
    }
    expect(accepted("PER", { nationalId: "12345678903" }).nationalId).toBe("12345678903");
  });

  it("requires it for PER only", () => {
    expect(refused("PER", { nationalId: "" })).toEqual([
      { path: "nationalId", message: "Saisissez l'identifiant RPPS (11 chiffres) ou ADELI (9 chiffres)" },
    ]);
    expect(refused("PER", { nationalId: undefined })).toEqual([
      { path: "nationalId", message: "Saisissez l'identifiant RPPS ou ADELI" },
    ]);
    // another type ignores it: it is not part of its profile
    expect(accepted("MED", { nationalId: "10101234564" })).not.toHaveProperty("nationalId");
  });

  it("takes the responsible's RPPS or ADELI (ORG, APP)", () => {
    expect(accepted("ORG", { responsible: { ...shared.responsible, rpps: "810 012 345" } }).responsible).toMatchObject({
      rpps: "810012345",
    });
    expect(refused("ORG", { responsible: { ...shared.responsible, rpps: "1234" } })).toEqual([
      { path: "responsible.rpps", message: "Identifiant du responsable : RPPS (11 chiffres) ou ADELI (9 chiffres)" },
    ]);
  });
});

describe("FINESS géographique (INT, ORG, APP)", () => {
  it("checks the Luhn key, Corsica included", () => {
    const wrongKey = `${FINESS.slice(0, 8)}${(Number(FINESS[8]) + 1) % 10}`;
    for (const type of ["INT", "ORG", "APP"] as const) {
      expect(refused(type, { finessSite: wrongKey })).toEqual([
        { path: "finessSite", message: "Numéro FINESS invalide : la clé de contrôle ne correspond pas" },
      ]);
    }
    expect(accepted("INT", { finessSite: finess("2B000002") }).finessSite).toBe(finess("2B000002"));
  });

  it("refuses a wrong length or letters, and requires it", () => {
    for (const wrong of [FINESS.slice(0, 8), `${FINESS}0`, "3A0781406", "ABCDEFGHI"]) {
      expect(refused("INT", { finessSite: wrong })).toEqual([
        { path: "finessSite", message: "Un numéro FINESS comporte 9 caractères (2A ou 2B pour la Corse)" },
      ]);
    }
    expect(refused("ORG", { finessSite: " " })).toEqual([
      { path: "finessSite", message: "Saisissez le FINESS géographique de la structure de rattachement" },
    ]);
    expect(refused("APP", { finessSite: undefined })).toEqual([
      { path: "finessSite", message: "Saisissez le FINESS géographique" },
    ]);
  });
});

describe("phone and postcode", () => {
  it("normalises French numbers as people type them", () => {
    for (const typed of ["05 61 77 22 33", "05.61.77.22.33", "+33 5 61 77 22 33", "0033561772233", "0561772233"]) {
      expect(accepted("MED", { phone: typed }).phone).toBe("0561772233");
    }
  });

  it("refuses other numbers, and a text too long", () => {
    for (const wrong of ["0061772233", "05617722", "056177223344", "+44 20 7946 0958", "05 61 AB 22 33"]) {
      expect(refused("MED", { phone: wrong })).toEqual([
        { path: "phone", message: "Numéro de téléphone français attendu" },
      ]);
    }
    expect(refused("MED", { phone: "0".repeat(31) })).toEqual([{ path: "phone", message: "Numéro trop long" }]);
  });

  it("takes a postcode of 5 digits, or nothing", () => {
    expect(accepted("MED", { postcode: "31059" }).postcode).toBe("31059");
    expect(accepted("MED", { postcode: " 20000 " }).postcode).toBe("20000");
    expect(accepted("MED", { postcode: null }).postcode).toBeNull();
    for (const wrong of ["3105", "310590", "2A000", "31 059"]) {
      expect(refused("MED", { postcode: wrong })).toEqual([{ path: "postcode", message: "Code postal à 5 chiffres" }]);
    }
  });
});

describe("profession and region", () => {
  it("takes the codes of the nomenclatures only", () => {
    expect(accepted("MED", { profession: "AUTRE", regionCode: "94" })).toMatchObject({ profession: "AUTRE" });
    expect(refused("MED", { profession: "99" })).toEqual([{ path: "profession", message: "Profession inconnue" }]);
    expect(refused("MED", { profession: "toString" })).toEqual([
      { path: "profession", message: "Profession inconnue" },
    ]);
    expect(refused("MED", { profession: "" })).toEqual([{ path: "profession", message: "Choisissez la profession" }]);
    expect(refused("MED", { regionCode: "99" })).toEqual([{ path: "regionCode", message: "Région inconnue" }]);
    expect(refused("MED", { regionCode: undefined })).toEqual([
      { path: "regionCode", message: "Choisissez la région" },
    ]);
  });
});

describe("connection accounts (ORG, APP)", () => {
  const emails = (count: number) => Array.from({ length: count }, (_, i) => `compte.${i}@chu-toulouse.fr`);

  it("takes 1 to 50 addresses", () => {
    expect(accepted("ORG", { connectionAccounts: emails(1) }).connectionAccounts).toHaveLength(1);
    expect(accepted("APP", { connectionAccounts: emails(50) }).connectionAccounts).toHaveLength(50);
    expect(refused("ORG", { connectionAccounts: emails(51) })).toEqual([
      { path: "connectionAccounts", message: "50 comptes de connexion au plus" },
    ]);
    expect(refused("APP", { connectionAccounts: [] })).toEqual([
      {
        path: "connectionAccounts",
        message: "Ajoutez au moins un compte de connexion (compte MED, PER ou INT existant)",
      },
    ]);
  });

  it("refuses an address given twice, whatever its case", () => {
    expect(refused("ORG", { connectionAccounts: ["a@chu.fr", "b@chu.fr", " A@CHU.fr"] })).toEqual([
      { path: "connectionAccounts", message: "Un compte de connexion figure deux fois" },
    ]);
  });

  it("names the position of an invalid address", () => {
    expect(refused("ORG", { connectionAccounts: ["a@chu.fr", "pas une adresse"] })).toEqual([
      { path: "connectionAccounts.1", message: "Adresse e-mail invalide (ex. prenom.nom@chu-toulouse.fr)" },
    ]);
  });
});

describe("APP return address", () => {
  it("must be an MSSanté address (…@….mssante.fr)", () => {
    expect(accepted("APP", { returnAddress: " NoReply@CHU-Toulouse.MSSante.fr" }).returnAddress).toBe(
      "noreply@chu-toulouse.mssante.fr",
    );
    for (const wrong of ["noreply@chu-toulouse.fr", "noreply@mssante.fr.example.com", "noreply@chu-mssante.fr"]) {
      expect(refused("APP", { returnAddress: wrong })).toEqual([
        { path: "returnAddress", message: "Adresse MSSanté attendue (…@….mssante.fr)" },
      ]);
    }
    expect(refused("APP", { returnAddress: "" })).toEqual([
      { path: "returnAddress", message: "Saisissez l'adresse e-mail" },
    ]);
  });
});

describe("each type requires exactly its own fields", () => {
  // the fields each type adds to the common ones
  const OWN: Record<CreateAccountInput["type"], string[]> = {
    MED: ["dematerialisation"],
    PER: ["nationalId", "dematerialisation"],
    INT: ["finessSite", "dematerialisation"],
    ORG: ["finessSite", "connectionAccounts", "responsible", "description"],
    APP: ["finessSite", "connectionAccounts", "responsible", "description", "returnAddress"],
  };
  const COMMON = Object.keys(base);

  for (const type of TYPES) {
    it(`${type}: each of its fields missing is refused on that field, in French`, () => {
      for (const field of [...COMMON, ...OWN[type]]) {
        const found = refused(type, { [field]: undefined });
        expect(found.map((issue) => issue.path)).toEqual([field]);
        // no English message from the validation library reaches the form
        expect(found[0]?.message).not.toMatch(/Invalid|expected|Required/);
      }
    });
  }

  it("MED with every other type's fields keeps only its own", () => {
    const everything = { ...VALID.APP, ...VALID.PER, ...VALID.INT, type: "MED" };
    const data = CreateAccountRequest.parse(everything);
    expect(Object.keys(data).sort()).toEqual([...COMMON, ...OWN.MED, "type"].sort());
  });

  it("refuses a missing or unknown type with a French message on `type`", () => {
    for (const type of [undefined, "", "XYZ", "med"]) {
      expect(issues(CreateAccountRequest.safeParse({ ...VALID.MED, type }))).toEqual([
        { path: "type", message: "Choisissez le type de BAL : MED, PER, INT, ORG ou APP" },
      ]);
    }
  });

  it("refuses a missing option in French", () => {
    expect(refused("MED", { unlisted: "oui" })).toEqual([
      { path: "unlisted", message: "Option attendue : oui ou non" },
    ]);
  });
});

describe("edits and actions name a version", () => {
  it("requires a version of 1 or more", () => {
    const { email: _email, ...profile } = VALID.PER;
    expect(UpdateAccountRequest.parse({ ...profile, version: 3 })).toMatchObject({ type: "PER", version: 3 });
    expect(issues(UpdateAccountRequest.safeParse(profile))).toEqual([
      { path: "version", message: "Version du compte manquante : rechargez le compte" },
    ]);
    expect(issues(UpdateAccountRequest.safeParse({ ...profile, version: 0 })).map((i) => i.path)).toEqual(["version"]);
    expect(issues(AccountActionRequest.safeParse({ version: 1.5 })).map((i) => i.path)).toEqual(["version"]);
    expect(issues(ChangeStructureRequest.safeParse({ version: 1, structureId: "x" }))).toEqual([
      { path: "structureId", message: "Identifiant invalide" },
    ]);
  });

  it("does not take the email in an edit (it changes through a request applied at night)", () => {
    const data = UpdateAccountRequest.parse({ ...VALID.MED, email: "autre@chu.fr", version: 1 });
    expect(data).not.toHaveProperty("email");
  });
});

describe("list query", () => {
  it("has defaults and bounds", () => {
    expect(AccountListQuery.parse({})).toEqual({ sort: "name", order: "asc", limit: 50 });
    expect(AccountListQuery.parse({ limit: "200", daughters: "true", q: "  dupont " })).toMatchObject({
      limit: 200,
      daughters: true,
      q: "dupont",
    });
    expect(issues(AccountListQuery.safeParse({ limit: "201" })).map((i) => i.path)).toEqual(["limit"]);
    expect(issues(AccountListQuery.safeParse({ limit: "0" })).map((i) => i.path)).toEqual(["limit"]);
    expect(issues(AccountListQuery.safeParse({ q: "a".repeat(201) }))).toEqual([
      { path: "q", message: "Recherche trop longue (200 caractères au plus)" },
    ]);
    expect(issues(AccountListQuery.safeParse({ state: "DELETED" })).map((i) => i.path)).toEqual(["state"]);
  });
});

describe("self-registration", () => {
  const form = {
    email: "Jeanne.Martin@chu-toulouse.fr",
    lastName: "Martin",
    firstName: "Jeanne",
    profession: "10",
    regionCode: "76",
    nationalId: "",
    postcode: "31059",
    city: "Toulouse",
    liberal: false,
    password: "un mot de passe assez long",
  };

  it("accepts a professional without national id, and one with", () => {
    expect(SelfRegistrationRequest.parse(form)).toMatchObject({
      email: "jeanne.martin@chu-toulouse.fr",
      nationalId: "",
    });
    expect(SelfRegistrationRequest.parse({ ...form, nationalId: "101 0123 4564" }).nationalId).toBe("10101234564");
  });

  it("refuses a wrong id, a short password, missing fields and unknown ones, in French", () => {
    expect(issues(SelfRegistrationRequest.safeParse({ ...form, nationalId: "12345678901" }))).toEqual([
      { path: "nationalId", message: "Numéro RPPS invalide : la clé de contrôle (dernier chiffre) ne correspond pas" },
    ]);
    expect(issues(SelfRegistrationRequest.safeParse({ ...form, nationalId: "123" }))).toEqual([
      {
        path: "nationalId",
        message: "Identifiant attendu : RPPS (11 chiffres) ou ADELI (9 chiffres), ou laissez vide",
      },
    ]);
    expect(issues(SelfRegistrationRequest.safeParse({ ...form, password: "x".repeat(11) }))).toEqual([
      { path: "password", message: "12 caractères au moins" },
    ]);
    for (const field of Object.keys(form)) {
      const found = issues(SelfRegistrationRequest.safeParse({ ...form, [field]: undefined }));
      expect(found.map((issue) => issue.path)).toEqual([field]);
      expect(found[0]?.message).not.toMatch(/Invalid|expected|Required/);
    }
    // the structure is chosen by the enrolment rules, never by the form
    const forged = issues(SelfRegistrationRequest.safeParse({ ...form, structureId: crypto.randomUUID() }));
    expect(forged).toEqual([{ path: "", message: "Champ inconnu du formulaire d'inscription" }]);
  });
});
