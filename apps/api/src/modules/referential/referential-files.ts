// The shapes of the national referential's public extraction files, one line at a time (pure: no I/O).
//
// Professionals: the ANS "Annuaire Santé" open-data extraction `PS_LibreAcces_Personne_activite_<date>.txt`:
// UTF-8, "|" between fields (and after the last one), a header line naming the columns, then one line per activity
// of a professional (a professional with three practice places has three lines; one without any has one line with
// empty structure columns). Columns are found by their header name, so their order and the extra columns of the
// real file (civilité, savoir-faire, coordonnées…) do not matter.
//
// Structures: the FINESS extraction published on data.gouv.fr as `etalab-cs1100507-stock-<date>.csv`: ";" between
// fields, no header of column names (its first line is "finess;etalab;…", metadata), one `structureet` line per
// establishment (géographique) whose fields are, in order: structureet; nofinesset; nofinessej; rs; rslongue;
// complrs; compldistrib; numvoie; typvoie; voie; compvoie; lieuditbp; commune; departement; libdepartement;
// ligneacheminement ("31059 TOULOUSE CEDEX 9"); telephone; telecopie; categetab; libcategetab; categagretab;
// libcategagretab; siret; … The `geolocalisation` lines that follow are ignored.
import { foldForSearch } from "@medimail/domain/text";

export type ReferentialKind = "professionals" | "structures";

export interface ProfessionalRecord {
  nationalId: string;
  idType: string;
  rpps: string | null;
  adeli: string | null;
  lastName: string;
  firstName: string;
  professionCode: string | null;
  categoryCode: string | null;
  /** the activity's structure, when the line has one the feed could transmit (FINESS site, SIRET or SIREN) */
  place: {
    structureIdentifier: string;
    identifierType: "FINESS" | "SIRET" | "SIREN";
    finessSite: string | null;
    finessLegal: string | null;
    siret: string | null;
    name: string | null;
    postcode: string | null;
    city: string | null;
  } | null;
}

export interface StructureRecord {
  identifier: string;
  name: string;
  finessLegal: string | null;
  siret: string | null;
  postcode: string | null;
  city: string | null;
}

export type Parsed<T> = { ok: true; record: T } | { ok: false; reason: string } | { ok: "skip" };

const FINESS = /^[0-9][0-9AB][0-9]{7}$/;
const SIRET = /^[0-9]{14}$/;
const SIREN = /^[0-9]{9}$/;
const RPPS = /^[0-9]{11}$/;
const ADELI = /^[0-9][0-9AB][0-9]{7}$/;

const blankToNull = (value: string | undefined) => {
  const trimmed = (value ?? "").trim();
  return trimmed === "" ? null : trimmed;
};
const clip = (value: string | null, length: number) => (value === null ? null : value.slice(0, length));

/** The columns the importer reads, by their header name (compared without accents or case). */
const PS_COLUMNS = {
  idType: "Type d'identifiant PP",
  id: "Identifiant PP",
  nationalId: "Identification nationale PP",
  lastName: "Nom d'exercice",
  firstName: "Prénom d'exercice",
  professionCode: "Code profession",
  categoryCode: "Code catégorie professionnelle",
  siret: "Numéro SIRET site",
  siren: "Numéro SIREN site",
  finessSite: "Numéro FINESS site",
  finessLegal: "Numéro FINESS établissement juridique",
  name: "Raison sociale site",
  postcode: "Code postal (coord. structure)",
  city: "Libellé commune (coord. structure)",
} as const;
const REQUIRED: (keyof typeof PS_COLUMNS)[] = ["idType", "id", "nationalId", "lastName", "firstName"];
type PsColumns = Record<keyof typeof PS_COLUMNS, number>;

const headerKey = (name: string) =>
  foldForSearch(name.replace(/^\uFEFF/, ""))
    .replace(/[’']/g, "'")
    .trim();

/** Columns of a header line beyond which it is no extraction (the real one has 56). */
const MAX_FIELDS = 1_000;

/** The position of each column the importer reads; throws when a required one is missing. */
export function professionalColumns(header: string): PsColumns {
  const fields = header.split("|", MAX_FIELDS + 1);
  if (fields.length > MAX_FIELDS) {
    throw new Error(`en-tête du fichier des professionnels : plus de ${MAX_FIELDS} colonnes`);
  }
  const names = fields.map(headerKey);
  const columns = {} as PsColumns;
  for (const [key, name] of Object.entries(PS_COLUMNS) as [keyof typeof PS_COLUMNS, string][]) {
    columns[key] = names.indexOf(headerKey(name));
  }
  const missing = REQUIRED.filter((key) => columns[key] < 0).map((key) => PS_COLUMNS[key]);
  if (missing.length > 0) {
    throw new Error(`en-tête du fichier des professionnels : colonne(s) absente(s) : ${missing.join(", ")}`);
  }
  return columns;
}

export function parseProfessionalLine(
  line: string,
  columns: PsColumns,
  fieldCount: number,
): Parsed<ProfessionalRecord> {
  if (line.trim() === "") return { ok: "skip" };
  // the real file ends every line with "|": the header and the lines then have one more (empty) field alike; a
  // line with more fields is cut one field past the count (the count alone says it is malformed)
  const fields = line.split("|", fieldCount + 1);
  if (fields.length > fieldCount) return { ok: false, reason: `plus de ${fieldCount} champs` };
  if (fields.length !== fieldCount) return { ok: false, reason: `${fields.length} champs au lieu de ${fieldCount}` };
  const at = (index: number) => (index < 0 ? null : blankToNull(fields[index]));
  const idType = at(columns.idType);
  const id = at(columns.id);
  const nationalId = at(columns.nationalId);
  const lastName = at(columns.lastName);
  if (idType !== "8" && idType !== "0")
    return { ok: false, reason: `type d'identifiant PP inconnu : « ${idType ?? ""} »` };
  if (!id || (idType === "8" ? !RPPS.test(id) : !ADELI.test(id))) {
    return { ok: false, reason: `identifiant PP invalide : « ${id ?? ""} »` };
  }
  if (!nationalId || nationalId.length > 12) return { ok: false, reason: "identification nationale PP absente" };
  if (!lastName) return { ok: false, reason: "nom d'exercice absent" };

  const finessSite = at(columns.finessSite);
  const siret = at(columns.siret);
  const siren = at(columns.siren) ?? (siret && SIRET.test(siret) ? siret.slice(0, 9) : null);
  let place: ProfessionalRecord["place"] = null;
  const validFiness = finessSite && FINESS.test(finessSite) ? finessSite : null;
  const validSiret = siret && SIRET.test(siret) ? siret : null;
  const validSiren = siren && SIREN.test(siren) ? siren : null;
  const identifier = validFiness ?? validSiret ?? validSiren;
  if (identifier) {
    const legal = at(columns.finessLegal);
    place = {
      structureIdentifier: identifier,
      identifierType: validFiness ? "FINESS" : validSiret ? "SIRET" : "SIREN",
      finessSite: validFiness,
      finessLegal: legal && FINESS.test(legal) ? legal : null,
      siret: validSiret,
      name: clip(at(columns.name), 200),
      postcode: clip(at(columns.postcode), 5),
      city: clip(at(columns.city), 100),
    };
  }
  return {
    ok: true,
    record: {
      nationalId,
      idType,
      rpps: idType === "8" ? id : null,
      adeli: idType === "0" ? id : null,
      lastName: clip(lastName, 100) as string,
      firstName: clip(at(columns.firstName) ?? "", 100) as string,
      professionCode: clip(at(columns.professionCode), 10),
      categoryCode: clip(at(columns.categoryCode), 5),
      place,
    },
  };
}

/** One line of the FINESS extraction: a `structureet` line gives a structure, other kinds are skipped. */
export function parseFinessLine(line: string): Parsed<StructureRecord> {
  // a FINESS line has 23 to 32 fields: those past the 64th are not read
  const fields = line.replace(/^\uFEFF/, "").split(";", 64);
  if (fields[0] !== "structureet") return { ok: "skip" };
  if (fields.length < 23) return { ok: false, reason: `${fields.length} champs, 23 au moins attendus` };
  const at = (index: number) => blankToNull(fields[index]);
  const identifier = at(1);
  if (!identifier || !FINESS.test(identifier))
    return { ok: false, reason: `n° FINESS invalide : « ${identifier ?? ""} »` };
  const name = at(4) ?? at(3);
  if (!name) return { ok: false, reason: "raison sociale absente" };
  const legal = at(2);
  const siret = at(22);
  const routing = at(15)?.match(/^(\d{5})\s+(.*)$/);
  return {
    ok: true,
    record: {
      identifier,
      name: name.slice(0, 200),
      finessLegal: legal && FINESS.test(legal) ? legal : null,
      siret: siret && SIRET.test(siret) ? siret : null,
      postcode: routing?.[1] ?? null,
      city: routing?.[2]?.slice(0, 100) ?? null,
    },
  };
}
