import { describe, expect, it } from "vitest";
import { isProfession, isRegion, PROFESSIONS, REGIONS } from "./referentials.ts";

describe("nomenclatures", () => {
  it("knows the TRE_G15 professions by code, plus a local code for the others", () => {
    expect(PROFESSIONS["10"]).toBe("Médecin");
    expect(PROFESSIONS["60"]).toBe("Infirmier");
    expect(isProfession("AUTRE")).toBe(true);
    // the codes are two digits (or AUTRE), each with a French label
    for (const [code, label] of Object.entries(PROFESSIONS)) {
      expect(code).toMatch(/^(\d{2}|AUTRE)$/);
      expect(label.length).toBeGreaterThan(2);
    }
  });

  it("knows the 18 INSEE regions of the 2016 map", () => {
    expect(Object.keys(REGIONS)).toHaveLength(18);
    expect(REGIONS["76"]).toBe("Occitanie");
    expect(REGIONS["94"]).toBe("Corse");
    expect(isRegion("76")).toBe(true);
    // the pre-2016 regions are gone (Midi-Pyrénées was 73, Languedoc-Roussillon 91)
    expect(isRegion("73")).toBe(false);
    expect(isRegion("91")).toBe(false);
  });

  it("answers only for the codes themselves, never for what every object has", () => {
    for (const code of ["", "toString", "__proto__", "constructor", "hasOwnProperty", "10 ", "1", "autre"]) {
      expect(isProfession(code)).toBe(false);
      expect(isRegion(code)).toBe(false);
    }
  });
});
