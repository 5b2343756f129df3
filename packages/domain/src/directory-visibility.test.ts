import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressDomain, DIRECTORY_VISIBILITIES, directoryVisibility } from "./directory-visibility.ts";

const extractedAt = new Date("2026-12-05T04:00:00Z");
const daysBefore = (days: number) => new Date(extractedAt.getTime() - days * 86_400_000);

describe("an address compared with the national extraction", () => {
  it("is visible when listed and present", () => {
    const ours = { listed: true, publishedAt: daysBefore(10) };
    expect(directoryVisibility({ ours, deletedHere: false, inExtraction: true, extractedAt })).toBe("VISIBLE");
  });

  it("is absent when published more than a day before the extraction and not in it", () => {
    const ours = { listed: true, publishedAt: daysBefore(1) };
    expect(directoryVisibility({ ours, deletedHere: false, inExtraction: false, extractedAt })).toBe("ABSENT");
  });

  it("is not checkable yet when published within the day, or never", () => {
    for (const publishedAt of [daysBefore(0.5), null, daysBefore(-1)]) {
      const ours = { listed: true, publishedAt };
      expect(directoryVisibility({ ours, deletedHere: false, inExtraction: false, extractedAt })).toBe("NOT_YET");
    }
  });

  it("expects a liste rouge address to be absent, and flags it when present", () => {
    const ours = { listed: false, publishedAt: daysBefore(30) };
    expect(directoryVisibility({ ours, deletedHere: false, inExtraction: false, extractedAt })).toBe("LISTE_ROUGE");
    expect(directoryVisibility({ ours, deletedHere: false, inExtraction: true, extractedAt })).toBe(
      "LISTE_ROUGE_VISIBLE",
    );
  });

  it("tells an address unknown here from one deleted here, and ignores what neither side has", () => {
    expect(directoryVisibility({ ours: null, deletedHere: false, inExtraction: true, extractedAt })).toBe(
      "UNKNOWN_HERE",
    );
    expect(directoryVisibility({ ours: null, deletedHere: true, inExtraction: true, extractedAt })).toBe(
      "DELETED_HERE",
    );
    expect(directoryVisibility({ ours: null, deletedHere: true, inExtraction: false, extractedAt })).toBeNull();
  });

  it("answers one of the known visibilities for any live correspondence", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.option(fc.date({ noInvalidDate: true })), fc.boolean(), (listed, at, present) => {
        const visibility = directoryVisibility({
          ours: { listed, publishedAt: at },
          deletedHere: false,
          inExtraction: present,
          extractedAt,
        });
        expect(DIRECTORY_VISIBILITIES).toContain(visibility);
        // presence in the extraction always shows, whatever the dates
        if (present) expect(["VISIBLE", "LISTE_ROUGE_VISIBLE"]).toContain(visibility);
      }),
    );
  });
});

describe("addressDomain", () => {
  it("answers the lowercased domain, or null", () => {
    expect(addressDomain("Dr.Martin@CHU-Toulouse.MSSante.fr")).toBe("chu-toulouse.mssante.fr");
    expect(addressDomain("sans-arobase")).toBeNull();
    expect(addressDomain("@domaine.fr")).toBeNull();
    expect(addressDomain("nom@")).toBeNull();
  });
});
