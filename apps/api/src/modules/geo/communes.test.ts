import { describe, expect, it } from "vitest";
import { createBundledCommuneDirectory } from "./communes.ts";

const communes = createBundledCommuneDirectory();

describe("bundled communes", () => {
  it("finds a commune by the start of its name, accents, case and hyphens aside, the largest first", async () => {
    const [toulouse] = await communes.search("toulou", 5);
    expect(toulouse).toMatchObject({
      inseeCode: "31555",
      name: "Toulouse",
      departmentCode: "31",
      departmentName: "Haute-Garonne",
      regionCode: "76",
      regionName: "Occitanie",
    });
    expect(toulouse?.postcodes).toContain("31000");
    expect((await communes.search("saint gaudens", 3))[0]?.name).toBe("Saint-Gaudens");
    expect((await communes.search("zzqx", 3)).length).toBe(0);
    expect((await communes.search("castres", 3))[0]?.departmentName).toBe("Tarn");
  });

  it("finds communes by postcode, and one by its INSEE code", async () => {
    const found = await communes.search("09200", 10);
    expect(found.map((commune) => commune.name)).toContain("Saint-Girons");
    expect(found.every((commune) => commune.postcodes.some((postcode) => postcode.startsWith("09200")))).toBe(true);
    expect(await communes.get("2A004")).toMatchObject({ name: "Ajaccio", departmentCode: "2A", regionName: "Corse" });
    expect(await communes.get("99999")).toBeNull();
  });
});
