import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseEnrolment, type EnrolmentCriteria, inDepartment, type Registration, ruleMatches } from "./enrolment.ts";

let sequence = 0;
const rule = (overrides: Partial<EnrolmentCriteria>): EnrolmentCriteria => {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    structureId: `structure-${sequence}`,
    emailDomain: null,
    regionCode: null,
    departmentCode: null,
    postcode: null,
    city: null,
    profession: null,
    practiceStatus: "ANY",
    createdAt: new Date("2026-01-01T00:00:00Z"),
    ...overrides,
  };
};

const registration: Registration = {
  email: "jeanne.martin@chu-toulouse.fr",
  regionCode: "76",
  postcode: "31059",
  city: "Toulouse",
  profession: "10",
  liberal: false,
};

describe("one criterion at a time", () => {
  // each criterion: a value that matches the registration above, and one that does not
  const cases: [string, Partial<EnrolmentCriteria>, Partial<EnrolmentCriteria>][] = [
    ["email domain", { emailDomain: "chu-toulouse.fr" }, { emailDomain: "chu-montpellier.fr" }],
    ["email domain, whatever its case", { emailDomain: "CHU-Toulouse.FR" }, { emailDomain: "toulouse.fr" }],
    ["region", { regionCode: "76" }, { regionCode: "11" }],
    ["département", { departmentCode: "31" }, { departmentCode: "34" }],
    ["postcode", { postcode: "31059" }, { postcode: "31000" }],
    ["city", { city: "Toulouse" }, { city: "Tournefeuille" }],
    ["profession", { profession: "10" }, { profession: "60" }],
    ["practice status", { practiceStatus: "NON_LIBERAL" }, { practiceStatus: "LIBERAL" }],
  ];
  for (const [name, matching, other] of cases) {
    it(`matches on the ${name} alone`, () => {
      expect(ruleMatches(rule(matching), registration)).toBe(true);
      expect(ruleMatches(rule(other), registration)).toBe(false);
    });
  }

  it("reads a sub-domain as another domain (only the exact domain matches)", () => {
    expect(ruleMatches(rule({ emailDomain: "toulouse.fr" }), registration)).toBe(false);
    expect(
      ruleMatches(rule({ emailDomain: "chu-toulouse.fr" }), { ...registration, email: "a@med.chu-toulouse.fr" }),
    ).toBe(false);
  });

  it("compares cities without accents, case, hyphens or apostrophes", () => {
    const stEtienne = rule({ city: "Saint-Étienne" });
    expect(ruleMatches(stEtienne, { ...registration, city: "SAINT ETIENNE" })).toBe(true);
    expect(ruleMatches(stEtienne, { ...registration, city: "saint-etienne" })).toBe(true);
    expect(ruleMatches(rule({ city: "L'Isle-Jourdain" }), { ...registration, city: "l isle jourdain" })).toBe(true);
    expect(ruleMatches(stEtienne, { ...registration, city: "Saint-Étienne-du-Rouvray" })).toBe(false);
  });

  it("never matches a location criterion the registration left empty", () => {
    const noAddress = { ...registration, postcode: null, city: null };
    expect(ruleMatches(rule({ city: "Toulouse" }), noAddress)).toBe(false);
    expect(ruleMatches(rule({ postcode: "31059" }), noAddress)).toBe(false);
    expect(ruleMatches(rule({ departmentCode: "31" }), noAddress)).toBe(false);
  });

  it("tells liberal from non-liberal practice, and ANY takes both", () => {
    const liberal = { ...registration, liberal: true };
    expect(ruleMatches(rule({ practiceStatus: "LIBERAL" }), liberal)).toBe(true);
    expect(ruleMatches(rule({ practiceStatus: "NON_LIBERAL" }), liberal)).toBe(false);
    expect(ruleMatches(rule({ regionCode: "76", practiceStatus: "ANY" }), liberal)).toBe(true);
    expect(ruleMatches(rule({ regionCode: "76", practiceStatus: "ANY" }), registration)).toBe(true);
  });

  it("needs every criterion of a rule to match", () => {
    const both = rule({ emailDomain: "chu-toulouse.fr", profession: "60" });
    expect(ruleMatches(both, registration)).toBe(false);
    expect(ruleMatches(both, { ...registration, profession: "60" })).toBe(true);
  });

  it("never matches with a rule that sets no criterion", () => {
    expect(ruleMatches(rule({}), registration)).toBe(false);
    expect(chooseEnrolment([rule({})], registration)).toBeNull();
  });

  it("never matches a rule without criteria, whatever the registration (property)", () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.constantFrom("11", "76", "94"),
        fc.option(fc.stringMatching(/^\d{5}$/), { nil: null }),
        fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        fc.constantFrom("10", "60", "AUTRE"),
        fc.boolean(),
        (email, regionCode, postcode, city, profession, liberal) => {
          const candidate = { email, regionCode, postcode, city, profession, liberal };
          expect(ruleMatches(rule({}), candidate)).toBe(false);
        },
      ),
    );
  });
});

describe("départements", () => {
  it("takes the postcodes of a metropolitan département by their first two digits", () => {
    expect(inDepartment("31", "31059")).toBe(true);
    expect(inDepartment("31", "32000")).toBe(false);
    expect(inDepartment("01", "01000")).toBe(true);
    expect(inDepartment("01", "10000")).toBe(false);
  });

  it("takes overseas postcodes by their three digits", () => {
    expect(inDepartment("971", "97110")).toBe(true);
    expect(inDepartment("974", "97110")).toBe(false);
    expect(inDepartment("974", "97400")).toBe(true);
  });

  it("splits Corsica: 2A is 200xx–201xx (Ajaccio, Porto-Vecchio), 2B is 202xx–206xx (Bastia, Corte)", () => {
    for (const ajaccioOrSouth of ["20000", "20090", "20137", "20169"]) {
      expect(inDepartment("2A", ajaccioOrSouth)).toBe(true);
      expect(inDepartment("2B", ajaccioOrSouth)).toBe(false);
    }
    for (const bastiaOrNorth of ["20200", "20250", "20600", "20620"]) {
      expect(inDepartment("2B", bastiaOrNorth)).toBe(true);
      expect(inDepartment("2A", bastiaOrNorth)).toBe(false);
    }
    // the code as typed in the rule form, lower case included
    expect(inDepartment("2a", "20000")).toBe(true);
    expect(inDepartment("2A", "21000")).toBe(false);
    expect(inDepartment("2A", null)).toBe(false);
  });

  it("enrols a Corsican registration in its own département's structure", () => {
    const south = rule({ departmentCode: "2A" });
    const north = rule({ departmentCode: "2B" });
    const bastia = { ...registration, postcode: "20200", city: "Bastia", regionCode: "94" };
    const ajaccio = { ...registration, postcode: "20000", city: "Ajaccio", regionCode: "94" };
    expect(chooseEnrolment([south, north], bastia)).toBe(north.structureId);
    expect(chooseEnrolment([north, south], ajaccio)).toBe(south.structureId);
  });
});

describe("choosing among matching rules", () => {
  it("prefers the most specific rule (most criteria set), whatever the order of the rules", () => {
    const region = rule({ regionCode: "76" });
    const regionAndDomain = rule({ regionCode: "76", emailDomain: "chu-toulouse.fr" });
    const threeCriteria = rule({ regionCode: "76", emailDomain: "chu-toulouse.fr", practiceStatus: "NON_LIBERAL" });
    const rules = [region, threeCriteria, regionAndDomain];
    expect(chooseEnrolment(rules, registration)).toBe(threeCriteria.structureId);
    expect(chooseEnrolment([...rules].reverse(), registration)).toBe(threeCriteria.structureId);
    // without the most specific one matching, the next most specific wins
    expect(chooseEnrolment(rules, { ...registration, liberal: true })).toBe(regionAndDomain.structureId);
  });

  it("counts a practice status as a criterion", () => {
    const city = rule({ city: "Toulouse", createdAt: new Date("2020-01-01T00:00:00Z") });
    const cityNonLiberal = rule({ city: "Toulouse", practiceStatus: "NON_LIBERAL" });
    expect(chooseEnrolment([city, cityNonLiberal], registration)).toBe(cityNonLiberal.structureId);
  });

  it("prefers the oldest rule between equally specific ones, then the smallest id", () => {
    const older = rule({ postcode: "31059", createdAt: new Date("2025-03-01T00:00:00Z") });
    const newer = rule({ profession: "10", createdAt: new Date("2025-06-01T00:00:00Z") });
    expect(chooseEnrolment([newer, older], registration)).toBe(older.structureId);
    expect(chooseEnrolment([older, newer], registration)).toBe(older.structureId);

    const at = new Date("2025-01-01T00:00:00Z");
    const first = rule({ regionCode: "76", createdAt: at, id: "00000000-0000-4000-8000-00000000000a" });
    const second = rule({ regionCode: "76", createdAt: at, id: "00000000-0000-4000-8000-00000000000b" });
    expect(chooseEnrolment([second, first], registration)).toBe(first.structureId);
  });

  it("answers null when no rule matches", () => {
    expect(chooseEnrolment([], registration)).toBeNull();
    expect(chooseEnrolment([rule({ regionCode: "11" }), rule({ emailDomain: "ap-hm.fr" })], registration)).toBeNull();
  });

  it("never depends on the order the rules are read in (property)", () => {
    const criterion = <T>(value: T) => fc.option(fc.constant(value), { nil: null });
    const arbitraryRule = fc
      .record({
        emailDomain: criterion("chu-toulouse.fr"),
        regionCode: fc.option(fc.constantFrom("76", "11"), { nil: null }),
        departmentCode: fc.option(fc.constantFrom("31", "34"), { nil: null }),
        postcode: criterion("31059"),
        city: criterion("toulouse"),
        profession: fc.option(fc.constantFrom("10", "60"), { nil: null }),
        practiceStatus: fc.constantFrom("ANY" as const, "LIBERAL" as const, "NON_LIBERAL" as const),
        day: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ day, ...criteria }) => rule({ ...criteria, createdAt: new Date(Date.UTC(2025, 0, day)) }));
    fc.assert(
      fc.property(fc.array(arbitraryRule, { maxLength: 8 }), fc.boolean(), (rules, liberal) => {
        const candidate = { ...registration, liberal };
        const chosen = chooseEnrolment(rules, candidate);
        expect(chooseEnrolment([...rules].reverse(), candidate)).toBe(chosen);
        const matching = rules.filter((r) => ruleMatches(r, candidate));
        if (matching.length === 0) {
          expect(chosen).toBeNull();
        } else {
          // the chosen rule matches, and no matching rule sets more criteria
          const setCount = (r: EnrolmentCriteria) =>
            [r.emailDomain, r.regionCode, r.departmentCode, r.postcode, r.city, r.profession].filter((v) => v !== null)
              .length + (r.practiceStatus === "ANY" ? 0 : 1);
          const winner = matching.find((r) => r.structureId === chosen);
          expect(winner).toBeDefined();
          expect(Math.max(...matching.map(setCount))).toBe(setCount(winner as EnrolmentCriteria));
        }
      }),
    );
  });
});
