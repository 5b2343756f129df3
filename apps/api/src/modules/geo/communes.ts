import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import type { Commune } from "@medimail/contracts/geo";
import { foldForSearch } from "@medimail/domain/text";

/** Where the console finds communes: the bundled dataset by default, or an online service behind the same door. */
export interface CommuneDirectory {
  /** communes whose name or postcode starts with the query, the most populated first */
  search(query: string, limit: number): Promise<Commune[]>;
  get(inseeCode: string): Promise<Commune | null>;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  codesPostaux?: string[];
  population?: number;
}

/**
 * The current communes of the dataset, read line by line (it holds one commune per line): parsing its 8 MB at once
 * made the process's memory jump by about 100 MB for a moment, and kept the heap that large afterwards.
 */
async function readCurrentCommunes<T>(file: string, map: (row: RawCommune) => T): Promise<T[]> {
  const communes: T[] = [];
  for await (const line of createInterface({
    input: createReadStream(file, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    const json = line.trim().replace(/,$/, "");
    if (!json.startsWith("{")) continue;
    const row = JSON.parse(json) as RawCommune;
    if (row.type === "commune-actuelle" && row.departement && row.region) communes.push(map(row));
  }
  if (communes.length === 0) throw new Error(`${file}: no commune found (one commune per line expected)`);
  return communes;
}

interface IndexedCommune extends Commune {
  folded: string;
  population: number;
}

const require = createRequire(import.meta.url);

/**
 * The communes of @etalab/decoupage-administratif (INSEE's official geography, updated with the package), read
 * once on first use (8 MB of JSON, about 35,000 current communes): works without any network.
 */
export function createBundledCommuneDirectory(): CommuneDirectory {
  let index: Promise<{ list: IndexedCommune[]; byCode: Map<string, IndexedCommune> }> | undefined;

  async function load() {
    const dataDir = require
      .resolve("@etalab/decoupage-administratif/data/communes.json")
      .replace(/communes\.json$/, "");
    const read = async <T>(file: string): Promise<T> => JSON.parse(await readFile(`${dataDir}${file}`, "utf8")) as T;
    const [departments, regions] = await Promise.all([
      read<{ code: string; nom: string }[]>("departements.json"),
      read<{ code: string; nom: string }[]>("regions.json"),
    ]);
    const departmentNames = new Map(departments.map((row) => [row.code, row.nom]));
    const regionNames = new Map(regions.map((row) => [row.code, row.nom]));
    const list = (
      await readCurrentCommunes(
        `${dataDir}communes.json`,
        (row): IndexedCommune => ({
          inseeCode: row.code,
          name: row.nom,
          postcodes: row.codesPostaux ?? [],
          departmentCode: row.departement as string,
          departmentName: departmentNames.get(row.departement as string) ?? "",
          regionCode: row.region as string,
          regionName: regionNames.get(row.region as string) ?? "",
          folded: foldForSearch(row.nom).replace(/[-']/g, " "),
          population: row.population ?? 0,
        }),
      )
    ).sort((a, b) => b.population - a.population);
    return { list, byCode: new Map(list.map((commune) => [commune.inseeCode, commune])) };
  }

  // Read at the first suggestion (about 0.3 s, once), not in advance: its index holds some 20 MB, which a process
  // that never suggests communes (a worker, a busy exporting instance) is better without. A failed read is retried.
  const loaded = () => {
    index ??= load().catch((error: unknown) => {
      index = undefined;
      throw error;
    });
    return index;
  };
  const strip = ({ folded: _folded, population: _population, ...commune }: IndexedCommune): Commune => commune;

  return {
    async search(query, limit) {
      const { list } = await loaded();
      const needle = foldForSearch(query).replace(/[-']/g, " ");
      const found: Commune[] = [];
      for (const commune of list) {
        const matches = /^\d/.test(needle)
          ? commune.postcodes.some((postcode) => postcode.startsWith(needle)) || commune.inseeCode === needle
          : commune.folded.startsWith(needle) || commune.folded.includes(` ${needle}`);
        if (matches) found.push(strip(commune));
        if (found.length === limit) break;
      }
      return found;
    },
    async get(inseeCode) {
      const commune = (await loaded()).byCode.get(inseeCode);
      return commune ? strip(commune) : null;
    },
  };
}

interface GeoApiCommune {
  code: string;
  nom: string;
  codesPostaux?: string[];
  departement?: { code: string; nom: string };
  region?: { code: string; nom: string };
}

/**
 * An online directory speaking the API of geo.api.gouv.fr (the State's address and commune service, companion of
 * the BAN), e.g. COMMUNES_API_URL=https://geo.api.gouv.fr. Same answers as the bundled dataset, always current; a
 * failure falls back to the bundled dataset so that typing an address never breaks.
 */
export function createOnlineCommuneDirectory(
  baseUrl: string,
  fallback: CommuneDirectory = createBundledCommuneDirectory(),
): CommuneDirectory {
  const fields = "nom,code,codesPostaux,departement,region";
  const toCommune = (row: GeoApiCommune): Commune | null =>
    row.departement && row.region
      ? {
          inseeCode: row.code,
          name: row.nom,
          postcodes: row.codesPostaux ?? [],
          departmentCode: row.departement.code,
          departmentName: row.departement.nom,
          regionCode: row.region.code,
          regionName: row.region.nom,
        }
      : null;
  async function get<T>(path: string): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`communes API: HTTP ${response.status}`);
    return (await response.json()) as T;
  }
  return {
    async search(query, limit) {
      const trimmed = query.trim();
      const parameter = /^\d{5}$/.test(trimmed)
        ? `codePostal=${trimmed}`
        : `nom=${encodeURIComponent(trimmed)}&boost=population`;
      try {
        const rows = await get<GeoApiCommune[]>(`/communes?${parameter}&fields=${fields}&limit=${limit}`);
        return rows.map(toCommune).filter((row): row is Commune => row !== null);
      } catch {
        return fallback.search(query, limit);
      }
    },
    async get(inseeCode) {
      try {
        return toCommune(await get<GeoApiCommune>(`/communes/${encodeURIComponent(inseeCode)}?fields=${fields}`));
      } catch {
        return fallback.get(inseeCode);
      }
    },
  };
}
