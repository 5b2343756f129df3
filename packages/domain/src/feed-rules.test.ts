import { describe, expect, it } from "vitest";
import { FEED_RULES, type FeedSubject, feedIssues, isBlocked, type ReferentialFacts } from "./feed-rules.ts";

const per: FeedSubject = {
  type: "PER",
  lastName: "Dupont",
  firstName: "Jean",
  rpps: "10101234564",
  adeli: null,
  responsibleLastName: null,
  responsibleFirstName: null,
  description: null,
  structure: { type: "FINESS", value: "310783048" },
};
const professional = { lastName: "DUPONT", firstName: "Jean", isCurrent: true, isStudent: false };
const known: ReferentialFacts = {
  loaded: true,
  professional,
  structureKnown: true,
  structureHasFiness: false,
  practisesAtStructure: true,
};
const org: FeedSubject = {
  ...per,
  type: "ORG",
  rpps: null,
  responsibleLastName: "Durand",
  responsibleFirstName: "Anne",
  description: "Secrétariat",
};

describe("feed rules", () => {
  it("finds nothing for a well-filled PER the referential knows (names compared without case or accents)", () => {
    expect(feedIssues(per, known)).toEqual([]);
    expect(feedIssues({ ...per, lastName: "Dupont ", firstName: "JÉAN" }, known)).toEqual([]);
    expect(feedIssues({ ...per, firstName: "Jeanne" }, known)).toEqual(["MSS020"]);
  });

  it("MSS007: a PER without RPPS nor ADELI", () => {
    expect(feedIssues({ ...per, rpps: null }, known)).toEqual(["MSS007"]);
  });

  it("MSS008, MSS043, MSS047, MSS020, MSS033 from the referential", () => {
    expect(feedIssues(per, { ...known, professional: null })).toEqual(["MSS008"]);
    expect(feedIssues(per, { ...known, professional: { ...professional, isCurrent: false } })).toEqual(["MSS043"]);
    expect(feedIssues(per, { ...known, professional: { ...professional, isStudent: true } })).toEqual(["MSS047"]);
    expect(feedIssues(per, { ...known, professional: { ...professional, lastName: "Durand" } })).toEqual(["MSS020"]);
    expect(feedIssues(per, { ...known, practisesAtStructure: false })).toEqual(["MSS033"]);
  });

  it("MSS012 / MSS013: no structure identifier for INT, ORG, APP", () => {
    expect(feedIssues({ ...per, type: "INT", rpps: null, structure: null }, known)).toEqual(["MSS012"]);
    expect(feedIssues({ ...org, structure: null }, known)).toEqual(["MSS013"]);
    expect(feedIssues({ ...org, type: "APP", structure: null }, known)).toEqual(["MSS013"]);
  });

  it("MSS015 (FINESS) and MSS046 (SIRET/SIREN) for an unknown structure; MSS032 for a SIRET where a FINESS exists", () => {
    expect(feedIssues(org, { ...known, structureKnown: false })).toEqual(["MSS015"]);
    const siret = { ...org, structure: { type: "SIRET" as const, value: "13001793500011" } };
    expect(feedIssues(siret, { ...known, structureKnown: false })).toEqual(["MSS046"]);
    expect(feedIssues(siret, { ...known, structureHasFiness: true })).toEqual(["MSS032"]);
  });

  it("MSS018, MSS019, MSS028, MSS029: missing names, responsible, description", () => {
    expect(feedIssues({ ...per, type: "INT", rpps: null, lastName: " ", firstName: "" }, known)).toEqual([
      "MSS018",
      "MSS019",
    ]);
    expect(feedIssues({ ...org, responsibleFirstName: null, description: "" }, known)).toEqual(["MSS028", "MSS029"]);
  });

  it("orders blocking issues first and says when an entry is held back", () => {
    const codes = feedIssues(
      { ...per, lastName: "Autre", structure: { type: "SIRET", value: "1" } },
      { ...known, structureKnown: false, practisesAtStructure: false },
    );
    expect(codes).toEqual(["MSS020", "MSS046"]);
    expect(isBlocked(codes)).toBe(false);
    expect(isBlocked(["MSS020", "MSS007"])).toBe(true);
    for (const code of codes) expect(FEED_RULES[code].severity).toBe("WARNING");
  });

  it("evaluates only the local rules while no referential was imported, and never MED", () => {
    expect(feedIssues({ ...per, rpps: null }, { ...known, loaded: false, professional: null })).toEqual(["MSS007"]);
    expect(feedIssues(per, { ...known, loaded: false, professional: null, structureKnown: false })).toEqual([]);
    expect(feedIssues({ ...per, type: "MED", rpps: null, lastName: "" }, known)).toEqual([]);
  });
});
