import { describe, expect, it } from "vitest";
import { publicationStatusText } from "./mssante.ts";

describe("publication status shown to administrators", () => {
  it("a published liste rouge address is En liste rouge, a refused one Refusée par l'annuaire", () => {
    expect(publicationStatusText("PUBLISHED", false)).toBe("En liste rouge");
    expect(publicationStatusText("PUBLISHED", true)).toBe("Publiée");
    expect(publicationStatusText("REJECTED", true)).toBe("Refusée par l'annuaire");
    expect(publicationStatusText("PENDING", false)).toBe("Publication cette nuit");
  });
});
