import { describe, expect, it } from "vitest";
import { accountSearchText, foldForSearch } from "./text.ts";

describe("foldForSearch", () => {
  it("removes accents and case", () => {
    expect(foldForSearch("  Élodie D'Aubigné ")).toBe("elodie d'aubigne");
    expect(foldForSearch("FRANÇOISE Œuvre")).toBe("francoise œuvre");
  });
  it("builds the account search key from the searchable fields only", () => {
    expect(
      accountSearchText({
        email: "J.Dupré@chu.fr",
        lastName: "Dupré",
        firstName: "Jérôme",
        rpps: "10001234565",
        adeli: null,
      }),
    ).toBe("j.dupre@chu.fr dupre jerome 10001234565");
  });
});
