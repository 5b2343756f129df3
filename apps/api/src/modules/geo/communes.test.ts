import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createBundledCommuneDirectory, createOnlineCommuneDirectory } from "./communes.ts";

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

describe("online communes (geo.api.gouv.fr-compatible)", () => {
  it("reads the API's answers, and falls back to the bundled dataset when the API fails", async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? "");
      if (request.url?.startsWith("/communes/31555")) {
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({
            code: "31555",
            nom: "Toulouse",
            codesPostaux: ["31000", "31100"],
            departement: { code: "31", nom: "Haute-Garonne" },
            region: { code: "76", nom: "Occitanie" },
          }),
        );
      } else if (request.url?.startsWith("/communes?nom=toul")) {
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify([
            {
              code: "31555",
              nom: "Toulouse (en ligne)",
              codesPostaux: ["31000"],
              departement: { code: "31", nom: "Haute-Garonne" },
              region: { code: "76", nom: "Occitanie" },
            },
          ]),
        );
      } else {
        response.statusCode = 503;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const online = createOnlineCommuneDirectory(`http://127.0.0.1:${port}`, communes);
      expect((await online.search("toul", 5))[0]?.name).toBe("Toulouse (en ligne)");
      expect(requests[0]).toContain("boost=population");
      expect(await online.get("31555")).toMatchObject({
        departmentName: "Haute-Garonne",
        postcodes: ["31000", "31100"],
      });
      // the API answers 503: the bundled dataset answers instead
      expect((await online.search("castres", 3))[0]?.departmentName).toBe("Tarn");
    } finally {
      server.close();
    }
  });
});
